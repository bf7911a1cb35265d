"""Authority grants under UU 30/2014: atribusi, delegasi and mandat, to positions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sinergi.registry.authority import Grant, GrantKind, LegalBasis, Refusal, validate_grant

#: The columns a grant's rule is made of, in ``rule_from_row``'s order: read as values when
#: many grants are wanted (``registry.resolve``), without model instances.
RULE_COLUMNS = (
    "id", "kind", "holder_id", "holder__title", "grantor_id", "grantor__title", "source_id",
    "services", "decisions", "regulation", "article", "url", "valid_from", "valid_to",
    "revoked_at", "allows_onward_delegation",
)  # fmt: skip


def rule_from_row(row: tuple[Any, ...]) -> Grant:
    """A grant as the pure rule engine sees it, from its ``RULE_COLUMNS``."""
    (pk, kind, holder, holder_title, grantor, grantor_title, source, services, decisions,
     regulation, article, url, valid_from, valid_to, revoked_at, onward) = row  # fmt: skip
    return Grant(
        id=pk,
        kind=GrantKind(kind),
        holder_position=holder,
        holder_title=holder_title,
        grantor_position=grantor,
        grantor_title=grantor_title if grantor is not None else regulation,
        source_grant=source,
        services=frozenset(services),
        decisions=frozenset(decisions),
        legal_basis=LegalBasis(regulation=regulation, article=article, url=url),
        valid_from=valid_from,
        valid_to=valid_to,
        revoked_at=revoked_at,
        allows_onward_delegation=onward,
    )


class AuthorityGrantQuerySet(models.QuerySet["AuthorityGrant"]):
    def in_force_at(self, at: datetime) -> AuthorityGrantQuerySet:
        return (
            self.filter(valid_from__lte=at)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at))
            .filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=at))
        )


class AuthorityGrant(models.Model):
    kind = models.CharField(
        _("kind"), max_length=10, choices=[(k.value, k.value) for k in GrantKind]
    )
    holder = models.ForeignKey(
        "registry.Position",
        on_delete=models.PROTECT,
        related_name="grants",
        verbose_name=_("holder position"),
    )
    grantor = models.ForeignKey(
        "registry.Position",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="granted",
        verbose_name=_("grantor position"),
        help_text=_("Empty for an attribution, which comes from a law."),
    )
    source = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derived",
        verbose_name=_("source grant"),
        help_text=_("The grant whose authority a delegation or mandate passes on."),
    )
    services = models.JSONField(_("services"), default=list, help_text=_('Service codes, or "*".'))
    decisions = models.JSONField(
        _("decisions"), default=list, help_text=_('Decision kinds, or "*".')
    )
    regulation = models.CharField(_("regulation"), max_length=250)
    article = models.CharField(_("article"), max_length=120, blank=True)
    url = models.URLField(_("URL"), blank=True)
    valid_from = models.DateTimeField(_("valid from"))
    valid_to = models.DateTimeField(_("valid to"), null=True, blank=True)
    allows_onward_delegation = models.BooleanField(_("may be delegated onward"), default=False)
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        help_text=_("Until published, only the agencies party to the grant can see it."),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AuthorityGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("authority grant")
        verbose_name_plural = _("authority grants")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="grant_period_not_empty",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.holder} ({self.regulation})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def to_rule(self) -> Grant:
        """This grant as the pure rule engine sees it (needs holder and grantor loaded)."""
        return rule_from_row((
            self.pk or 0, self.kind, self.holder_id, self.holder.title, self.grantor_id,
            self.grantor.title if self.grantor else None, self.source_id, self.services,
            self.decisions, self.regulation, self.article, self.url, self.valid_from,
            self.valid_to, self.revoked_at, self.allows_onward_delegation,
        ))  # fmt: skip

    def refusals(self) -> list[Refusal]:
        """What UU 30/2014 says against recording this grant, checked along its source chain."""
        existing = {g.pk: g.to_rule() for g in (self.source.chain() if self.source else [])}
        return validate_grant(self.to_rule(), existing)

    def chain(self) -> list[AuthorityGrant]:
        """This grant and its sources up to the attribution (guarded against cycles)."""
        chain: list[AuthorityGrant] = []
        seen: set[int | None] = set()
        grant: AuthorityGrant | None = self
        while grant is not None and grant.pk not in seen:
            seen.add(grant.pk)
            chain.append(grant)
            grant = (
                AuthorityGrant.objects.select_related("holder", "grantor")
                .filter(pk=grant.source_id)
                .first()
                if grant.source_id
                else None
            )
        return chain
