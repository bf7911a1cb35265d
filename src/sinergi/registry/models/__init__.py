"""Who is who in Indonesian government, and who may decide what."""

from sinergi.registry.models.agencies import Agency, AgencyKind, AgencyLevel
from sinergi.registry.models.grants import AuthorityGrant
from sinergi.registry.models.organisation import Appointment, AppointmentKind, Position, Unit
from sinergi.registry.models.regions import ReferenceDataLoad, Region, RegionList
from sinergi.registry.models.service_points import (
    ServiceCounter,
    ServicePoint,
    ServicePointKind,
    ServicePointStaff,
)

__all__ = [
    "Agency",
    "AgencyKind",
    "AgencyLevel",
    "Appointment",
    "AppointmentKind",
    "AuthorityGrant",
    "Position",
    "ReferenceDataLoad",
    "Region",
    "RegionList",
    "ServiceCounter",
    "ServicePoint",
    "ServicePointKind",
    "ServicePointStaff",
    "Unit",
]
