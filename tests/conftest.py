"""Shared fixtures: the demo (regions, agencies, people, grants) is loaded once per test run
into the test database; each test runs in a transaction rolled back afterwards."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sinergi.accounts.models import ApiToken, User


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from sinergi.demo.load import load_demo

    with django_db_blocker.unblock():
        load_demo(progress=False)


def user(username: str) -> User:
    return User.objects.get(username=username)


@pytest.fixture
def as_user(db: None) -> Any:
    """``as_user("polda.metro")`` gives a test client signed in as that demo login."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(user(username))
        return client

    return make


@pytest.fixture
def bearer(db: None) -> Any:
    """``bearer("polda.metro")`` gives request headers with a fresh API token for that login."""

    def make(username: str) -> dict[str, str]:
        _, raw = ApiToken.issue(user=user(username), name="test")
        return {"Authorization": f"Bearer {raw}"}

    return make


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that reaches the database through a fixture (``as_user``, ``bearer``, ``db``)
    carries the ``django_db`` mark too, so the PostgreSQL run (``-m django_db``) selects it."""
    database = {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
    }
    for item in items:
        if database & set(getattr(item, "fixturenames", ())) and not item.get_closest_marker(
            "django_db"
        ):
            item.add_marker(pytest.mark.django_db)
