"""Scheduled report e-mails: each subscription gets the compliance summary once per period
(an ISO week or a calendar month), through the outbox, so re-runs send nothing twice."""

from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from lectio.notifications.services import notify
from lectio.reports import queries
from lectio.reports.models import Subscription


def period_of(subscription: Subscription, now: datetime) -> str:
    if subscription.every == Subscription.Every.WEEK:
        year, week, _weekday = now.isocalendar()
        return f"{year}-W{week:02}"
    return f"{now.year}-{now.month:02}"


def send_scheduled_reports(now: datetime | None = None) -> int:
    """Queue every subscription's report for the current period; returns how many."""
    now = now or timezone.now()
    sent = 0
    subscriptions = Subscription.objects.filter(user__is_active=True).select_related(
        "user", "course", "department"
    )
    for subscription in subscriptions:
        if not (subscription.user.is_administrator or subscription.user.is_manager):
            continue  # the role was taken away: nothing to report
        obligations = queries.obligations_for(subscription.user)
        if subscription.course_id:
            obligations = obligations.filter(course_id=subscription.course_id)
        if subscription.department:
            obligations = obligations.filter(
                user__department__path__startswith=subscription.department.path
            )
        lines = queries.by_course(obligations)
        everyone = queries.Tally()
        for line in lines:
            for name in queries.COUNTED:
                setattr(everyone, name, getattr(everyone, name) + getattr(line.tally, name))
        query = urlencode(subscription.filters())
        notify(
            subscription.user,
            kind="reports.scheduled",
            key=f"report:{subscription.pk}:{period_of(subscription, now)}",
            template="reports/scheduled",
            context={
                "compliance": everyone.compliance,
                "total": everyone.total,
                "completed": everyone.completed,
                "overdue": everyone.overdue,
                "courses": [
                    {
                        "title": line.title,
                        "compliance": line.tally.compliance,
                        "overdue": line.tally.overdue,
                    }
                    for line in lines[:30]
                ],
                "report_url": settings.SITE_URL
                + reverse("reports:overview")
                + (f"?{query}" if query else ""),
                "export_url": settings.SITE_URL
                + reverse("reports:export_xlsx")
                + (f"?{query}" if query else ""),
            },
            mandatory=False,
        )
        sent += 1
    return sent
