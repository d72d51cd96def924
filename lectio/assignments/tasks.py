"""Background work of assignments (runs in `lectio worker`)."""

from django_tasks import task

from lectio.assignments import reminders, services


@task()
def refresh_statuses() -> dict[str, int]:
    """Obligations whose due date or expiry passed change status (every 15 minutes)."""
    return services.refresh_statuses()


@task()
def reconcile_assignments() -> int:
    """Dynamic assignments reach anyone they missed, e.g. a hire-date rule (hourly)."""
    return services.reconcile()


@task()
def send_reminders() -> int:
    """Renewals, reminders, overdue notices, escalations and expiry warnings (hourly)."""
    services.refresh_statuses()
    services.renew_expiring()
    return reminders.send_reminders()


@task()
def send_digests() -> int:
    """The managers' weekly digest (checked daily; one per manager and ISO week)."""
    return reminders.send_digests()
