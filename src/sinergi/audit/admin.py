from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import Form
from django.http import HttpRequest

from sinergi.audit.log import record
from sinergi.audit.models import AuditEntry, ChainHead
from sinergi.core.admin_site import site


def _snapshot(obj: models.Model) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in {"password"}:
            continue
        data[field.name] = field.value_from_object(obj)
    return data


class AuditedModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Every change made in the admin lands in the append-only audit log, in its transaction."""

    def save_model(self, request: HttpRequest, obj: Any, form: Form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changed = list(getattr(form, "changed_data", []))
        record(
            actor=request.user,
            action=f"admin.{'change' if change else 'add'}",
            obj=obj,
            data={"changed": changed, "values": _snapshot(obj)},
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            if formset.has_changed():
                record(
                    actor=request.user,
                    action="admin.change_related",
                    obj=form.instance,
                    data={"related": formset.model._meta.label_lower},
                )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record(actor=request.user, action="admin.delete", obj=obj, data=_snapshot(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            record(actor=request.user, action="admin.delete", obj=obj, data=_snapshot(obj))
        super().delete_queryset(request, queryset)


@admin.register(AuditEntry, site=site)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "seq",
        "at",
        "actor_username",
        "agency_code",
        "action",
        "object_type",
        "object_id",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_username", "request_id", "hash"]
    ordering = ["-seq"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ChainHead, site=site)
class ChainHeadAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["day", "seq", "hash", "published_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
