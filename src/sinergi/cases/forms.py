"""Checking application data against a service's form (pure): required fields, types, choices.

A field is ``{name, label, type, required, choices}``; types: text, int (or integer), choice,
date, bool (or boolean).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sinergi.rules import RuleError, Violation, gettext_noop

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _bad(key: str, rule: str, template: str, **params: str) -> Violation:
    return Violation(field=f"data.{key}", rule=rule, template=template, params=params)


def clean_application(form: Sequence[Mapping[str, Any]], data: Mapping[str, Any]) -> dict[str, Any]:
    """The application data, typed; unknown fields refused so nothing is silently dropped."""
    errors: list[Violation] = []
    known = {f["name"]: f for f in form}
    clean: dict[str, Any] = {}
    for name in data:
        if name not in known:
            errors.append(_bad(name, "field_unknown", gettext_noop("{name} is not asked."),
                               name=name))  # fmt: skip
    for name, spec in known.items():
        label = str(spec.get("label", name))
        value = data.get(name)
        if value is None or value == "":
            if spec.get("required"):
                errors.append(_bad(name, "field_required", gettext_noop("{label} is required."),
                                   label=label))  # fmt: skip
            continue
        kind = spec.get("type", "text")
        if kind in {"int", "integer"}:
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                value = None
            else:
                try:
                    value = int(value)
                except ValueError:
                    value = None
            if value is None or value < 0:
                errors.append(
                    _bad(name, "field_number", gettext_noop("{label} must be a whole number."),
                         label=label)
                )  # fmt: skip
                continue
        elif kind == "choice":
            choices = [str(c) for c in spec.get("choices", [])]
            if str(value) not in choices:
                errors.append(
                    _bad(name, "field_choice", gettext_noop("{label} must be one of {choices}."),
                         label=label, choices=", ".join(choices))
                )  # fmt: skip
                continue
            value = str(value)
        elif kind == "date":
            if not isinstance(value, str) or not _DATE.match(value):
                errors.append(
                    _bad(name, "field_date", gettext_noop("{label} must be a date (YYYY-MM-DD)."),
                         label=label)
                )  # fmt: skip
                continue
        elif kind in {"bool", "boolean"}:
            if not isinstance(value, bool):
                errors.append(
                    _bad(name, "field_bool", gettext_noop("{label} must be yes or no."),
                         label=label)
                )  # fmt: skip
                continue
        else:
            value = str(value).strip()
            if len(value) > 500:
                errors.append(
                    _bad(name, "field_length", gettext_noop("{label} is too long."), label=label)
                )
                continue
        clean[name] = value
    if errors:
        raise RuleError(*errors)
    return clean
