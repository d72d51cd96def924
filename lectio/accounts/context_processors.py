from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lectio.accounts import permissions

# The navigation's destinations, by URL name.
NAV_URLS = (
    "learning:dashboard",
    "courses:catalogue",
    "learning:transcript",
    "certificates:mine",
    "authoring:home",
    "assessments:bank",
    "assignments:team",
    "assignments:list",
    "reports:overview",
    "accounts:people",
    "accounts:departments",
    "accounts:groups",
    "certificates:list",
    "xapi:client_list",
)


@cache
def _nav_urls(prefix: str, urlconf: str | None) -> dict[str, str]:
    """The navigation's addresses, reversed once per process for each script prefix and
    URLconf (they never change while it runs): every page shows the navigation, and
    reversing its dozen names cost about 5 % of a learner page's CPU."""
    return {name: reverse(name, urlconf=urlconf) for name in NAV_URLS}


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main navigation for the signed-in person's roles, and the language choices."""
    user = getattr(request, "user", None)
    items: list[tuple[Any, str]] = []
    if user is not None and user.is_authenticated:
        urls = _nav_urls(get_script_prefix(), get_urlconf())
        address = urls.__getitem__
        items.append((_("My learning"), address("learning:dashboard")))
        items.append((_("Catalogue"), address("courses:catalogue")))
        items.append(
            (pgettext_lazy("learning record", "Transcript"), address("learning:transcript"))
        )
        items.append((_("My certificates"), address("certificates:mine")))
        if permissions.is_instructor(user):
            items.append((_("Authoring"), address("authoring:home")))
            # By URL name: accounts does not import assessments.
            items.append((_("Question bank"), address("assessments:bank")))
        if permissions.can_view_people(user):
            items += [
                (_("Compliance"), address("assignments:team")),
                (_("Assignments"), address("assignments:list")),
                (_("Reports"), address("reports:overview")),
            ]
        if permissions.can_manage_people(user):
            items += [
                (_("People"), address("accounts:people")),
                (_("Departments"), address("accounts:departments")),
                (_("Groups"), address("accounts:groups")),
                (_("Certificates"), address("certificates:list")),
                (_("LRS clients"), address("xapi:client_list")),  # by URL name, as above
            ]
        elif permissions.can_view_people(user):
            items += [
                (_("My team"), address("accounts:people")),
                (_("Departments"), address("accounts:departments")),
            ]
    path = request.path
    # The most specific entry is the current one (/certificates/all/ is not "My certificates").
    best = max((url for _label, url in items if path.startswith(url)), key=len, default=None)
    nav = [{"label": label, "url": url, "current": url == best} for label, url in items]
    return {"main_nav": nav, "site_name": settings.SITE_NAME}
