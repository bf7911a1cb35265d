"""What one request reads more than once, read once: the caller's appointments, the working
calendar. A request's answers are memoised in its context only, so nothing outlives the
request and nothing crosses to another one (a worker's task, a management command and a test
calling an action directly see no memo and read every time). A write that would change a
memoised answer clears the whole memo (``forget``), so a request that appoints an official
and then checks them sees the appointment."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("sinergi_request_memo", default=None)


def memoised[T](key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, once per request for ``key``; every time outside a request."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return cast(T, memo[key])


def forget() -> None:
    """Drop what this request memoised (after a write that changes it)."""
    memo = _memo.get()
    if memo is not None:
        memo.clear()


def _changed(**_kwargs: object) -> None:
    forget()


def forget_when_changed(*models: type[Model]) -> None:
    """Clear the request's memo whenever a row of one of ``models`` is saved or deleted (for
    the models a memoised answer is read from)."""
    for model in models:
        label = model._meta.label
        post_save.connect(_changed, sender=model, dispatch_uid=f"memo-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"memo-delete-{label}")


@contextmanager
def request_scope() -> Iterator[None]:
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


class RequestMemoMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_scope():
            return self.get_response(request)
