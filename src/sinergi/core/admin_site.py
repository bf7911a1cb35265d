"""The maintenance admin: platform admins only; to everyone else signed in it does not exist."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _


def _is_platform_admin(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_platform_admin", False))


class SinergiAdminSite(admin.AdminSite):
    site_header = _("Sinergi registry maintenance")
    site_title = _("Sinergi admin")
    index_title = _("Registry and catalogue")

    def has_permission(self, request: HttpRequest) -> bool:
        return _is_platform_admin(request)

    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated and not _is_platform_admin(request):
                raise Http404
            response: HttpResponse = inner(request, *args, **kwargs)
            return response

        return guarded

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        if request.user.is_authenticated and not _is_platform_admin(request):
            raise Http404
        return super().login(request, extra_context)


site = SinergiAdminSite(name="admin")
