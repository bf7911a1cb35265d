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


def agency_heads(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.role in {Role.AGENCY_HEAD, Role.COORDINATOR})


def coordinators(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.role == Role.COORDINATOR)


def front_desk(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.role == Role.FRONT_DESK)


def agency_staff(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.role in AGENCY_ROLES)


NAV: list[NavItem] = [
    NavItem("web:home", _("Home")),
    NavItem("portal:catalogue", _("Services")),
    NavItem("portal:my_cases", _("Your applications"), citizens),
    NavItem("portal:track", _("Track an application"), lambda r: not r.user.is_authenticated),
    NavItem("backoffice:inbox", _("Inbox"), agency_staff),
    NavItem("backoffice:load", _("Agency load"), agency_heads),
    NavItem("backoffice:coordinator", _("Coordinator view"), coordinators),
    NavItem("backoffice:desk", _("Front desk"), front_desk),
    NavItem("coordination:index", _("Coordination"), officials),
    NavItem("voice:complaints", _("Complaints"), signed_in),
    NavItem("voice:statistics", _("Complaint statistics")),
    NavItem("voice:surveys", _("Satisfaction (IKM)")),
    NavItem("documents:verify", _("Verify a decision")),
]


def links_for(request: HttpRequest, items: list[NavItem] | None = None) -> list[NavLink]:
    """The links this request's user sees, the one for the current page marked."""
    found: list[tuple[str, str | Promise]] = []
    home = reverse("web:home")
    for item in NAV if items is None else items:
        if not item.visible(request):
            continue
        try:
            found.append((reverse(item.url_name), item.label))
        except NoReverseMatch:
            continue
    matching = [
        href
        for href, _label in found
        if (request.path == href if href == home else request.path.startswith(href))
    ]
    current = max(matching, key=len, default=None)
    return [NavLink(href=href, label=label, current=href == current) for href, label in found]
