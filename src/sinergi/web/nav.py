"""The site navigation: one list, one entry per app.

An app that adds pages appends one ``NavItem`` to ``NAV`` below (keep it to one line so the
list merges cleanly). ``visible`` decides, per request, who sees the link; the link is marked
``aria-current="page"`` on every page under its path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sinergi.accounts.roles import AGENCY_ROLES, Role

Audience = Callable[[HttpRequest], bool]


def everyone(request: HttpRequest) -> bool:
    return True


def signed_in(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated)


def citizens(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.role == Role.CITIZEN)


def officials(request: HttpRequest) -> bool:
    """People who work inside an agency or at a front desk."""
    user = request.user
    return bool(
        user.is_authenticated and (user.role in AGENCY_ROLES or user.role == Role.FRONT_DESK)
    )


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    visible: Audience = everyone


@dataclass(frozen=True)
class NavLink:
    href: str
    label: str | Promise
    current: bool


NAV: list[NavItem] = [
    NavItem("web:home", _("Home")),
    NavItem("coordination:index", _("Coordination"), officials),
    NavItem("voice:complaints", _("Complaints"), signed_in),
    NavItem("voice:statistics", _("Complaint statistics")),
    NavItem("voice:surveys", _("Satisfaction (IKM)")),
    NavItem("documents:verify", _("Verify a decision")),
]


def links_for(request: HttpRequest, items: list[NavItem] | None = None) -> list[NavLink]:
    """The links this request's user sees, the one for the current page marked."""
    links: list[NavLink] = []
    home = reverse("web:home")
    for item in NAV if items is None else items:
        if not item.visible(request):
            continue
        try:
            href = reverse(item.url_name)
        except NoReverseMatch:
            continue
        current = request.path == href if href == home else request.path.startswith(href)
        links.append(NavLink(href=href, label=item.label, current=current))
    return links
