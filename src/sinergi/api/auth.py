"""Who is calling: a bearer token (agency systems, scripts) or a session (pages)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from sinergi.accounts.models import ApiToken, User


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


class Anonymous:
    """Lets public endpoints answer anyone while still seeing a signed-in caller."""

    def __call__(self, request: HttpRequest) -> Any:
        return AnonymousUser()


bearer = BearerAuth()
session = SessionAuth()
#: Endpoints that need a signed-in caller.
SIGNED_IN = [bearer, session]
#: Public endpoints (anyone may call; what a caller sees may still depend on who they are).
PUBLIC = [bearer, session, Anonymous()]


def caller(request: HttpRequest) -> User | AnonymousUser:
    """Who called a PUBLIC or SIGNED_IN endpoint (set by the auth classes above)."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, User) else AnonymousUser()


def signed_in(request: HttpRequest) -> User:
    """The caller of a SIGNED_IN endpoint; ninja has already refused anonymous calls."""
    auth = getattr(request, "auth", None)
    if not isinstance(auth, User):
        raise AuthenticationError()
    return auth
