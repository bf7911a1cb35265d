"""The authorisation matrix: every route of the site and of the API, every role, and objects
of agencies the role is not party to.

The routes are enumerated, not listed by hand: the pages from ``django.urls.get_resolver()``
and the API operations (with their methods and request bodies) from the OpenAPI schema, which
must name every ``/api/v1/`` route the resolver knows. A route with a parameter is bound to the
objects built below; a new route that binds to nothing and is not in :data:`PUBLIC` (with its
reason) fails :func:`test_every_route_is_classified`.

The objects are built once for the module, through the same requests a user makes:

- ``case_jkt``: siti's SAMSAT application at SAMSAT Jakarta Pusat, returned for revision by
  Polda Metro Jaya and revised with an uploaded document; waiting on Polda's first step again,
  so Bapenda DKI (whose step is not reached yet) is not party to it either.
- ``case_bdg``: a business licence (izin usaha, DPMPTSP Kota Bandung) decided, with its signed
  decision and its IKM survey invitation.
- ``complaint``: siti's complaint about Bandung roads, disposed to DLH Kota Bandung by the
  KemenPANRB coordinator.
- the rural development forum (``forum-pembangunan-desa``: Kemenko PMK, Kementerian PU,
  Bappenas, Kemendes PDT), its programme and indicator, a proposal and an action item opened
  in it by Kemenko PMK, and a readiness self-assessment of Kementerian PU. Kemenag is a member
  of the (ended) 2018 Satgas Waspada Investasi, not of this forum, so ``outsider.kemenag`` is a
  stranger to every object here.
- ``grant``: an unpublished mandate inside DPMPTSP Kota Bandung.
- ``official``: the account of ``polda.metro``.

For each object, its strangers (roles party to nothing about it) must get 404 on every route
bound to it, for GET and POST alike (an API operation only for its own methods; a page also
answers 405 to a method it does not take), and anonymous callers 404, 401 (API) or the sign-in
redirect; a party must get something other than 404 on the GET routes, so a wrong binding
fails. Parameterless pages and lists, read by a stranger, must not show the object's
identifiers. Every HTML page visited carries the strict Content-Security-Policy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from sinergi.accounts.models import User
from sinergi.accounts.roles import Role
from sinergi.api.root import api
from sinergi.audit.models import AuditEntry
from sinergi.cases.models import Case
from sinergi.catalog.models import ProcessDefinition
from sinergi.coordination.models import Indicator
from sinergi.documents.actions import pdf_bytes
from sinergi.documents.models import Decision
from sinergi.portal.models import CaseDocument
from sinergi.registry.models import AuthorityGrant
from sinergi.voice.actions import invite_after_case
from tests.cases.test_every_service import run_to_decision

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
CITIZEN2 = "warga.lain"
ROLES = [
    ANONYMOUS, "siti", CITIZEN2, "polda.metro", "bapenda.dki", "kepala.dpmptsp.bdg",
    "kabid.perizinan.bdg", "dlh.bdg", "dukcapil.bdg", "desk.samsat.jakpus", "desk.mpp.bdg",
    "koordinator.panrb", "koordinator.pmk", "pu.desa", "ojk.swi", "auditor",
    "outsider.kemenag", "admin",
]  # fmt: skip

#: Routes anyone may use, whatever object they name, and why.
PUBLIC: dict[str, str] = {
    "/healthz": "liveness probe",
    "/readyz": "readiness probe",
    "/api/v1/": "the API root (links only)",
    "/api/v1/openapi.json": "the API's schema",
    "/api/v1/docs": "the API's documentation page",
    "/i18n/setlang/": "the language switch",
    "/api/v1/regions": "regions are public data (Kemendagri codes)",
    "/api/v1/regions/{code}": "regions are public data",
    "/api/v1/agencies": "agencies are public data",
    "/api/v1/agencies/{code}": "agencies are public data",
    "/api/v1/service-points": "service points are public data",
    "/api/v1/service-points/{code}": "service points are public data",
    "/api/v1/services": "the service catalogue is public",
    "/api/v1/services/{code}": "the service catalogue is public",
    "/api/v1/services/{code}/variants/{variant}/bpmn": "the catalogue's process diagrams",
    "/services/{code}/": "the service catalogue is public",
    "/services/{code}/{variant}/apply/": "anyone may start an application (sign-in to send)",
    "/services/{code}/{variant}/check/": "the applicant's own draft, kept in their session",
    "/api/v1/verify/{decision_id}": "verification shows a decision's status to anyone",
    "/verifikasi/{decision_id}": "verification shows a decision's status to anyone",
    "/api/v1/ikm/surveys/{survey_id}": "IKM results are public aggregates per unit",
    "/ikm/{survey_id}/": "IKM results are public aggregates per unit",
    "/ikm/{survey_id}/ikm.csv": "IKM results are public aggregates per unit",
    "/track/{receipt}/": "tracking needs the receipt number and its PIN (throttled)",
    "/track/{receipt}/decision/": "tracking needs the receipt number and its PIN (throttled)",
}
#: Routes of public objects where a stranger's change is refused as forbidden: the object's
#: existence is public already, so 403 tells nothing.
FORBIDDEN_ON_PUBLIC = {
    "/api/v1/ikm/surveys/{survey_id}/population": "IKM surveys are public per unit",
}
#: GET routes where a party legitimately finds nothing for this object (``route@target``).
NOTHING_THERE = {
    "/applications/{receipt}/decision/@case_jkt": "not decided yet",
    "/api/v1/cases/{receipt}/decision@case_jkt": "not decided yet",
    "/work/{receipt}/objection/@case_jkt": "no objection",
    "/work/{receipt}/objection/@case_bdg": "no objection",
    "/ikm/jawab/{receipt}/@case_jkt": "no survey before the decision",
}

STRANGERS_TO_JAKARTA = {
    CITIZEN2, "kepala.dpmptsp.bdg", "kabid.perizinan.bdg", "dlh.bdg", "dukcapil.bdg",
    "desk.mpp.bdg", "koordinator.panrb", "koordinator.pmk", "pu.desa", "ojk.swi",
    "outsider.kemenag", "admin",
}  # fmt: skip
STRANGERS_TO_BANDUNG = {
    CITIZEN2, "polda.metro", "bapenda.dki", "dukcapil.bdg", "desk.samsat.jakpus",
    "koordinator.panrb", "koordinator.pmk", "pu.desa", "ojk.swi", "outsider.kemenag", "admin",
}  # fmt: skip
STRANGERS_TO_THE_FORUM = {
    "siti", CITIZEN2, "polda.metro", "kepala.dpmptsp.bdg", "dlh.bdg", "desk.samsat.jakpus",
    "koordinator.panrb", "ojk.swi", "outsider.kemenag", "admin",
}  # fmt: skip


@dataclass
class Target:
    """One object of the matrix: how its route parameters are filled, who is party to it
    (one of them must see it) and who is a stranger (404), and what identifies it in a page."""

    params: dict[str, str]
    parties: set[str]
    strangers: set[str]
    markers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Route:
    template: str  # "/api/v1/cases/{receipt}"
    methods: tuple[str, ...]
    body: dict[str, Any] | None  # JSON body for an API operation
    query: str  # the required query parameters, filled
    files: tuple[str, ...]  # multipart file fields
    api: bool


# --- Enumerating the routes ---------------------------------------------------------------


def _walk(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def resolver_routes() -> list[str]:
    """Every URL pattern of the site, as ``/path/{param}/`` (admin excluded: see its test)."""
    routes = []
    for raw in _walk(get_resolver()):
        if raw.startswith("admin/"):
            continue
        routes.append("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", raw))
    return sorted(set(routes))


def _example(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """A minimal value valid for ``schema`` (required properties only)."""
    if "$ref" in schema:
        return _example(components[schema["$ref"].rsplit("/", 1)[1]], components)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return _example(options[0], components)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: _example(props[name], components) for name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date-time":
        return "2026-01-05T09:00:00+07:00"
    if schema.get("format") == "date":
        return "2026-01-05"
    return "x"


@cache
def api_routes() -> list[Route]:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    components = schema.get("components", {}).get("schemas", {})
    routes = []
    for path, operations in schema["paths"].items():
        methods = tuple(sorted(m.upper() for m in operations))
        body: dict[str, Any] | None = None
        files: tuple[str, ...] = ()
        query: dict[str, str] = {}
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter.get("required"):
                    query[parameter["name"]] = str(_example(parameter["schema"], components))
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                body = _example(content["application/json"]["schema"], components)
            if "multipart/form-data" in content:
                files = tuple(content["multipart/form-data"]["schema"]["properties"])
        routes.append(Route(path, methods, body, urlencode(query), files, api=True))
    return routes


@cache
def all_routes() -> list[Route]:
    apis = api_routes()
    known = {r.template for r in apis}
    pages = [
        Route(t, ("GET", "POST"), None, "", (), api=False)
        for t in resolver_routes()
        if not t.startswith("/api/v1/") or t in PUBLIC
    ]
    return apis + [p for p in pages if p.template not in known]


def test_the_openapi_schema_names_every_api_route() -> None:
    """An API route missing from the schema would escape the matrix."""
    schema_paths = {r.template for r in api_routes()}
    resolved = {t for t in resolver_routes() if t.startswith("/api/v1/") and t not in PUBLIC}
    assert resolved - schema_paths == set()


# --- The objects --------------------------------------------------------------------------


def client_for(username: str) -> Client:
    client = Client()
    if username != ANONYMOUS:
        client.force_login(User.objects.get(username=username))
    return client


SAMSAT = {
    "plate": "B 1777 MTX",
    "njkb": "200000000",
    "wheels": "4",
    "swdkllj_class": "mobil_pribadi",
    "province_code": "31",
    "ownership": "1",
}
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
COMPLAINT = (
    "Jalan kota di Jl. Dipatiukur berlubang besar dan saluran drainase tersumbat, "
    "setiap hujan air meluap ke jalan."
)
PROPOSAL_TITLE = "Usulan matriks akses 7Q2"
ACTION_TITLE = "Aksi matriks akses 7Q2"


def _json(client: Client, path: str, body: dict[str, Any]) -> Any:
    response = client.post(path, body, content_type="application/json")
    assert response.status_code in {200, 201}, (path, response.content)
    return response.json()


def _portal_application(siti: Client) -> str:
    base = "/services/samsat-tahunan/satu-atap"
    assert siti.post(f"{base}/apply/", SAMSAT).status_code == 302
    check = siti.get(f"{base}/check/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', check)
    assert token is not None
    sent = siti.post(f"{base}/check/", {"token": token.group(1)})
    match = re.search(r"/applications/([^/]+)/submitted/", sent.headers["Location"])
    assert match is not None
    return match.group(1)


class _Users:
    """``as_user`` for a module-scoped fixture."""

    def __call__(self, username: str) -> Client:
        return client_for(username)


def build_world() -> dict[str, Target]:
    User.objects.create_user(username=CITIZEN2, password=None, role=Role.CITIZEN)
    siti, polda = client_for("siti"), client_for("polda.metro")

    receipt_jkt = _portal_application(siti)
    case = Case.objects.get(receipt_number=receipt_jkt)
    returned = polda.post(
        f"/work/{receipt_jkt}/pendaftaran/",
        {
            "outcome": "return_for_revision",
            "reasons": "Nomor polisi salah",
            "version": case.version,
        },
    )
    assert returned.status_code == 302
    case.refresh_from_db()
    revised = siti.post(
        f"/applications/{receipt_jkt}/revise/",
        {**SAMSAT, "version": case.version,
         "file": SimpleUploadedFile("stnk.pdf", PDF, "application/pdf")},
    )  # fmt: skip
    assert revised.status_code == 302
    document = CaseDocument.objects.get(case__receipt_number=receipt_jkt)

    row = ProcessDefinition.objects.select_related("service").get(
        service__code="izin-usaha", variant="satu-pintu", current=True
    )
    receipt_bdg = run_to_decision(_Users(), row, None, {"dpmptsp-bandung": "kabid.perizinan.bdg"})
    decision = Decision.objects.get(case__receipt_number=receipt_bdg)
    pdf_bytes(decision)  # signed now (the worker's job), not on the matrix's first download
    # The IKM invitation is a task queued on commit; here the task's action runs in line.
    invitation = invite_after_case(Case.objects.get(receipt_number=receipt_bdg).pk)

    complaint = _json(siti, "/api/v1/complaints", {"text": COMPLAINT, "region_code": "32.73.02"})
    number = complaint["tracking_number"]
    _json(client_for("koordinator.panrb"), f"/api/v1/complaints/{number}/verify",
          {"agency": "dlh-bandung"})  # fmt: skip

    forum = "forum-pembangunan-desa"
    pmk = client_for("koordinator.pmk")
    proposal = _json(
        pmk,
        f"/api/v1/coordination/bodies/{forum}/proposals",
        {"title": PROPOSAL_TITLE, "text": "Anggota menyepakati rencana aksi."},
    )
    action = _json(
        pmk,
        f"/api/v1/coordination/bodies/{forum}/action-items",
        {"title": ACTION_TITLE, "agency": "kemen-pu", "working_days": 10},
    )
    pu = client_for("pu.desa")
    questions = pu.get("/api/v1/coordination/readiness/questionnaire").json()["questions"]
    assessment = _json(
        pu,
        "/api/v1/coordination/readiness",
        {"agency": "kemen-pu", "answers": {q["code"]: 3 for q in questions}},
    )
    indicator = Indicator.objects.filter(programme__code="program-desa-terpadu").first()
    assert indicator is not None

    source = AuthorityGrant.objects.filter(holder__code="kepala-dpmptsp-bandung").first()
    assert source is not None
    grant = _json(client_for("kepala.dpmptsp.bdg"), "/api/v1/grants", {
        "kind": "mandat", "source": source.pk, "holder": "kabid-perizinan-dpmptsp-bandung",
        "grantor": "kepala-dpmptsp-bandung", "services": source.services,
        "decisions": source.decisions, "regulation": "Perwal Bandung 7/2026 (matriks)",
        "valid_from": "2026-01-05T00:00:00+07:00", "publish": False,
    })  # fmt: skip
    case_bdg = {"receipt": receipt_bdg, "step_id": "pendaftaran"}
    forum_parties, forum_strangers = {"pu.desa", "koordinator.pmk"}, STRANGERS_TO_THE_FORUM
    world = {
        "case_jkt": Target(
            {"receipt": receipt_jkt, "step_id": "pendaftaran", "document_id": str(document.pk)},
            {"siti", "polda.metro"},
            STRANGERS_TO_JAKARTA | {"bapenda.dki"},
            [receipt_jkt],
        ),
        "case_bdg": Target(
            case_bdg, {"kabid.perizinan.bdg"}, STRANGERS_TO_BANDUNG | {"siti"}, [receipt_bdg]
        ),
        "decision": Target(
            {"decision_id": str(decision.pk)},
            {"kabid.perizinan.bdg"},
            STRANGERS_TO_BANDUNG | {"siti"},
            [decision.number],
        ),
        "complaint": Target(
            {"number": number},
            {"siti", "dlh.bdg"},
            {
                CITIZEN2,
                "polda.metro",
                "bapenda.dki",
                "kepala.dpmptsp.bdg",
                "kabid.perizinan.bdg",
                "dukcapil.bdg",
                "desk.samsat.jakpus",
                "desk.mpp.bdg",
                "koordinator.pmk",
                "pu.desa",
                "ojk.swi",
                "outsider.kemenag",
                "admin",
            },
            [number],
        ),
        "body": Target({"code": forum}, forum_parties, forum_strangers, []),
        "programme": Target(
            {"code": "program-desa-terpadu", "indicator_id": str(indicator.pk)},
            forum_parties,
            forum_strangers,
        ),
        "indicator": Target({"indicator_id": str(indicator.pk)}, forum_parties, forum_strangers),
        "proposal": Target(
            {"proposal_id": str(proposal["id"])}, forum_parties, forum_strangers, [PROPOSAL_TITLE]
        ),
        "action": Target(
            {"item_id": str(action["id"])}, forum_parties, forum_strangers, [ACTION_TITLE]
        ),
        "assessment": Target(
            {"assessment_id": str(assessment["id"])}, {"pu.desa"}, forum_strangers
        ),
        "grant": Target(
            {"grant_id": str(grant["id"])},
            {"kepala.dpmptsp.bdg"},
            {
                "siti",
                CITIZEN2,
                "polda.metro",
                "bapenda.dki",
                "dlh.bdg",
                "desk.samsat.jakpus",
                "koordinator.panrb",
                "pu.desa",
                "outsider.kemenag",
            },
            ["Perwal Bandung 7/2026 (matriks)"],
        ),
        "official": Target(
            {"username": "polda.metro"},
            {"polda.metro"},
            {
                "siti",
                CITIZEN2,
                "bapenda.dki",
                "kepala.dpmptsp.bdg",
                "desk.mpp.bdg",
                "pu.desa",
                "outsider.kemenag",
                "koordinator.pmk",
            },
        ),
    }
    assert invitation is not None
    world["survey"] = Target(
        {"survey_id": str(invitation.survey_id)},
        {"kepala.dpmptsp.bdg"},
        {"outsider.kemenag", "polda.metro", "dlh.bdg", "siti"},
    )
    return world


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Target]]:
    """Built once inside a transaction that is rolled back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


