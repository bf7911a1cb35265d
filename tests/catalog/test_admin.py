"""A definition edited in the admin is validated on save; a bad one is refused, nothing saved."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sinergi.catalog.models import ProcessDefinition, Service

pytestmark = pytest.mark.django_db


def definition(**changes: Any) -> dict[str, Any]:
    row = ProcessDefinition.objects.get(service__code="samsat-tahunan", variant="elektronik")
    body: dict[str, Any] = json.loads(json.dumps(row.body))
    body.update(changes)
    return body


def post(as_user: Any, body: dict[str, Any], variant: str = "elektronik") -> Any:
    service = Service.objects.get(code="samsat-tahunan")
    return as_user("admin").post(
        "/admin/catalog/processdefinition/add/",
        {"service": service.pk, "variant": variant, "version": 99, "body": json.dumps(body),
         "current": ""},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda b: b["steps"][0].update(after=[b["steps"][-1]["id"]]), "step_cycle"),
        (lambda b: b["steps"][0].update(agency="kemenag"), "step_without_authority"),
        (lambda b: b["steps"][0].update(when="__import__('os')"), "expression_unsafe"),
        (lambda b: b["steps"][0].update(channel="counter", location="x", counter="y"),
         "elektronik_in_person"),
    ],
    ids=["cycle", "agency without authority", "unsafe expression", "pattern violation"],
)  # fmt: skip
def test_a_bad_definition_is_refused_in_the_admin(as_user: Any, mutate: Any, expected: str) -> None:
    body = definition()
    mutate(body)
    before = ProcessDefinition.objects.count()
    response = post(as_user, body)
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors.get("body", []))
    assert f"[{expected}]" in errors, errors
    assert ProcessDefinition.objects.count() == before


def test_a_valid_definition_is_saved_as_a_new_version_with_its_figures(as_user: Any) -> None:
    response = post(as_user, definition())
    assert response.status_code == 302
    saved = ProcessDefinition.objects.get(service__code="samsat-tahunan", variant="elektronik",
                                          version=99)  # fmt: skip
    assert saved.figures == {"visits": 0, "counters": 0, "handoffs": 3, "carries": 0}
