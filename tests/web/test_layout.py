"""The shared layout: language, navigation, sign-in with lockout, CSP nonces, form partials."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.test import Client, RequestFactory

from sinergi.web import nav

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = str(settings.SINERGI["DEMO_PASSWORD"])


def test_pages_are_in_bahasa_indonesia_even_for_an_english_browser(client: Client) -> None:
    response = client.get("/accessibility/", headers={"accept-language": "en-GB,en;q=0.9"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="id">' in html
    assert "Pernyataan aksesibilitas" in html
    assert '<main id="main"' in html
    assert 'href="#main"' in html


def test_the_language_switch_persists_across_pages(client: Client) -> None:
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/accessibility/"})
    assert switched.status_code == 302
    assert switched.headers["Location"] == "/accessibility/"
    for path in ("/accessibility/", "/sign-in/", "/"):
        html = client.get(path).content.decode()
        assert '<html lang="en">' in html, path
    assert "Accessibility statement" in client.get("/accessibility/").content.decode()
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert '<html lang="id">' in client.get("/").content.decode()


def test_an_unknown_language_falls_back_to_bahasa_indonesia(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert '<html lang="id">' in client.get("/").content.decode()


def test_scripts_carry_the_csp_nonce_and_no_inline_script_runs_without_it(client: Client) -> None:
    response = client.get("/accessibility/")
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce is not None
    html = response.content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert len(scripts) == 2
    assert all(f'nonce="{nonce.group(1)}"' in tag and "src=" in tag for tag in scripts)
    assert "/static/web/htmx.min.js" in html
    assert "'unsafe-inline'" not in policy
    assert "<style" not in html
    assert " style=" not in html


def test_htmx_and_the_stylesheet_are_served_from_our_own_origin(client: Client) -> None:
    htmx = client.get("/static/web/htmx.min.js")
    assert htmx.status_code == 200
    assert b"htmx" in b"".join(htmx.streaming_content)  # type: ignore[attr-defined]
    assert client.get("/static/web/sinergi.css").status_code == 200


def test_sign_in_signs_in_and_returns_to_the_page_asked_for(client: Client) -> None:
    response = client.post(
        "/sign-in/",
        {"username": "siti", "password": DEMO_PASSWORD, "next": "/accessibility/"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/accessibility/"
    page = client.get("/accessibility/").content.decode()
    assert "Siti Rahayu" in page
    assert 'action="/sign-out/"' in page
    assert client.post("/sign-out/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_shows_the_error_summary_and_the_field_errors(client: Client) -> None:
    response = client.post("/sign-in/", {"username": "siti", "password": "salah"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Kesalahan:" in html
    assert 'class="sg-error-summary"' in html
    assert "Terdapat masalah" in html
    assert "_auth_user_id" not in client.session


def test_an_empty_form_links_each_problem_to_its_field(client: Client) -> None:
    html = client.post("/sign-in/", {"username": "", "password": ""}).content.decode()
    assert '<a href="#id_username">' in html
    assert '<a href="#id_password">' in html
    assert 'aria-describedby="id_username-error"' in html
    assert 'id="id_username-error"' in html
    assert 'aria-invalid="true"' in html


def test_the_page_sign_in_locks_out_after_repeated_failures(client: Client) -> None:
    statuses = [
        client.post(
            "/sign-in/", {"username": "siti", "password": "salah"}, REMOTE_ADDR="10.9.9.9"
        ).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = client.post(
        "/sign-in/", {"username": "siti", "password": DEMO_PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert locked.status_code == 429
    assert "Masuk sedang dijeda" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_required_pages_send_people_to_the_page_sign_in() -> None:
    from django.shortcuts import resolve_url

    assert resolve_url(settings.LOGIN_URL) == "/sign-in/"


def test_a_missing_page_is_a_404_in_the_layout(client: Client) -> None:
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_nav_links_depend_on_who_is_signed_in(as_user: Any, client: Client) -> None:
    items = [
        nav.NavItem("web:home", "Home"),
        nav.NavItem("web:accessibility", "Officials only", nav.officials),
        nav.NavItem("no-such-url", "Broken"),
    ]
    request = RequestFactory().get("/accessibility/")
    from django.contrib.auth.models import AnonymousUser

    from sinergi.accounts.models import User

    request.user = AnonymousUser()
    assert [link.label for link in nav.links_for(request, items)] == ["Home"]
    request.user = User.objects.get(username="polda.metro")
    links = nav.links_for(request, items)
    assert [(link.label, link.current) for link in links] == [
        ("Home", False),
        ("Officials only", True),
    ]
    request.user = User.objects.get(username="siti")
    assert [link.label for link in nav.links_for(request, items)] == ["Home"]


class _Example(forms.Form):
    name = forms.CharField(label="Name", help_text="As on your KTP")
    colour = forms.ChoiceField(
        label="Colour", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )


def test_the_field_partial_wires_hint_and_error_to_the_input() -> None:
    form = _Example(data={"name": ""})
    assert not form.is_valid()
    html = Template(
        '{% include "web/partials/forms.html#error_summary" %}'
        '{% include "web/partials/forms.html#fields" %}'
    ).render(Context({"form": form}))
    assert 'aria-describedby="id_name-hint id_name-error"' in html
    assert 'id="id_name-hint"' in html
    assert '<a href="#id_colour_0">' in html
    assert '<legend class="sg-fieldset__legend">Colour</legend>' in html
    assert html.count('class="sg-error-message"') == 2
