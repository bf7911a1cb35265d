"""``Idempotency-Key`` on every POST that creates something or changes state: a retry gets the
first answer and changes nothing, a reused key for another request and a bad key are refused,
and a new POST endpoint without the decorator (and not a pure read) fails here."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sinergi.api.root import api
from sinergi.audit.models import AuditEntry
from sinergi.cases.models import Case, CaseStep
from sinergi.core.idempotency import is_idempotent
from sinergi.core.models import IdempotencyRecord
from sinergi.registry.models import Agency, AuthorityGrant
from sinergi.voice.models import Attachment, Complaint, ComplaintEvent, Survey

pytestmark = pytest.mark.django_db

#: POSTs that only read (anyone may call them): they take no key and ignore one.
PURE_READS = {
    "/citizens/nik-check",
    "/complaints/route",
    "/verify/qr",
    "/verify/pdf",
}
TEXT = (
    "Jalan kota di Jl. Dipatiukur berlubang besar dan saluran drainase tersumbat, "
    "setiap hujan air meluap ke jalan."
)
CAR = {
    "plate": "B 1234 SRH", "njkb": 200000000, "wheels": 4,
    "swdkllj_class": "mobil_pribadi", "province_code": "31", "ownership": 1,
}  # fmt: skip
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def writing_operations() -> list[tuple[str, str, Any]]:
    found = []
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    if method != "GET":
                        found.append((method, path, operation))
    return found


def test_every_writing_endpoint_takes_a_key_unless_it_only_reads() -> None:
    operations = writing_operations()
    assert len(operations) >= 40
    missing = [
        f"{m} {p}"
        for m, p, op in operations
        if p not in PURE_READS and not is_idempotent(op.view_func)
    ]
    assert missing == []
    needless = [
        f"{m} {p}" for m, p, op in operations if p in PURE_READS and is_idempotent(op.view_func)
    ]
    assert needless == []


def test_the_schema_documents_the_header_exactly_where_it_is_taken() -> None:
    schema = api.get_openapi_schema()
    for method, path, _operation in writing_operations():
        details = schema["paths"][f"/api/v1{path}"][method.lower()]
        headers = [p for p in details.get("parameters", []) if p["in"] == "header"]
        if path in PURE_READS:
            assert headers == [], path
        else:
            assert [(h["name"], h["required"]) for h in headers] == [("Idempotency-Key", False)], (
                path
            )
            assert "retry" in headers[0]["description"]


def test_a_pure_read_ignores_a_key_even_a_bad_one(client: Client) -> None:
    body = {"text": TEXT, "region_code": "32.73"}
    answers = [
        client.post(
            "/api/v1/complaints/route",
            body,
            content_type="application/json",
            headers={"Idempotency-Key": key},
        )
        for key in ("r-1", "r-1", "x" * 300)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert IdempotencyRecord.objects.count() == 0


# --- Each endpoint: retry, reuse, bad key -----------------------------------------------------


@dataclass
class Call:
    """One request ready to send: who, where, what (JSON or one uploaded file)."""

    client: Client
    path: str
    body: dict[str, Any] | None = None
    upload: bytes | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def send(self, key: str, *, other: bool = False) -> Any:
        headers = {"Idempotency-Key": key}
        if self.upload is not None:
            data = self.upload + (b"\x00" if other else b"")
            upload = SimpleUploadedFile("foto.png", data, content_type="image/png")
            return self.client.post(self.path, {"upload": upload}, headers=headers)
        if self.body is None:
            path = self.path + ("?again=1" if other else "")
            return self.client.post(path, headers=headers)
        body = {**self.body, "unused": "x"} if other else self.body
        return self.client.post(self.path, body, content_type="application/json", headers=headers)


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    response = client.post(path, body, content_type="application/json")
    assert response.status_code in (200, 201), response.content
    return response.json()


def complaint(as_user: Any, *, to: str | None = None) -> str:
    number = str(
        post(as_user("siti"), "/api/v1/complaints", {"text": TEXT, "region_code": "32.73.02"})[
            "tracking_number"
        ]
    )
    if to is not None:
        post(as_user("koordinator.panrb"), f"/api/v1/complaints/{number}/verify", {"agency": to})
    return number


def adu(number: str, action: str) -> str:
    return f"/api/v1/complaints/{number}/{action}"


def case_at_the_police(as_user: Any) -> str:
    body = {"service": "samsat-tahunan", "variant": "teknis-fungsional", "data": CAR}
    return str(post(as_user("siti"), "/api/v1/cases", body)["receipt_number"])


def returned_case(as_user: Any) -> str:
    number = case_at_the_police(as_user)
    post(
        as_user("polda.metro"),
        f"/api/v1/cases/{number}/steps/pemeriksaan-data/act",
        {"outcome": "return_for_revision", "reasons": "Nomor polisi tidak sesuai STNK"},
    )
    return number


def mandate(as_user: Any) -> int:
    source = AuthorityGrant.objects.get(holder__code="kepala-dpmptsp-bandung", kind="delegasi")
    body = {
        "kind": "mandat", "source": source.pk, "grantor": "kepala-dpmptsp-bandung",
        "holder": "kabid-perizinan-dpmptsp-bandung", "services": ["pbg"],
        "decisions": ["verifikasi"], "regulation": "Keputusan Kepala DPMPTSP tentang Mandat PBG",
        "article": "Diktum KESATU", "valid_from": "2026-01-02T00:00:00+07:00",
    }  # fmt: skip
    return int(post(as_user("kepala.dpmptsp.bdg"), "/api/v1/grants", body)["id"])


def closable_proposal(as_user: Any) -> int:
    forum = "/api/v1/coordination/bodies/forum-pembangunan-desa"
    body = {"title": "Rencana aksi 2027", "text": "Members adopt the plan."}
    proposal = post(as_user("koordinator.pmk"), f"{forum}/proposals", body)["id"]
    for voter in ("pu.desa", "bappenas.desa"):
        post(as_user(voter), f"/api/v1/coordination/proposals/{proposal}/votes", {"choice": "yes"})
    return int(proposal)


def survey() -> int:
    return Survey.objects.create(
        agency=Agency.objects.get(code="dpmptsp-bandung"),
        period_start="2026-07-01",
        period_end="2026-09-30",
    ).pk


SCENARIOS: dict[str, Callable[[Any], Call]] = {
    "complaints/attachments": lambda u: Call(
        u("siti"), adu(complaint(u), "attachments"), upload=PNG
    ),
    "complaints/verify": lambda u: Call(
        u("koordinator.panrb"), adu(complaint(u), "verify"), {"agency": "dlh-bandung"}
    ),
    "complaints/defer": lambda u: Call(
        u("koordinator.panrb"), adu(complaint(u), "defer"), {"reason": "Lokasi kurang jelas."}
    ),
    "complaints/archive": lambda u: Call(
        u("koordinator.panrb"), adu(complaint(u), "archive"), {"reason": "Bukan pengaduan."}
    ),
    "complaints/decline": lambda u: Call(
        u("dlh.bdg"), adu(complaint(u, to="dlh-bandung"), "decline"), {"reason": "Bukan wewenang."}
    ),
    "complaints/follow-up": lambda u: Call(
        u("dlh.bdg"), adu(complaint(u, to="dlh-bandung"), "follow-up"), {"message": "Selesai."}
    ),
    "cases/claim": lambda u: Call(
        u("polda.metro"), f"/api/v1/cases/{case_at_the_police(u)}/steps/pemeriksaan-data/claim"
    ),
    "cases/act": lambda u: Call(
        u("polda.metro"),
        f"/api/v1/cases/{case_at_the_police(u)}/steps/pemeriksaan-data/act",
        {"outcome": "return_for_revision", "reasons": "Nomor polisi tidak sesuai STNK"},
    ),
    "cases/revise": lambda u: Call(
        u("siti"), f"/api/v1/cases/{returned_case(u)}/revise", {"data": {"plate": "B 1235 SRH"}}
    ),
    "cases/withdraw": lambda u: Call(
        u("siti"), f"/api/v1/cases/{case_at_the_police(u)}/withdraw", {"reason": "Tidak jadi."}
    ),
    "grants/revoke": lambda u: Call(
        u("kepala.dpmptsp.bdg"), f"/api/v1/grants/{mandate(u)}/revoke", {"reason": "Mutasi"}
    ),
    "grants/publish": lambda u: Call(
        u("kepala.dpmptsp.bdg"), f"/api/v1/grants/{mandate(u)}/publish"
    ),
    "proposals/close": lambda u: Call(
        u("koordinator.pmk"), f"/api/v1/coordination/proposals/{closable_proposal(u)}/close"
    ),
    "bodies/relation": lambda u: Call(
        u("koordinator.pmk"),
        "/api/v1/coordination/bodies/forum-pembangunan-desa/relation",
        {"relation_type": "strategic_alliance", "reason": "Joint budget", "on": "2027-01-04"},
    ),
    "ikm/population": lambda u: Call(
        u("kepala.dpmptsp.bdg"), f"/api/v1/ikm/surveys/{survey()}/population", {"population": 300}
    ),
}


def counts() -> tuple[int, ...]:
    models: list[Any] = [AuditEntry, Case, CaseStep, AuthorityGrant, Complaint, ComplaintEvent,
                         Attachment, IdempotencyRecord]  # fmt: skip
    return tuple(model.objects.count() for model in models)


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_retry_gets_the_first_answer_and_changes_nothing(as_user: Any, name: str) -> None:
    call = SCENARIOS[name](as_user)
    first = call.send("retry-1")
    assert first.status_code in (200, 201), first.content
    before = counts()
    again = call.send("retry-1")
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert counts() == before


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_same_key_for_another_request_is_refused(as_user: Any, name: str) -> None:
    call = SCENARIOS[name](as_user)
    assert call.send("reuse-1").status_code in (200, 201)
    before = counts()
    refused = call.send("reuse-1", other=True)
    assert refused.status_code == 422, refused.content
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "idempotency_key_reused"
    assert counts() == before


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_bad_key_is_refused_and_nothing_happens(as_user: Any, name: str) -> None:
    call = SCENARIOS[name](as_user)
    before = counts()
    refused = call.send("k" * 256)
    assert refused.status_code == 422, refused.content
    assert refused.json()["errors"][0]["field"] == "Idempotency-Key"
    assert refused.json()["code"] == "idempotency_key_invalid"
    assert counts() == before


def test_a_key_is_per_caller(as_user: Any) -> None:
    """Two citizens who happen to pick the same key each get their own complaint."""
    body = {"text": TEXT, "region_code": "32.73.02"}
    numbers = {
        Call(as_user(login), "/api/v1/complaints", body).send("same-key").json()["tracking_number"]
        for login in ("siti", "dlh.bdg")
    }
    assert len(numbers) == 2


def test_a_large_upload_is_fingerprinted_by_its_bytes(as_user: Any, settings: Any) -> None:
    """A multipart body past Django's in-memory limit is still compared by content."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    siti = as_user("siti")
    number = complaint(as_user)
    big = Call(siti, adu(number, "attachments"), upload=PNG + b"\x00" * 200_000)
    first = big.send("big-1")
    assert first.status_code == 201, first.content
    assert big.send("big-1").json() == first.json()
    assert big.send("big-1", other=True).json()["code"] == "idempotency_key_reused"
    assert Attachment.objects.filter(complaint__tracking_number=number).count() == 1


