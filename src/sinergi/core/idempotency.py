"""``Idempotency-Key`` on API requests that create something or change state (DESIGN rule 9).

The first request with a key runs and its answer is stored in the same transaction; a retry
with the same key and the same request gets the stored answer and creates nothing; the same key
with a different request is refused. Two concurrent first requests cannot both commit: the
unique key makes the second roll back whole.

The request is fingerprinted by method, path, query and content: a JSON body as sent, a
multipart form by its fields and the bytes of its files (read in chunks, so a large upload is
not loaded whole and Django's in-memory body limit does not apply).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.functional import SimpleLazyObject
from ninja import Status
from ninja.responses import NinjaJSONEncoder

from sinergi.api.auth import signed_in
from sinergi.core.models import IdempotencyRecord
from sinergi.rules import RuleError, Violation, gettext_noop

HEADER = "Idempotency-Key"
#: Marks a view wrapped by :func:`idempotent` (read by the OpenAPI schema and the tests).
MARK = "sinergi_idempotent"
DESCRIPTION = (
    "Optional, 1 to 255 printable characters, unique per caller. A retry with the same key "
    "and the same request returns the first answer and changes nothing; the same key with a "
    "different request is refused (422, rule idempotency_key_reused). A key is remembered "
    "for 24 hours (by default): a retry after that is a new request."
)
_ENDPOINT_MAX = IdempotencyRecord._meta.get_field("endpoint").max_length or 300


def _refuse(rule: str, template: str) -> RuleError:
    return RuleError(Violation(field=HEADER, rule=rule, template=template))


def _part(digest: Any, data: bytes) -> None:
    """Length-prefixed, so no two different requests feed the hash the same bytes."""
    digest.update(len(data).to_bytes(8, "big"))
    digest.update(data)


def request_fingerprint(request: HttpRequest) -> str:
    """What makes two requests "the same request" for a key."""
    digest = hashlib.sha256()
    _part(digest, f"{request.method} {request.get_full_path()}".encode())
    if request.content_type == "multipart/form-data":
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                _part(digest, name.encode())
                _part(digest, value.encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                _part(digest, name.encode())
                _part(digest, (upload.name or "").encode())
                _part(digest, str(upload.size).encode())
                upload.seek(0)
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        _part(digest, request.body)
    return digest.hexdigest()


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a ninja view of a signed-in endpoint (under the route decorator)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return view(request, *args, **kwargs)
        if not 1 <= len(key) <= 255 or not key.isprintable():
            raise _refuse(
                "idempotency_key_invalid",
                gettext_noop("The Idempotency-Key must be 1 to 255 printable characters."),
            )
        user = signed_in(request)
        endpoint = f"{request.method} {request.path}"[:_ENDPOINT_MAX]
        fingerprint = request_fingerprint(request)
        with transaction.atomic():
            stored = IdempotencyRecord.objects.filter(user=user, key=key).first()
            if stored is not None:
                if stored.request_hash != fingerprint:
                    raise _refuse(
                        "idempotency_key_reused",
                        gettext_noop(
                            "This Idempotency-Key was already used for a different request."
                        ),
                    )
                return Status(stored.status, stored.body)
            result = view(request, *args, **kwargs)
            if isinstance(result, HttpResponseBase):
                return result  # a problem answer or a file: nothing to replay
            status, value = (
                (result.status_code, result.value) if isinstance(result, Status) else (200, result)
            )
            body = json.loads(json.dumps(value, cls=NinjaJSONEncoder))
            try:
                with transaction.atomic():
                    IdempotencyRecord.objects.create(
                        user=user,
                        key=key,
                        endpoint=endpoint,
                        request_hash=fingerprint,
                        status=status,
                        body=body,
                    )
            except IntegrityError:
                # A concurrent first request with this key committed first: undo this one.
                raise _refuse(
                    "idempotency_key_in_flight",
                    gettext_noop("A request with this Idempotency-Key is being processed; retry."),
                ) from None
            # The first answer is the stored one, as a retry will get it: through JSON and the
            # response schema alike, so a time is written the same way in both.
            return Status(status, body)

    setattr(wrapper, MARK, True)
    return wrapper


def is_idempotent(view: Callable[..., Any]) -> bool:
    return bool(getattr(view, MARK, False))


# --- Pages ------------------------------------------------------------------------------------
#: The hidden field a creating page form carries: a fresh random token each time it is shown.
FORM_FIELD = "once"


def form_token() -> str:
    return secrets.token_urlsafe(16)


def once_context(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``{{ once_token }}`` for the hidden field of a creating form."""
    return {"once_token": SimpleLazyObject(form_token)}


def submit_once(
    request: HttpRequest, user: Any, run: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """Run a page form's action once per form token: a double click or a resent page gets the
    first answer (``run`` returns it as JSON-able data, e.g. where to go next) and creates
    nothing. Without a token (an old page, a script) the action just runs."""
    token = request.POST.get(FORM_FIELD, "")
    if not token or len(token) > 64:
        return run()
    key = f"form:{token}"
    endpoint = f"POST {request.path}"[:_ENDPOINT_MAX]
    done = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if done is not None:
        return dict(done.body) if done.endpoint == endpoint else run()
    try:
        with transaction.atomic():
            body = run()
            try:
                with transaction.atomic():
                    IdempotencyRecord.objects.create(
                        user=user,
                        key=key,
                        endpoint=endpoint,
                        request_hash=token,
                        status=303,
                        body=body,
                    )
            except IntegrityError:
                raise _AlreadySent from None  # undoes this run whole
    except _AlreadySent:
        # The first of two concurrent submits committed: answer with what it did.
        return dict(IdempotencyRecord.objects.get(user=user, key=key).body)
    return body


class _AlreadySent(Exception):
    pass
