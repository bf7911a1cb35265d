"""Security checks beside the authorisation matrix: sign-in lockout on the web form, secure
cookies and HSTS over TLS, uploads that expand (zip bombs), open redirects, and no NIK,
password, address or phone number in any log line of a whole journey."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import zipfile
import zlib
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from sinergi.accounts.models import User
from sinergi.core.uploads import expansion_problem
from sinergi.portal.models import CaseDocument
from sinergi.voice.models import Attachment

pytestmark = pytest.mark.django_db

PASSWORD = str(settings.SINERGI["DEMO_PASSWORD"])
WRONG = "Salah-Sandi-9431"
PDF_OK = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _sign_in(client: Client, password: str, address: str = "10.9.9.9") -> Any:
    return client.post(
        "/sign-in/", {"username": "polda.metro", "password": password}, REMOTE_ADDR=address
    )


# --- Lockout --------------------------------------------------------------------------------


def test_the_sign_in_form_locks_out_until_the_cool_off_even_with_the_right_password() -> None:
    """tests/accounts covers /admin/login/; this is the citizens' and officials' form."""
    client = Client()
    statuses = [_sign_in(client, WRONG).status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = _sign_in(client, PASSWORD)
    assert locked.status_code == 429
    assert "Content-Security-Policy" in locked
    assert "_auth_user_id" not in client.session
    # After the cool-off the right password signs in again.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time
                                 - settings.AXES_COOLOFF_TIME - timedelta(minutes=1))  # fmt: skip
    after = _sign_in(client, PASSWORD)
    assert after.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username="polda.metro").pk)


def test_a_wrong_bearer_token_is_refused_without_naming_anyone(client: Client) -> None:
    """The API takes no passwords (tokens are issued by ``sinergi tokens``): a guessed token
    gets the same 401 as a missing one, with nothing about any account."""
    guessed = client.get("/api/v1/officials", headers={"Authorization": "Bearer sng_guess"})
    missing = client.get("/api/v1/officials")
    assert guessed.status_code == missing.status_code == 401
    assert b"polda" not in guessed.content


# --- TLS: cookies and HSTS --------------------------------------------------------------------


def _settings_with(env: dict[str, str]) -> dict[str, Any]:
    """The settings module as a fresh process reads it from ``env``."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k, None) for k in ["
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', "
        "'SESSION_COOKIE_SAMESITE', 'CSRF_COOKIE_SAMESITE', 'SECURE_HSTS_SECONDS', "
        "'SECURE_PROXY_SSL_HEADER']}))"
    )
    base = {k: v for k, v in os.environ.items() if k not in {"HTTPS", "DEBUG", "SECURE_COOKIES"}}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "sinergi.config.settings", **env},
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_https_turns_on_secure_cookies_hsts_and_the_proxy_header() -> None:
    tls = _settings_with({"HTTPS": "1"})
    assert tls["SESSION_COOKIE_SECURE"] is True
    assert tls["CSRF_COOKIE_SECURE"] is True
    assert tls["SESSION_COOKIE_HTTPONLY"] is True
    assert (tls["SESSION_COOKIE_SAMESITE"], tls["CSRF_COOKIE_SAMESITE"]) == ("Lax", "Lax")
    assert tls["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert tls["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    plain = _settings_with({})
    assert plain["SESSION_COOKIE_SECURE"] is False
    assert plain["SECURE_HSTS_SECONDS"] in (None, 0)
    assert plain["SECURE_PROXY_SSL_HEADER"] is None


@override_settings(
    SECURE_HSTS_SECONDS=31_536_000, SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True
)
def test_over_tls_the_answer_has_hsts_and_the_session_cookie_is_secure() -> None:
    client = Client()
    page = client.get("/sign-in/", secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000"
    assert page.cookies["csrftoken"]["secure"] is True
    signed = client.post(
        "/sign-in/", {"username": "siti", "password": PASSWORD}, secure=True,
        headers={"X-CSRFToken": page.cookies["csrftoken"].value},
    )  # fmt: skip
    assert signed.status_code == 302
    session = signed.cookies[settings.SESSION_COOKIE_NAME]
    assert (session["secure"], session["httponly"], session["samesite"]) == (True, True, "Lax")
    assert "Strict-Transport-Security" not in Client().get("/sign-in/")


# --- Uploads that expand -------------------------------------------------------------------


def zip_bomb() -> bytes:
    """A real, small zip bomb: 20 MB of zeros in a few kilobytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for n in range(2):
            archive.writestr(f"isi{n}.txt", b"\0" * 10_000_000)
    data = buffer.getvalue()
    assert len(data) < 100_000
    return data


def test_a_zip_bomb_is_refused_by_every_upload_and_nothing_is_stored(as_user: Any) -> None:
    from tests.security.test_authorisation_matrix import _portal_application

    bomb = zip_bomb()
    siti = as_user("siti")
    receipt = _portal_application(siti)
    for name in ("ktp.pdf", "ktp.docx", "ktp.zip"):
        page = siti.post(
            f"/applications/{receipt}/upload/",
            {"file": SimpleUploadedFile(name, bomb, "application/pdf")},
        )
        assert page.status_code == 200  # the form again, with its error
    assert CaseDocument.objects.filter(case__receipt_number=receipt).count() == 0

    filed = siti.post(
        "/api/v1/complaints",
        {"text": "Jalan berlubang di depan kantor kelurahan sejak bulan lalu, mohon ditangani.",
         "region_code": "32.73.02"},
        content_type="application/json",
    )  # fmt: skip
    number = filed.json()["tracking_number"]
    attached = siti.post(
        f"/api/v1/complaints/{number}/attachments",
        {"upload": SimpleUploadedFile("foto.pdf", bomb, "application/pdf")},
    )
    assert attached.status_code == 422
    assert attached.json()["errors"][0]["rule"] == "attachment_kind_refused"
    assert Attachment.objects.filter(complaint__tracking_number=number).count() == 0

    checked = Client().post(
        "/api/v1/verify/pdf", {"file": SimpleUploadedFile("sk.pdf", bomb, "application/pdf")}
    )
    assert checked.status_code in {200, 422}
    if checked.status_code == 200:
        assert checked.json()["signature_intact"] is False


# --- Redirects ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "http:evil.example"]
)
def test_next_parameters_never_send_the_visitor_elsewhere(target: str) -> None:
    client = Client()
    signed = client.post(
        f"/sign-in/?next={target}", {"username": "siti", "password": PASSWORD, "next": target}
    )
    assert signed.status_code == 302
    assert "evil.example" not in signed.headers["Location"]
    switched = client.post("/i18n/setlang/", {"language": "en", "next": target})
    assert "evil.example" not in switched.headers.get("Location", "")


# --- Logs ------------------------------------------------------------------------------------

NIK = "3171015208900001"
WALK_IN_NIK = "3273015708950003"
ADDRESS = "Jl. Kenanga Nomor 17 RT 004 RW 009"
PHONE = "081299887766"


def test_no_nik_password_address_or_phone_in_any_log_line(as_user: Any) -> None:
    """A whole journey under DEBUG logging through the configured handler's filters and JSON
    formatter: a walk-in application with a NIK, officials acting, a decision, a complaint
    with an address and a phone number, a failed and a good sign-in."""
    from sinergi.catalog.models import ProcessDefinition
    from tests.cases.test_every_service import run_to_decision

    configured = logging.getLogger().handlers[0]
    stream = io.StringIO()
    capture = logging.StreamHandler(stream)
    capture.setFormatter(configured.formatter)
    for f in configured.filters:
        capture.addFilter(f)
    root = logging.getLogger()
    level = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    loggers = [logging.getLogger(n) for n in ("django.request", "django.db.backends", "axes")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
    try:
        desk = as_user("desk.samsat.jakpus")
        walk_in = desk.post("/api/v1/cases", {
            "service": "samsat-tahunan", "variant": "satu-atap",
            "data": {"plate": "B 1234 SRH", "njkb": 200000000, "wheels": 4,
                     "swdkllj_class": "mobil_pribadi", "province_code": "31", "ownership": 1},
            "citizen": {"nik": NIK, "full_name": "Siti Rahayu"},
        }, content_type="application/json")  # fmt: skip
        assert walk_in.status_code == 201, walk_in.content
        row = ProcessDefinition.objects.select_related("service").get(
            service__code="izin-usaha", variant="satu-pintu", current=True
        )
        run_to_decision(as_user, row, None, {"dpmptsp-bandung": "kabid.perizinan.bdg"})
        siti = as_user("siti")
        filed = siti.post("/api/v1/complaints", {
            "text": f"Saluran air di {ADDRESS} tersumbat; hubungi saya di {PHONE}. NIK {NIK}.",
            "region_code": "32.73.02",
        }, content_type="application/json")  # fmt: skip
        assert filed.status_code == 201, filed.content
        Client().post("/sign-in/", {"username": "siti", "password": WRONG})
        Client().post("/sign-in/", {"username": "siti", "password": PASSWORD})
        Client().post("/api/v1/citizens/nik-check", {"nik": NIK}, content_type="application/json")
    finally:
        root.removeHandler(capture)
        root.setLevel(level)
        for lg, old in zip(loggers, levels, strict=True):
            lg.setLevel(old)
    lines = stream.getvalue().splitlines()
    assert lines, "the journey logged nothing: the capture is broken"
    secrets = [NIK, WALK_IN_NIK, ADDRESS, "Kenanga", PHONE, PASSWORD, WRONG]
    found = [(s, line[:200]) for line in lines for s in secrets if s in line]
    assert found == []


def pdf_bomb(expanded: int) -> bytes:
    """A PDF whose one Flate stream inflates to ``expanded`` bytes of zeros."""
    stream = zlib.compress(b"\0" * expanded, 9)
    head = b"%PDF-1.7\n1 0 obj\n<< /Length " + str(len(stream)).encode()
    return head + b" /Filter /FlateDecode >>\nstream\n" + stream + b"\nendstream\nendobj\n"


def test_expansion_is_measured_with_a_bound() -> None:
    assert expansion_problem(zip_bomb(), max_expanded=1_000_000) == "expands_too_much"
    assert expansion_problem(zip_bomb(), max_expanded=30_000_000) is None
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        for n in range(5):
            archive.writestr(f"{n}.txt", b"x")
    assert expansion_problem(many.getvalue(), max_members=4) == "too_many_members"
    assert expansion_problem(pdf_bomb(2_000_000), max_expanded=1_000_000) == "expands_too_much"
    assert expansion_problem(pdf_bomb(500_000), max_expanded=1_000_000) is None
    # A PDF with an archive appended (a polyglot) is measured as the archive too.
    assert expansion_problem(PDF_OK + zip_bomb(), max_expanded=1_000_000) == "expands_too_much"
    assert expansion_problem(PDF_OK, max_expanded=10) is None


def test_a_pdf_whose_streams_expand_too_much_is_refused_everywhere(
    as_user: Any, settings: Any
) -> None:
    from tests.security.test_authorisation_matrix import _portal_application

    settings.SINERGI = {**settings.SINERGI, "UPLOAD_MAX_EXPANDED_BYTES": 1_000_000}
    bomb = pdf_bomb(3_000_000)
    siti = as_user("siti")
    receipt = _portal_application(siti)
    page = siti.post(
        f"/applications/{receipt}/upload/",
        {"file": SimpleUploadedFile("ktp.pdf", bomb, "application/pdf")},
    )
    assert page.status_code == 200
    assert "terlalu besar saat dibuka" in page.content.decode()
    assert CaseDocument.objects.filter(case__receipt_number=receipt).count() == 0
    filed = siti.post(
        "/api/v1/complaints",
        {"text": "Jalan berlubang di depan kantor kelurahan sejak bulan lalu, mohon ditangani.",
         "region_code": "32.73.02"},
        content_type="application/json",
    )  # fmt: skip
    number = filed.json()["tracking_number"]
    attached = siti.post(
        f"/api/v1/complaints/{number}/attachments",
        {"upload": SimpleUploadedFile("foto.pdf", bomb, "application/pdf")},
    )
    assert attached.status_code == 422
    assert attached.json()["errors"][0]["rule"] == "attachment_expands"
    assert Attachment.objects.filter(complaint__tracking_number=number).count() == 0
    checked = Client().post(
        "/api/v1/verify/pdf", {"file": SimpleUploadedFile("sk.pdf", bomb, "application/pdf")}
    )
    assert checked.status_code == 422
    assert checked.json()["errors"][0]["rule"] == "file_expands"
    form = Client().post(
        "/verifikasi/", {"pdf-pdf": SimpleUploadedFile("sk.pdf", bomb, "application/pdf")}
    )
    assert form.status_code == 422
    assert "terlalu besar saat dibuka" in form.content.decode()
    ok = siti.post(
        f"/applications/{receipt}/upload/",
        {"file": SimpleUploadedFile("ktp.pdf", pdf_bomb(100_000), "application/pdf")},
    )
    assert ok.status_code == 302