# --- Pages ------------------------------------------------------------------------------------


def test_a_double_submitted_complaint_form_files_one_complaint(as_user: Any) -> None:
    """The form carries a one-time token; the second submit finds the first complaint."""
    siti = as_user("siti")
    page = siti.get("/pengaduan/baru/").content.decode()
    match = re.search(r'name="once" value="([^"]+)"', page)
    assert match is not None
    form = {"text": TEXT, "region_code": "32.73.02", "kind": "pengaduan", "category": "",
            "confidentiality": "public", "once": match.group(1)}  # fmt: skip
    before = Complaint.objects.count()
    first, again = siti.post("/pengaduan/baru/", form), siti.post("/pengaduan/baru/", form)
    assert first.status_code == again.status_code == 302, first.content
    assert first["Location"] == again["Location"]
    assert Complaint.objects.count() == before + 1
    fresh = re.search(r'name="once" value="([^"]+)"', siti.get("/pengaduan/baru/").content.decode())
    assert fresh is not None
    assert fresh.group(1) != match.group(1)
    assert siti.post("/pengaduan/baru/", {**form, "once": fresh.group(1)}).status_code == 302
    assert Complaint.objects.count() == before + 2


def test_a_double_submitted_walk_in_application_takes_one_case(as_user: Any) -> None:
    """The front desk's second click shows the first receipt and PIN, not a second case."""
    desk = as_user("desk.samsat.jakpus")
    page = desk.get("/desk/?service=samsat-tahunan/satu-atap").content.decode()
    match = re.search(r'name="once" value="([^"]+)"', page)
    assert match is not None
    form = {"service": "samsat-tahunan/satu-atap", "citizen-nik": "3273015708950003",
            "citizen-full_name": "Dewi Anggraini", "citizen-email": "", "once": match.group(1),
            **{k: str(v) for k, v in CAR.items()}}  # fmt: skip
    before = Case.objects.count()
    first, again = desk.post("/desk/", form), desk.post("/desk/", form)
    receipts = [
        re.search(
            r'id="receipt-number">([^<]+)<.*id="receipt-pin">(\d{6})<', r.content.decode(), re.S
        )
        for r in (first, again)
    ]
    assert receipts[0] is not None
    assert receipts[1] is not None
    assert receipts[0].groups() == receipts[1].groups()
    assert Case.objects.count() == before + 1
