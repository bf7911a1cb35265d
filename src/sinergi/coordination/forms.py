"""The forms of the coordination pages; the rules themselves live in the actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sinergi.coordination import readiness
from sinergi.coordination.models import ActionItem
from sinergi.rules import RuleError


def add_rule_errors(form: forms.Form, error: RuleError) -> None:
    """Each broken rule shown on its field (or above the form when it has none)."""
    for violation in error.violations:
        field = violation.field.split(".")[0]
        form.add_error(field if field in form.fields else None, violation.translated(gettext))


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=250)
    text = forms.CharField(label=_("Proposal"), widget=forms.Textarea(attrs={"rows": 4}))


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Your agency's vote"),
        choices=[("yes", _("For")), ("no", _("Against")), ("abstain", _("Abstain"))],
        widget=forms.RadioSelect,
    )


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=250)
    agency = forms.ChoiceField(label=_("Assigned to"))
    working_days = forms.IntegerField(
        label=_("Deadline in working days"), min_value=1, max_value=250,
        help_text=_(
            "Counted on the platform's calendar: weekends, holidays and joint leave days "
            "do not count."
        ),
    )  # fmt: skip
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = agencies  # type: ignore[attr-defined]


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (ActionItem.Status.IN_PROGRESS, _("In progress")),
            (ActionItem.Status.DONE, _("Done")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(
        label=_("Evidence"), required=False, max_length=500,
        help_text=_("A document number or a link; needed to mark the action done."),
    )  # fmt: skip


class ContributionForm(forms.Form):
    agency = forms.ChoiceField(label=_("Reporting agency"))
    period = forms.ChoiceField(label=_("Period"))
    value = forms.DecimalField(label=_("Value"), max_digits=16, decimal_places=2)
    evidence = forms.CharField(label=_("Evidence"), max_length=500)

    def __init__(
        self, *args: Any, agencies: list[tuple[str, str]], periods: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = agencies  # type: ignore[attr-defined]
        self.fields["period"].choices = [(p, p) for p in periods]  # type: ignore[attr-defined]


class MapFilterForm(forms.Form):
    sector = forms.CharField(label=_("Sector"), required=False, max_length=120)
    region = forms.CharField(
        label=_("Region code"), required=False, max_length=13,
        help_text=_("A Kemendagri code or its start, e.g. 32 for Jawa Barat."),
    )  # fmt: skip


SCALE = [(str(n), str(n)) for n in range(1, 6)]


class ReadinessForm(forms.Form):
    agency = forms.ChoiceField(label=_("Agency"))
    programme = forms.ChoiceField(
        label=_("Joint programme"), required=False,
        help_text=_("Leave empty to assess the agency as a whole."),
    )  # fmt: skip

    def __init__(
        self,
        *args: Any,
        agencies: list[tuple[str, str]],
        programmes: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = agencies  # type: ignore[attr-defined]
        self.fields["programme"].choices = [("", "–"), *programmes]  # type: ignore[attr-defined]
        for code, (_dimension, statement) in readiness.QUESTIONS.items():
            self.fields[code] = forms.ChoiceField(
                label=gettext(statement),
                choices=SCALE,
                widget=forms.RadioSelect,
                help_text=_("1 = not at all, 5 = fully"),
            )

    def answers(self) -> dict[str, object]:
        return {code: int(self.cleaned_data[code]) for code in readiness.QUESTIONS}
