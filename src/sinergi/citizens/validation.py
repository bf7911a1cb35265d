"""NIK checks against the region registry (current and earlier official lists)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from sinergi.citizens.nik import NikInfo, parse_nik
from sinergi.registry.codes import RegionLevel
from sinergi.registry.models import Region


def kecamatan_exists(code: str) -> bool:
    """True for a kecamatan code in the current list or any earlier one (a NIK keeps the code
    of its first registration)."""
    return Region.objects.filter(code=code, level=RegionLevel.KECAMATAN.value).exists()


def check_nik(nik: str, today: date | None = None) -> NikInfo:
    return parse_nik(nik, kecamatan_exists=kecamatan_exists, today=today or timezone.localdate())
