"""Loading the bundled service files (``catalog/services/*.yaml``) into the catalogue.

Idempotent: an unchanged variant is left alone; a changed one becomes a new version and the
old one stops being current (running cases keep the version they started with). A file that
fails validation is refused whole and nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from sinergi.catalog.authority import agency_authority
from sinergi.catalog.definitions import parse_definition
from sinergi.catalog.figures import figures
from sinergi.catalog.models import STANDARD_COMPONENTS, ProcessDefinition, Service
from sinergi.catalog.validation import validate_definition
from sinergi.registry.models import Agency
from sinergi.rules import RuleError, Violation, gettext_noop

SERVICES_DIR = Path(__file__).resolve().parent / "services"


def _missing(where: str, key: str) -> Violation:
    return Violation(
        field=f"{where}.{key}",
        rule="service_required",
        template=gettext_noop("{path} is required."),
        params={"path": f"{where}.{key}"},
    )


def check_service(raw: Mapping[str, Any], where: str) -> list[Violation]:
    """Catalogue-level checks: required keys and the 14 components of the standard."""
    violations = [
        _missing(where, key)
        for key in ("code", "name", "type", "coordinator", "variants", "standard")
        if not raw.get(key)
    ]
    standard = raw.get("standard") or {}
    violations += [
        _missing(f"{where}.standard", c) for c in STANDARD_COMPONENTS if not standard.get(c)
    ]
    return violations


def _agencies(codes: list[str], where: str) -> list[Agency]:
    found = {a.code: a for a in Agency.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise RuleError(
            Violation(
                field=where,
                rule="unknown_agency",
                template=gettext_noop("Unknown agency {codes}."),
                params={"codes": ", ".join(unknown)},
            )
        )
    return [found[c] for c in codes]


def load_service(raw: Mapping[str, Any], where: str = "service") -> Service:
    violations = check_service(raw, where)
    definitions = []
    for index, variant in enumerate(raw.get("variants") or []):
        try:
            definition = parse_definition(variant)
        except RuleError as exc:
            violations += list(exc.violations)
            continue
        violations += validate_definition(definition, authority=agency_authority)
        definitions.append((definition, variant, index))
    if violations:
        raise RuleError(*violations)
    with transaction.atomic():
        coordinator = _agencies([raw["coordinator"]], f"{where}.coordinator")[0]
        service, _ = Service.objects.update_or_create(
            code=raw["code"],
            defaults={
                "kind": raw.get("kind", "service"),
                "name": raw["name"],
                "name_en": raw.get("name_en", ""),
                "description": raw.get("description", ""),
                "type": raw["type"],
                "coordinator": coordinator,
                "legal_basis": raw.get("legal_basis", []),
                "requirements": raw.get("requirements", []),
                "output": raw.get("output", []),
                "fee_formula": raw.get("fee_formula", ""),
                "processing_time": raw.get("processing_time", {}),
                "channels": raw.get("channels", []),
                "standard": raw.get("standard", {}),
                "form": raw.get("form", []),
            },
        )
        service.competent_authorities.set(
            _agencies(list(raw.get("competent_authorities", [])), f"{where}.competent_authorities")
        )
        for definition, body, _index in definitions:
            latest = (
                ProcessDefinition.objects.filter(service=service, variant=definition.variant)
                .order_by("-version")
                .first()
            )
            if latest is not None and latest.body == body:
                continue
            version = max(definition.version, latest.version + 1 if latest else 1)
            ProcessDefinition.objects.filter(service=service, variant=definition.variant).update(
                current=False
            )
            ProcessDefinition.objects.create(
                service=service,
                variant=definition.variant,
                version=version,
                pattern=definition.pattern.value,
                title=definition.title,
                illustrative=definition.illustrative,
                body=body,
                current=True,
                figures=asdict(figures(definition)),
            )
    return service


def load_services(directory: Path = SERVICES_DIR) -> list[Service]:
    files = sorted(directory.glob("*.yaml"))
    raws = [(path, yaml.safe_load(path.read_text(encoding="utf-8"))) for path in files]
    services = [load_service(raw, where=path.name) for path, raw in raws]
    # Life events bundle services that may come later in the folder: link them last.
    for _path, raw in raws:
        if raw.get("bundles"):
            service = Service.objects.get(code=raw["code"])
            bundled = list(Service.objects.filter(code__in=raw["bundles"]))
            service.bundles.set(bundled)
    return services
