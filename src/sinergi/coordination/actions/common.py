"""What every coordination action shares: who may act and how it is refused."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext

from sinergi.accounts.models import User
from sinergi.coordination.access import leads
from sinergi.coordination.models import Body
from sinergi.core.errors import Forbidden
from sinergi.registry.models import Agency
from sinergi.rules import RuleError, Violation, gettext_noop


def refuse(field: str, rule: str, template: str, **params: str) -> RuleError:
    return RuleError(Violation(field=field, rule=rule, template=template, params=params))


def require_lead(acting_user: User, body: Body) -> None:
    if not leads(acting_user, body):
        raise Forbidden(gettext("Only the lead agency of {body} may do this.").format(body=body))


def require_active(body: Body) -> None:
    today = timezone.localdate()
    if not body.is_active(today):
        raise refuse(
            "body",
            "body_not_active",
            gettext_noop("{body} is not active on {day}: its mandate ran from {start} to {end}."),
            body=str(body),
            day=today.isoformat(),
            start=body.start_date.isoformat(),
            end=body.end_date.isoformat() if body.end_date else "-",
        )


def agency_by_code(code: str, field: str = "agency") -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise refuse(field, "unknown_agency", gettext_noop("There is no agency {code}."), code=code)
    return agency
