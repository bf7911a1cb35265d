from __future__ import annotations

from django.contrib import admin

from sinergi.audit.admin import AuditedModelAdmin
from sinergi.cases.models import JointLeaveDay
from sinergi.core.admin_site import site


@admin.register(JointLeaveDay, site=site)
class JointLeaveDayAdmin(AuditedModelAdmin):
    """Cuti bersama kept as data per year: add a day a new joint decree sets, or mark one a
    later decree cancelled; the platform calendar picks the change up at once."""

    list_display = ["date", "name", "removed"]
    list_filter = ["removed"]
