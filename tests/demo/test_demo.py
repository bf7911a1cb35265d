"""The demo is built from one manifest, loads idempotently, and the README shows it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sinergi.accounts.models import User
from sinergi.audit.models import AuditEntry
from sinergi.citizens.models import Citizen
from sinergi.demo.load import load_demo
from sinergi.demo.manifest import manifest
from sinergi.registry.models import (
    Agency,
    Appointment,
    AuthorityGrant,
    Position,
    Region,
    ServiceCounter,
    ServicePoint,
)

README = Path(__file__).resolve().parents[2] / "README.md"
COUNTED: list[type[Any]] = [
    User,
    Agency,
    Region,
    Position,
    Appointment,
    AuthorityGrant,
    ServicePoint,
    ServiceCounter,
    Citizen,
    AuditEntry,
]

pytestmark = pytest.mark.django_db


def test_every_login_of_the_manifest_exists_with_its_role() -> None:
    for login in manifest()["logins"]:
        user = User.objects.get(username=login["username"])
        assert user.role == login["role"]
        if "position" in login:
            assert user.appointments.get().position.code == login["position"]


def test_loading_twice_changes_nothing() -> None:
    before = {model.__name__: model.objects.count() for model in COUNTED}
    load_demo(progress=False)
    after = {model.__name__: model.objects.count() for model in COUNTED}
    assert after == before


def test_the_readme_shows_every_demo_login_and_the_password() -> None:
    readme = README.read_text(encoding="utf-8")
    data = manifest()
    assert data["password"] in readme
    for login in data["logins"]:
        assert f"`{login['username']}`" in readme, login["username"]


def test_demo_service_points_are_in_jakarta_and_kota_bandung() -> None:
    regions = set(ServicePoint.objects.values_list("region_id", flat=True))
    assert {r[:5] for r in regions} == {"31.71", "31.74", "32.73"}


def test_the_demo_has_a_delegation_to_a_dpmptsp_head_and_a_mandate_signed_an() -> None:
    delegation = AuthorityGrant.objects.get(holder__code="kepala-dpmptsp-bandung")
    assert delegation.kind == "delegasi"
    assert delegation.grantor is not None
    assert delegation.grantor.code == "walikota-bandung"
    assert AuthorityGrant.objects.filter(kind="mandat").count() >= 3


def test_the_manifest_lists_every_service_and_variant_the_catalogue_offers() -> None:
    from sinergi.catalog.models import ProcessDefinition

    offered = sorted(
        ProcessDefinition.objects.filter(current=True).values_list("service__code", "variant")
    )
    listed = sorted((s["code"], v) for s in manifest()["services"] for v in s["variants"])
    assert listed == offered
