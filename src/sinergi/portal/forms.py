"""Page forms: the application form built from the service's form definition, tracking,
messages, uploads, withdrawal and objection. They check the shape of the input; the rules of
the case (required fields, choices, windows) stay in the actions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sinergi.cases.receipts import is_valid_receipt, normalise_receipt
from sinergi.rules import RuleError


def _field(spec: Mapping[str, Any], required: bool) -> forms.Field:
    label = str(spec.get("label", spec["name"]))
    kind = spec.get("type", "text")
    if kind in {"int", "integer"}:
        return forms.IntegerField(
            label=label,
            required=required,
            min_value=0,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
            error_messages={
                "required": gettext("Enter {label}").format(label=label.lower()),
                "invalid": gettext("{label} must be a whole number").format(label=label),
            },
        )
    if kind == "choice":
        choices = [(str(c), str(c).replace("_", " ")) for c in spec.get("choices", [])]
        radios = len(choices) <= 6
        widget: type[forms.Widget] = forms.RadioSelect if radios else forms.Select
        if not radios:
            choices = [("", gettext("Choose one")), *choices]
        return forms.ChoiceField(
            label=label,
            required=required,
            choices=choices,
            widget=widget,
            error_messages={"required": gettext("Choose {label}").format(label=label.lower())},
        )
    if kind == "date":
        return forms.DateField(
            label=label,
            required=required,
            help_text=_("For example, 2026-11-27"),
            widget=forms.DateInput(attrs={"type": "date"}),
            error_messages={
                "required": gettext("Enter {label}").format(label=label.lower()),
                "invalid": gettext("{label} must be a real date").format(label=label),
            },
        )
    if kind in {"bool", "boolean"}:
        return forms.BooleanField(label=label, required=False)
    return forms.CharField(
        label=label,
        required=required,
        max_length=500,
        error_messages={"required": gettext("Enter {label}").format(label=label.lower())},
    )


class ApplicationForm(forms.Form):
    """One field per item of the service's form, each asked once."""

    def __init__(self, spec: Sequence[Mapping[str, Any]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec = list(spec)
        for item in self.spec:
            self.fields[item["name"]] = _field(item, bool(item.get("required")))

    def application_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if value is None or value == "":
                continue
            data[name] = value.isoformat() if isinstance(value, date) else value
        return data


def add_rule_errors(form: forms.Form, error: RuleError) -> None:
    """Put each violation on its field (``data.plate`` goes on ``plate``) or on the form."""
    for violation in error.violations:
        name = violation.field.removeprefix("data.")
        message = violation.translated(gettext)
        form.add_error(name if name in form.fields else None, message)


class TrackForm(forms.Form):
    receipt_number = forms.CharField(
        label=_("Receipt number"),
        max_length=24,
        help_text=_("It is on your receipt, for example SNG-2026-7K3F9Q2AX"),
        error_messages={"required": _("Enter your receipt number")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    pin = forms.CharField(
        label=_("PIN"),
        max_length=6,
        min_length=6,
        help_text=_("The 6 digits shown with your receipt"),
        error_messages={
            "required": _("Enter your PIN"),
            "min_length": _("The PIN is 6 digits"),
            "max_length": _("The PIN is 6 digits"),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_receipt_number(self) -> str:
        value = normalise_receipt(self.cleaned_data["receipt_number"])
        if not is_valid_receipt(value):
            raise forms.ValidationError(_("Enter a receipt number in the form SNG-2026-7K3F9Q2AX"))
        return value

    def clean_pin(self) -> str:
        value: str = self.cleaned_data["pin"].strip()
        if not value.isdigit():
            raise forms.ValidationError(_("The PIN is 6 digits"))
        return value


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Enter a message"),
            "max_length": _("The message must be 2000 characters or fewer"),
        },
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Upload a document"),
        help_text=_("PDF, JPG or PNG, smaller than 5 MB"),
        error_messages={"required": _("Select a file"), "empty": _("The selected file is empty")},
    )

    def __init__(self, requirements: Sequence[Mapping[str, Any]], *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [(str(r["code"]), str(r["name"])) for r in requirements]
        self.fields["requirement"] = forms.ChoiceField(
            label=_("Which document is it?"),
            choices=[("", _("Other document")), *choices],
            required=False,
        )
        self.order_fields(["requirement", "file"])


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ObjectionForm(forms.Form):
    reasons = forms.CharField(
        label=_("Why do you object to the decision?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Enter the reasons for your objection")},
    )
