"""Every change to the registry's authority grants goes through here (DESIGN rule 1)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sinergi.accounts.models import User
from sinergi.audit.log import record
from sinergi.core.errors import Forbidden
from sinergi.registry.access import agency_ids_of
from sinergi.registry.authority import GrantKind
from sinergi.registry.models import Appointment, AuthorityGrant, Position
from sinergi.rules import RuleError, Violation, gettext_noop


def _may_grant(user: User, kind: GrantKind, grantor: Position | None) -> bool:
    """Platform admins record any grant; an official passes on only their own authority."""
    if user.is_platform_admin:
        return True
    if kind is GrantKind.ATRIBUSI or grantor is None or not user.works_in_agency:
        return False
    return (
        Appointment.objects.active_at(timezone.now()).filter(user=user, position=grantor).exists()
    )


def _may_manage(user: User, grant: AuthorityGrant) -> bool:
    if user.is_platform_admin:
        return True
    if grant.grantor_id is None or not user.works_in_agency:
        return False
    return (
        Appointment.objects.active_at(timezone.now())
        .filter(user=user, position_id=grant.grantor_id)
        .exists()
    )


def _grant_summary(grant: AuthorityGrant) -> dict[str, Any]:
    return {
        "kind": grant.kind,
        "holder": grant.holder.code,
        "grantor": grant.grantor.code if grant.grantor else None,
        "source": grant.source_id,
        "services": grant.services,
        "decisions": grant.decisions,
        "regulation": grant.regulation,
        "article": grant.article,
        "valid_from": grant.valid_from.isoformat(),
        "valid_to": grant.valid_to.isoformat() if grant.valid_to else None,
        "allows_onward_delegation": grant.allows_onward_delegation,
    }


def create_grant(
    *,
    acting_user: User,
    kind: GrantKind,
    holder: Position,
    grantor: Position | None,
    source: AuthorityGrant | None,
    services: list[str],
    decisions: list[str],
    regulation: str,
    article: str = "",
    url: str = "",
    valid_from: datetime,
    valid_to: datetime | None = None,
    allows_onward_delegation: bool | None = None,
    publish: bool = False,
) -> AuthorityGrant:
    """Record a grant of authority after checking it against UU 30/2014; nothing is written
    when a rule fails (RuleError names the field and the rule)."""
    if not _may_grant(acting_user, kind, grantor):
        raise Forbidden(gettext("You may only pass on authority held by your own position."))
    if allows_onward_delegation is None:
        allows_onward_delegation = kind is GrantKind.ATRIBUSI and bool(
            settings.SINERGI["ATTRIBUTION_DELEGABLE_BY_DEFAULT"]
        )
    with transaction.atomic():
        grant = AuthorityGrant(
            kind=kind.value,
            holder=holder,
            grantor=grantor,
            source=source,
            services=sorted(set(services)),
            decisions=sorted(set(decisions)),
            regulation=regulation,
            article=article,
            url=url,
            valid_from=valid_from,
            valid_to=valid_to,
            allows_onward_delegation=allows_onward_delegation,
            published_at=timezone.now() if publish else None,
            created_by=acting_user,
        )
        refusals = grant.refusals()
        if refusals:
            raise RuleError(*refusals)
        grant.save()
        record(
            actor=acting_user,
            action="registry.grant.create",
            obj=grant,
            agency_code=holder.agency.code,
            data=_grant_summary(grant),
        )
    return grant


def revoke_grant(
    *, acting_user: User, grant: AuthorityGrant, reason: str, at: datetime | None = None
) -> AuthorityGrant:
    """Withdraw a grant (the mandator or delegator may take back what they gave)."""
    if not _may_manage(acting_user, grant):
        raise Forbidden(gettext("Only the grantor or a platform admin may revoke this grant."))
    if not reason.strip():
        raise RuleError(
            Violation(
                field="reason",
                rule="reason_required",
                template=gettext_noop("Give the reason for revoking the grant."),
            )
        )
    with transaction.atomic():
        locked = AuthorityGrant.objects.select_for_update().get(pk=grant.pk)
        if locked.revoked_at is not None:
            raise RuleError(
                Violation(
                    field="revoked_at",
                    rule="already_revoked",
                    template=gettext_noop("This grant was already revoked."),
                )
            )
        locked.revoked_at = at or timezone.now()
        locked.revoked_reason = reason.strip()
        locked.save(update_fields=["revoked_at", "revoked_reason"])
        record(
            actor=acting_user,
            action="registry.grant.revoke",
            obj=locked,
            agency_code=locked.holder.agency.code,
            data={"reason": locked.revoked_reason, "revoked_at": locked.revoked_at.isoformat()},
        )
    return locked


def publish_grant(*, acting_user: User, grant: AuthorityGrant) -> AuthorityGrant:
    if not _may_manage(acting_user, grant) and not (
        grant.holder.agency_id in agency_ids_of(acting_user)
        and acting_user.role in {"agency_head", "coordinator"}
    ):
        raise Forbidden(gettext("Only the grantor or a platform admin may publish this grant."))
    with transaction.atomic():
        locked = AuthorityGrant.objects.select_for_update().get(pk=grant.pk)
        if locked.published_at is None:
            locked.published_at = timezone.now()
            locked.save(update_fields=["published_at"])
            record(
                actor=acting_user,
                action="registry.grant.publish",
                obj=locked,
                agency_code=locked.holder.agency.code,
            )
    return locked
