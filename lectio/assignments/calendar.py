"""A person's due dates as a calendar feed (ICS) at a secret address, so they appear in
Outlook, Google Calendar or a phone's calendar.

The feed is built with the ``icalendar`` library (escaping, line folding at 75 octets,
CRLF endings done by it), as a published calendar (``METHOD:PUBLISH``) with a name
(``NAME``/``X-WR-CALNAME``) and a refresh interval (``REFRESH-INTERVAL``,
``X-PUBLISHED-TTL``) that subscribing apps honour. Each due date is an all-day event on
the day in the person's own time zone (a date, so no time zone is needed); its UID names
the obligation and cycle and the site's host, so it stays the same from fetch to fetch.
"""

import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from icalendar import Calendar, Event, vDuration, vText

from lectio.accounts.models import User
from lectio.accounts.permissions import AuthenticatedRequest
from lectio.assignments.models import CalendarFeed, Obligation


def feed_for(user: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


@transaction.atomic
def reset_feed(user: User) -> CalendarFeed:
    """A new secret address; the old one stops working."""
    CalendarFeed.objects.filter(user=user).delete()
    return feed_for(user)


REFRESH = timedelta(hours=4)


def calendar_for(user: User, base_url: str) -> bytes:
    """Every pending obligation with a due date, as an all-day event on that date (in the
    person's own time zone), in their language."""
    obligations = (
        Obligation.objects.current()
        .filter(
            user=user,
            due_at__isnull=False,
            status__in=[
                Obligation.Status.NOT_STARTED,
                Obligation.Status.IN_PROGRESS,
                Obligation.Status.OVERDUE,
            ],
        )
        .select_related("course__live_version")
        .defer("course__live_version__outline", "course__live_version__search_text")
        .order_by("due_at")
    )
    host = urlsplit(base_url).hostname or "lectio"
    stamp = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//Lectio//due dates//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    with translation.override(user.language), timezone.override(user.time_zone):
        name = _("Training due dates")
        calendar.add("name", vText(name))  # vText: escaped like any text value
        calendar.add("x-wr-calname", vText(name))
        for obligation in obligations:
            assert obligation.due_at is not None
            version = obligation.course.live_version
            title = version.title_in(user.language) if version else obligation.course.title
            day = timezone.localtime(obligation.due_at).date()
            event = Event()
            event.add("uid", f"obligation-{obligation.pk}-{obligation.cycle}@{host}")
            event.add("summary", _("Due: %(title)s") % {"title": title})
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
            event.add("dtstamp", stamp)
            event.add("transp", "TRANSPARENT")  # a due date does not make anyone busy
            event.add("url", base_url + reverse("courses:course", args=[obligation.course.slug]))
            if obligation.mandatory:
                event.add("description", _("Mandatory training."))
            calendar.add_component(event)
    return bytes(calendar.to_ical())


@require_safe
def my_calendar(request: AuthenticatedRequest) -> HttpResponse:
    feed = feed_for(request.user)
    address = request.build_absolute_uri(reverse("assignments:feed", args=[feed.token]))
    return render(request, "assignments/calendar.html", {"address": address})


@require_POST
def reset_calendar(request: AuthenticatedRequest) -> HttpResponse:
    reset_feed(request.user)
    messages.success(request, _("Your calendar has a new address; the old one stopped working."))
    return redirect("assignments:calendar")


@login_not_required
@require_safe
def feed(request: AuthenticatedRequest, token: str) -> HttpResponse:
    found = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if found is None or not found.user.is_active:
        raise Http404
    response = HttpResponse(
        calendar_for(found.user, settings.SITE_URL), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="due-dates.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
