"""Citizen-related endpoints."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from sinergi.api.auth import PUBLIC
from sinergi.citizens.nik import mask_nik
from sinergi.citizens.validation import check_nik
from sinergi.registry.models import Region

router = Router(tags=["citizens"])


class NikIn(Schema):
    nik: str


class NikOut(Schema):
    nik: str
    kecamatan: str
    kecamatan_name: str
    kecamatan_current: bool
    birth_date: date
    sex: str


@router.post("/citizens/nik-check", response=NikOut, auth=PUBLIC)
def nik_check(request: HttpRequest, payload: NikIn) -> dict[str, Any]:
    """Check a NIK's structure (region, birth date, sex); the answer shows it masked."""
    info = check_nik(payload.nik)
    region = Region.objects.get(code=info.kecamatan_code)
    return {
        "nik": mask_nik(payload.nik),
        "kecamatan": region.code,
        "kecamatan_name": region.name,
        "kecamatan_current": region.current,
        "birth_date": info.birth_date,
        "sex": info.sex,
    }
