"""Template helpers of the shared layout: the navigation and accessible form fields."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

from sinergi.web.nav import NavLink, links_for

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_links(context: dict[str, Any]) -> list[NavLink]:
    request = context.get("request")
    return [] if request is None else links_for(request)


CHOICE_GROUPS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.filter
def is_choice_group(field: BoundField) -> bool:
    """Radios and checkbox lists are a fieldset with a legend, not one labelled input."""
    return isinstance(field.field.widget, CHOICE_GROUPS)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def described_ids(field: BoundField) -> str:
    """The ids of the hint and the error message that describe this field."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


def _css_class(widget: forms.Widget, has_errors: bool) -> str:
    if isinstance(widget, forms.Textarea):
        base = "sg-textarea"
    elif isinstance(widget, forms.Select):
        base = "sg-select"
    elif isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        base = "sg-file-upload"
    elif isinstance(widget, forms.CheckboxInput):
        base = "sg-checkboxes__input"
    else:
        base = "sg-input"
    return f"{base} {base}--error" if has_errors else base


@register.filter
def widget(field: BoundField) -> SafeString:
    """The field's input with our classes, its hint and error in ``aria-describedby``."""
    attrs: dict[str, Any] = {
        "class": _css_class(field.field.widget, bool(field.errors)),
    }
    described = described_ids(field)
    if described:
        attrs["aria-describedby"] = described
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
