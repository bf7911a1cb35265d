"""One shape for every 4xx: RFC 9457 problem details (``application/problem+json``)."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from sinergi.core.context import current_request_id
from sinergi.core.errors import Conflict, Forbidden, NotFound
from sinergi.rules import RuleError

PROBLEM_JSON = "application/problem+json"


def problem(
    request: HttpRequest,
    status: int,
    detail: str,
    *,
    title: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    code: str | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
        "request_id": current_request_id(),
    }
    if code:
        body["code"] = code
    if errors:
        body["errors"] = errors
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_JSON
    )


def _field_of(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form")]
    return ".".join(parts) or "body"


def install(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {
                "field": _field_of(list(e.get("loc", []))),
                "rule": e.get("type", "invalid"),
                "message": e.get("msg", ""),
            }
            for e in exc.errors
        ]
        return problem(request, 422, gettext("The request is not valid."), errors=errors)

    @api.exception_handler(RuleError)
    def _rules(request: HttpRequest, exc: RuleError) -> HttpResponse:
        errors = [
            {
                "field": v.field,
                "rule": v.rule,
                "message": v.translated(gettext),
                "article": v.article,
            }
            for v in exc.violations
        ]
        return problem(request, 422, errors[0]["message"], errors=errors, code=errors[0]["rule"])

    @api.exception_handler(DjangoValidationError)
    def _django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors: list[dict[str, Any]] = []
        if hasattr(exc, "error_dict"):
            for field, field_errors in exc.message_dict.items():
                errors.extend(
                    {"field": field, "rule": "invalid", "message": m} for m in field_errors
                )
        else:
            errors.extend({"field": "body", "rule": "invalid", "message": m} for m in exc.messages)
        return problem(request, 422, errors[0]["message"] if errors else "", errors=errors)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem(request, 401, gettext("Sign in or send a valid bearer token."))
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(NotFound)
    @api.exception_handler(Http404)
    @api.exception_handler(ObjectDoesNotExist)
    def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(request, 404, gettext("Not found."))

    @api.exception_handler(Forbidden)
    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(request, 403, str(exc) or gettext("You may not do this."))

    @api.exception_handler(Conflict)
    def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
        return problem(
            request, 409, str(exc) or gettext("Someone else changed this first; reload it.")
        )

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(request, exc.status_code, str(exc))
