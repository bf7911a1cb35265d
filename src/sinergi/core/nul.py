"""Refuses a request with a NUL character in its path, query, form fields or JSON strings.

PostgreSQL can neither store nor compare text containing NUL, so such input, passed on to a
query, answered 500 there (and worked on SQLite). No valid input of the platform contains it.
The API answers 422 problem details (rule ``nul_character``); pages answer 400.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext

NUL = "\x00"


def contains_nul(value: Any) -> bool:
    """Anywhere in a parsed JSON value: keys, strings, nested lists and objects."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(contains_nul(v) for v in value)
    return False


def _has_nul(request: HttpRequest) -> bool:
    if NUL in request.path or NUL in request.META.get("QUERY_STRING", ""):
        return True
    if any(NUL in k or any(NUL in v for v in vs) for k, vs in request.GET.lists()):
        return True
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    if request.content_type == "application/json":
        try:
            return contains_nul(json.loads(request.body))
        except (ValueError, RequestDataTooBig):
            return False  # not JSON, or too big: the view refuses it
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return any(NUL in k or any(NUL in v for v in vs) for k, vs in request.POST.lists())
    return False


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if request.path.startswith("/api/"):
                from sinergi.api.errors import problem

                message = gettext("The request contains a NUL character, which no field accepts.")
                return problem(
                    request,
                    422,
                    message,
                    code="nul_character",
                    errors=[{"field": "body", "rule": "nul_character", "message": message}],
                )
            return HttpResponseBadRequest()
        return self.get_response(request)
