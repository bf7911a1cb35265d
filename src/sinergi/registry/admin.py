"""Registry maintenance for platform admins; every change is checked by the same rules as the
loaders and the API, and logged append-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext

from sinergi.audit.admin import AuditedModelAdmin
from sinergi.core.admin_site import site
from sinergi.registry.lineage import AgencyNode, Succession, validate_lineage
from sinergi.registry.models import (
    Agency,
    Appointment,
    AuthorityGrant,
    Position,
    Region,
    RegionList,
    ServiceCounter,
    ServicePoint,
    ServicePointStaff,
    Unit,
)
from sinergi.registry.models.agencies import lineage_nodes

_FIELD_MAP = {
    "parent_code": "parent",
    "successor_codes": "successors",
    "source_grant": "source",
    "grantor_position": "grantor",
    "legal_basis": "regulation",
}


@admin.register(RegionList, site=site)
class RegionListAdmin(AuditedModelAdmin):
    list_display = ["year", "decree"]


@admin.register(Region, site=site)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "level", "kind", "current"]
    list_filter = ["level", "current", "kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    show_full_result_count = False


class AgencyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "level",
            "region",
            "parent",
            "sector",
            "valid_from",
            "valid_to",
            "succession",
            "successors",
        ]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        code = data.get("code") or self.instance.code
        if not code:
            return data
        nodes = lineage_nodes()
        if self.instance.pk and self.instance.code != code:
            nodes.pop(self.instance.code, None)
        parent = data.get("parent")
        successors = data.get("successors") or []
        nodes[code] = AgencyNode(
            code=code,
            parent=parent.code if parent else None,
            valid_from=data.get("valid_from"),
            valid_to=data.get("valid_to"),
            succession=Succession(data["succession"]) if data.get("succession") else None,
            successors=tuple(s.code for s in successors),
        )
        for violation in validate_lineage(nodes):
            field = _FIELD_MAP.get(violation.field, violation.field)
            self.add_error(field if field in self.fields else None, violation.translated(gettext))
        return data


@admin.register(Agency, site=site)
class AgencyAdmin(AuditedModelAdmin):
    form = AgencyForm
    list_display = ["code", "short_name", "kind", "level", "region", "valid_from", "valid_to"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name", "short_name", "sector"]
    raw_id_fields = ["region"]
    filter_horizontal = ["successors"]


class CounterInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ServiceCounter
    extra = 1


@admin.register(ServicePoint, site=site)
class ServicePointAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "kind", "region", "operator"]
    list_filter = ["kind"]
    raw_id_fields = ["region"]
    inlines = [CounterInline]


@admin.register(ServicePointStaff, site=site)
class ServicePointStaffAdmin(AuditedModelAdmin):
    list_display = ["user", "service_point", "valid_from", "valid_to"]


@admin.register(Unit, site=site)
class UnitAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "agency"]
    search_fields = ["code", "name"]


@admin.register(Position, site=site)
class PositionAdmin(AuditedModelAdmin):
    list_display = ["code", "title", "agency", "is_head"]
    list_filter = ["is_head"]
    search_fields = ["code", "title"]


@admin.register(Appointment, site=site)
class AppointmentAdmin(AuditedModelAdmin):
    list_display = ["user", "position", "kind", "valid_from", "valid_to"]
    list_filter = ["kind"]


class GrantForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AuthorityGrant
        fields = [
            "kind",
            "holder",
            "grantor",
            "source",
            "services",
            "decisions",
            "regulation",
            "article",
            "url",
            "valid_from",
            "valid_to",
            "allows_onward_delegation",
            "published_at",
            "revoked_at",
            "revoked_reason",
        ]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if self.errors:
            return data
        candidate = AuthorityGrant(
            pk=self.instance.pk,
            **{k: v for k, v in data.items() if k in {f.name for f in AuthorityGrant._meta.fields}},
        )
        for refusal in candidate.refusals():
            field = _FIELD_MAP.get(refusal.field, refusal.field)
            message = f"{refusal.translated(gettext)} ({refusal.article})"
            self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(AuthorityGrant, site=site)
class AuthorityGrantAdmin(AuditedModelAdmin):
    form = GrantForm
    list_display = ["id", "kind", "holder", "grantor", "regulation", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["regulation", "holder__title"]

    def save_model(self, request: Any, obj: AuthorityGrant, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
