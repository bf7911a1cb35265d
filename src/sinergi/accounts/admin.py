from __future__ import annotations

from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from sinergi.accounts.models import ApiToken, User
from sinergi.audit.admin import AuditedModelAdmin
from sinergi.core.admin_site import site


class UserAdmin(AuditedModelAdmin, BaseUserAdmin[User]):
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Role"), {"fields": ("role",)}))  # type: ignore[misc]


class ApiTokenAdmin(AuditedModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request: object) -> bool:
        return False  # tokens are issued by `sinergi tokens issue`, shown once


site.register(User, UserAdmin)
site.register(ApiToken, ApiTokenAdmin)
