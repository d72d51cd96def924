from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lectio.accounts import permissions


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main navigation for the signed-in person's roles, and the language choices."""
    user = getattr(request, "user", None)
    items: list[tuple[Any, str]] = []
    if user is not None and user.is_authenticated:
        items.append((_("My learning"), reverse("learning:dashboard")))
        items.append((_("Catalogue"), reverse("courses:catalogue")))
        items.append(
            (pgettext_lazy("learning record", "Transcript"), reverse("learning:transcript"))
        )
        items.append((_("My certificates"), reverse("certificates:mine")))
        if permissions.is_instructor(user):
            items.append((_("Authoring"), reverse("authoring:home")))
            # By URL name: accounts does not import assessments.
            items.append((_("Question bank"), reverse("assessments:bank")))
        if permissions.can_view_people(user):
            items += [
                (_("Compliance"), reverse("assignments:team")),
                (_("Assignments"), reverse("assignments:list")),
                (_("Reports"), reverse("reports:overview")),
            ]
        if permissions.can_manage_people(user):
            items += [
                (_("People"), reverse("accounts:people")),
                (_("Departments"), reverse("accounts:departments")),
                (_("Groups"), reverse("accounts:groups")),
                (_("Certificates"), reverse("certificates:list")),
                (_("LRS clients"), reverse("xapi:client_list")),  # by URL name, as above
            ]
        elif permissions.can_view_people(user):
            items += [
                (_("My team"), reverse("accounts:people")),
                (_("Departments"), reverse("accounts:departments")),
            ]
    path = request.path
    # The most specific entry is the current one (/certificates/all/ is not "My certificates").
    best = max((url for _label, url in items if path.startswith(url)), key=len, default=None)
    nav = [{"label": label, "url": url, "current": url == best} for label, url in items]
    return {"main_nav": nav, "site_name": settings.SITE_NAME}
