"""Small template helpers of the coordination pages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Mapping[str, Any], key: str) -> Any:
    return mapping.get(key, key)


@register.filter
def sum_values(values: Iterable[int]) -> int:
    return sum(values)


@register.filter
def value_of(mapping: Mapping[str, Any], key: str) -> Any:
    """The value under ``key``, or an empty string when there is none."""
    return mapping.get(key, "")
