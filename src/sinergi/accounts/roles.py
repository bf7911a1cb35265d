"""The roles people play on the platform (DESIGN.md, "Who sees what")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    FRONT_DESK = "front_desk", _("Front-desk officer")
    OFFICIAL = "official", _("Agency official")
    AGENCY_HEAD = "agency_head", _("Agency head")
    COORDINATOR = "coordinator", _("Coordinator")
    AUDITOR = "auditor", _("Auditor")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")


#: Roles whose work is done inside an agency (they hold a position there).
AGENCY_ROLES = frozenset({Role.OFFICIAL, Role.AGENCY_HEAD, Role.COORDINATOR})
#: Roles that may read everything (the auditor, read-only) or maintain the registry.
SEE_ALL_ROLES = frozenset({Role.AUDITOR, Role.PLATFORM_ADMIN})