# --- Binding routes to objects --------------------------------------------------------------


#: The objects a route's first parameter names, by the route's shape.
def targets_of(template: str, world: dict[str, Target]) -> list[str]:
    params = re.findall(r"{(\w+)}", template)
    if not params:
        return []
    if "receipt" in params:
        found = ["case_jkt", "case_bdg"]
    elif "code" in params and "/bodies/" in template:
        found = ["body"]
    elif "code" in params and "/programmes/" in template:
        found = ["programme"]
    else:
        by_param = {
            "decision_id": "decision", "number": "complaint", "indicator_id": "indicator",
            "proposal_id": "proposal", "item_id": "action", "assessment_id": "assessment",
            "grant_id": "grant", "username": "official", "survey_id": "survey",
        }  # fmt: skip
        found = [by_param[params[0]]] if params[0] in by_param else []
    return [t for t in found if t in world and set(params) <= set(world[t].params)]


def concrete(template: str, target: Target) -> str:
    return re.sub(r"{(\w+)}", lambda m: target.params[m.group(1)], template)


def _send(client: Client, route: Route, method: str, path: str) -> Any:
    if route.query:
        path = f"{path}?{route.query}"
    if method == "GET":
        return client.get(path)
    if route.files:
        return client.post(
            path,
            {name: SimpleUploadedFile("a.pdf", PDF, "application/pdf") for name in route.files},
        )
    if route.api:
        return client.post(path, route.body or {}, content_type="application/json")
    return client.post(path, {})


