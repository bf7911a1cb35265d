"""Catalogue maintenance: a process definition is validated on save (shape, graph, pattern,
and the authority each step needs, against the registry's grants) and never edited in place
once saved: a change is saved as a new version, so running cases keep theirs."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext

from sinergi.audit.admin import AuditedModelAdmin
from sinergi.catalog.authority import agency_authority
from sinergi.catalog.definitions import parse_definition
from sinergi.catalog.figures import figures
from sinergi.catalog.models import ProcessDefinition, Service
from sinergi.catalog.validation import validate_definition
from sinergi.core.admin_site import site
from sinergi.rules import RuleError


class DefinitionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ProcessDefinition
        fields = ["service", "variant", "version", "body", "current"]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        body = data.get("body")
        if not isinstance(body, dict):
            self.add_error("body", gettext("The definition must be a JSON object."))
            return data
        try:
            definition = parse_definition(body)
        except RuleError as exc:
            for v in exc.violations:
                self.add_error("body", f"{v.field}: {v.translated(gettext)} [{v.rule}]")
            return data
        for v in validate_definition(definition, authority=agency_authority):
            self.add_error("body", f"{v.field}: {v.translated(gettext)} [{v.rule}]")
        service = data.get("service")
        if service is not None and definition.service != service.code:
            self.add_error("body", gettext("The definition names another service."))
        if definition.variant != data.get("variant"):
            self.add_error("variant", gettext("The variant must match the definition's variant."))
        self.parsed = definition
        return data


@admin.register(ProcessDefinition, site=site)
class ProcessDefinitionAdmin(AuditedModelAdmin):
    form = DefinitionForm
    list_display = ["service", "variant", "version", "pattern", "current", "illustrative"]
    list_filter = ["pattern", "current"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A saved version is evidence for the cases that ran on it: read-only.
        return ["service", "variant", "version", "body"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        definition = getattr(form, "parsed", None)
        if definition is not None:
            obj.pattern = definition.pattern.value
            obj.title = definition.title
            obj.illustrative = definition.illustrative
            obj.figures = asdict(figures(definition))
            if obj.current:
                ProcessDefinition.objects.filter(service=obj.service, variant=obj.variant).update(
                    current=False
                )
        super().save_model(request, obj, form, change)


@admin.register(Service, site=site)
class ServiceAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "type", "kind", "coordinator", "published"]
    list_filter = ["type", "kind", "published"]
    search_fields = ["code", "name"]
    filter_horizontal = ["competent_authorities", "bundles"]
