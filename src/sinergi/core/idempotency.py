"""``Idempotency-Key`` on API requests that create something (DESIGN rule 9).

The first request with a key runs and its answer is stored in the same transaction; a retry
with the same key and the same body gets the stored answer and creates nothing; the same key
with a different body is refused. Two concurrent first requests cannot both commit: the unique
key makes the second roll back whole.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from ninja import Status
from ninja.responses import NinjaJSONEncoder

from sinergi.api.auth import signed_in
from sinergi.core.models import IdempotencyRecord
from sinergi.rules import RuleError, Violation, gettext_noop

HEADER = "Idempotency-Key"


def _refuse(rule: str, template: str) -> RuleError:
    return RuleError(Violation(field=HEADER, rule=rule, template=template))


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
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
        endpoint = f"{request.method} {request.path}"
        digest = hashlib.sha256(endpoint.encode() + b"\n" + request.body).hexdigest()
        try:
            with transaction.atomic():
                stored = IdempotencyRecord.objects.filter(user=user, key=key).first()
                if stored is not None:
                    if stored.request_hash != digest:
                        raise _refuse(
                            "idempotency_key_reused",
                            gettext_noop(
                                "This Idempotency-Key was already used for a different request."
                            ),
                        )
                    return Status(stored.status, stored.body)
                result = view(request, *args, **kwargs)
                status, value = (
                    (result.status_code, result.value)
                    if isinstance(result, Status)
                    else (200, result)
                )
                body = json.loads(json.dumps(value, cls=NinjaJSONEncoder))
                IdempotencyRecord.objects.create(
                    user=user,
                    key=key,
                    endpoint=endpoint,
                    request_hash=digest,
                    status=status,
                    body=body,
                )
                return result
        except IntegrityError:
            raise _refuse(
                "idempotency_key_in_flight",
                gettext_noop("A request with this Idempotency-Key is being processed; retry."),
            ) from None

    return wrapper