def _anonymous_refused(response: Any) -> bool:
    if response.status_code in {401, 404, 405}:
        return True
    return response.status_code == 302 and "/sign-in/" in response.headers.get("Location", "")


def test_every_route_is_classified(world: dict[str, Target]) -> None:
    """A new route with parameters either binds to a matrix object or is public with a reason."""
    unbound = [
        r.template
        for r in all_routes()
        if "{" in r.template and r.template not in PUBLIC and not targets_of(r.template, world)
    ]
    assert unbound == []


CSP_REQUIRED = {
    "default-src 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'none'",
}


def csp_problems(path: str, response: Any) -> list[str]:
    """What is wrong with an HTML response's Content-Security-Policy (empty when strict)."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    policy = response.get("Content-Security-Policy", "")
    directives = {d.strip() for d in policy.split(";")}
    problems = [f"{path}: missing {d}" for d in CSP_REQUIRED - directives]
    scripts = next((d for d in directives if d.startswith("script-src ")), "")
    nonce = re.search(r"'nonce-([^']+)'", scripts)
    body = response.content.decode(errors="replace")
    for tag in re.findall(r"<script\b[^>]*>", body):
        if "src=" in tag or 'type="application/json"' in tag:
            continue
        if nonce is None or f'nonce="{nonce.group(1)}"' not in tag:
            problems.append(f"{path}: an inline script without the nonce")
    for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "*"):
        if unsafe in policy.split():
            problems.append(f"{path}: {unsafe}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{path}: no X-Content-Type-Options")
    if response.get("X-Frame-Options") != "DENY":
        problems.append(f"{path}: no X-Frame-Options DENY")
    return problems


@pytest.mark.parametrize("role", [r for r in ROLES if r != ANONYMOUS])
def test_strangers_get_404(role: str, world: dict[str, Target]) -> None:
    client = client_for(role)
    leaks: list[str] = []
    for route in all_routes():
        if route.template in PUBLIC:
            continue
        for name in targets_of(route.template, world):
            target = world[name]
            if role not in target.strangers:
                continue
            path = concrete(route.template, target)
            answers = {}
            for method in route.methods:
                response = _send(client, route, method, path)
                answers[method] = response.status_code
                leaks += csp_problems(path, response)
            if route.template in FORBIDDEN_ON_PUBLIC:
                refused = set(answers.values()) <= {403, 404}
            elif route.api:
                refused = all(s == 404 for s in answers.values())
            else:
                refused = set(answers.values()) <= {404, 405} and 404 in answers.values()
            if not refused:
                leaks.append(f"{role} {name} {path} {answers}")
    assert not leaks, "\n".join(leaks)


def test_parties_see_their_objects(world: dict[str, Target]) -> None:
    """The other half: one of the object's parties reads every GET route bound to it, so a
    binding to the wrong object (which every stranger would also "not find") fails here."""
    clients = {role: client_for(role) for t in world.values() for role in t.parties}
    missing: list[str] = []
    for route in all_routes():
        if route.template in PUBLIC or "GET" not in route.methods:
            continue
        for name in targets_of(route.template, world):
            target = world[name]
            key = f"{route.template}@{name}"
            if key in NOTHING_THERE or (
                name == "case_bdg" and route.template.startswith("/applications/")
            ):  # the walk-in applicant of case_bdg has no account
                continue
            path = concrete(route.template, target)
            if route.query:
                path = f"{path}?{route.query}"
            answers = {}
            for role in sorted(target.parties):
                response = clients[role].get(path)
                answers[role] = response.status_code
                missing += csp_problems(path, response)
            if all(s == 404 or s >= 500 for s in answers.values()):
                missing.append(f"{name} GET {path}: {answers}")
    assert not missing, "\n".join(missing)


def test_anonymous_callers_are_refused_everywhere(world: dict[str, Target]) -> None:
    client = client_for(ANONYMOUS)
    leaks = []
    for route in all_routes():
        if route.template in PUBLIC:
            continue
        for name in targets_of(route.template, world):
            path = concrete(route.template, world[name])
            for method in route.methods:
                response = _send(client, route, method, path)
                if not _anonymous_refused(response):
                    leaks.append(f"{method} {path}: {response.status_code}")
    assert not leaks, "\n".join(leaks)


@pytest.mark.parametrize("role", ROLES)
def test_lists_and_pages_show_strangers_nothing_and_carry_the_csp(
    role: str, world: dict[str, Target]
) -> None:
    """Every parameterless page and list: a stranger sees none of the objects' identifiers;
    every HTML page has a strict policy (the pages of objects are checked as they are visited
    by their parties and strangers above)."""
    client = client_for(role)
    markers = [m for t in world.values() if role in t.strangers for m in t.markers]
    problems: list[str] = []
    for route in all_routes():
        if "GET" not in route.methods or route.template in {"/sign-out/", "/i18n/setlang/"}:
            continue
        if "{" in route.template:
            continue
        for path in [route.template]:
            response = client.get(path)
            if response.status_code >= 500:
                problems.append(f"{path}: {response.status_code}")
            problems += csp_problems(path, response)
            if getattr(response, "streaming", False):
                continue
            text = response.content.decode(errors="replace")
            problems += [f"{path} shows {m}" for m in markers if m in text]
    assert not problems, "\n".join(problems)


def test_the_auditor_reads_but_changes_nothing(world: dict[str, Target]) -> None:
    """The auditor sees everything and may act on nothing: every POST bound to a matrix
    object leaves the audit chain (which every action extends) as it was."""
    client = client_for("auditor")
    before = AuditEntry.objects.count()
    changed = []
    for route in all_routes():
        if route.template in PUBLIC or "POST" not in route.methods:
            continue
        for name in targets_of(route.template, world):
            path = concrete(route.template, world[name])
            status = _send(client, route, "POST", path).status_code
            if AuditEntry.objects.count() != before or (status in {200, 201} and route.api):
                changed.append(f"{path}: {status}")
                before = AuditEntry.objects.count()
    assert not changed, "\n".join(changed)


def admin_routes() -> list[str]:
    """The admin's pages without a parameter (index, change lists, add forms)."""
    routes = [r for r in _walk(get_resolver()) if r.startswith("admin/") and "<" not in r]
    return sorted({"/" + r for r in routes if not r.endswith(("logout/", "login/"))})


@pytest.mark.parametrize(
    "role", [ANONYMOUS, "siti", "polda.metro", "auditor", "kepala.dpmptsp.bdg"]
)
def test_the_admin_is_for_the_platform_admin_only(role: str) -> None:
    """The admin answers anyone else with 404 (signed in) or its sign-in page, never a page."""
    client = client_for(role)
    shown = []
    for path in admin_routes():
        response = client.get(path)
        to_sign_in = "/admin/login/" in response.headers.get("Location", "")
        if not (response.status_code == 404 or (response.status_code == 302 and to_sign_in)):
            shown.append(f"{path}: {response.status_code}")
    assert not shown, "\n".join(shown)


def test_the_platform_admin_sees_the_admin_under_the_strict_policy() -> None:
    client = client_for("admin")
    problems = []
    for path in admin_routes():
        response = client.get(path)
        if response.status_code not in {200, 302, 403}:
            problems.append(f"{path}: {response.status_code}")
        problems += csp_problems(path, response)
    assert client.get("/admin/").status_code == 200
    assert not problems, "\n".join(problems)
