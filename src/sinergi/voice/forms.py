"""Page forms: they only shape input; the actions decide (their RuleErrors land on fields)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sinergi.rules import RuleError
from sinergi.voice.models import Confidentiality, Kind


def add_rule_errors(form: forms.Form, error: RuleError) -> None:
    """Put each violation on its field (or on the form when the field is not in it)."""
    for violation in error.violations:
        name = "attachment" if violation.field == "attachments" else violation.field
        field = name if name in form.fields else None
        form.add_error(field, violation.translated(gettext))


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you want to send?"),
        choices=Kind.choices,
        initial=Kind.PENGADUAN,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("What happened?"),
        help_text=_("Say what, where and when. Do not include other people's personal data."),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    region_code = forms.CharField(
        label=_("Region code of the place"),
        help_text=_(
            "Kemendagri code, for example 32.73 for Kota Bandung or 31.71 for Jakarta Pusat."
        ),
        required=False,
        max_length=20,
    )
    category = forms.CharField(label=_("Topic (optional)"), required=False, max_length=80)
    confidentiality = forms.ChoiceField(
        label=_("Who may see your identity?"),
        choices=Confidentiality.choices,
        initial=Confidentiality.PUBLIC,
        widget=forms.RadioSelect,
    )
    attachment = forms.FileField(
        label=_("Photo, video or document (optional)"),
        help_text=_("JPEG, PNG, WebP, MP4 or PDF, at most 5 MB."),
        required=False,
    )


class AgencyForm(forms.Form):
    agency = forms.ChoiceField(label=_("Competent agency"))
    message = forms.CharField(
        label=_("Note for the agency (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: object, choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["agency"].choices = choices  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class FollowUpForm(forms.Form):
    message = forms.CharField(
        label=_("Follow-up"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the follow-up?"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = not at all, 5 = very satisfied."),
    )
    reopen = forms.BooleanField(
        label=_("The problem is not solved: reopen the complaint"), required=False
    )


SCALE = [
    ("1", _("1: not good")),
    ("2", _("2: poor")),
    ("3", _("3: good")),
    ("4", _("4: very good")),
]


class SurveyForm(forms.Form):
    """The nine elements of PermenPANRB 14/2017, each on the 1-4 scale."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        from sinergi.voice.ikm import ELEMENTS

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for element in ELEMENTS:
            self.fields[element.code] = forms.TypedChoiceField(
                label=f"{element.code} {gettext(element.name)}",
                choices=SCALE,
                coerce=int,
                widget=forms.RadioSelect,
            )
