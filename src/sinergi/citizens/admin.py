from __future__ import annotations

from django.contrib import admin

from sinergi.audit.admin import AuditedModelAdmin
from sinergi.citizens.models import Citizen
from sinergi.core.admin_site import site


@admin.register(Citizen, site=site)
class CitizenAdmin(AuditedModelAdmin):
    list_display = ["full_name", "masked_nik", "birth_date", "domicile"]
    search_fields = ["full_name", "=nik"]
    raw_id_fields = ["domicile", "user"]
