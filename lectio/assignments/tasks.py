"""Background work of assignments (runs in `lectio worker`)."""

from django_tasks import task

from lectio.assignments import services


@task()
def refresh_statuses() -> dict[str, int]:
    """Obligations whose due date or expiry passed change status (every 15 minutes)."""
    return services.refresh_statuses()


@task()
def reconcile_assignments() -> int:
    """Dynamic assignments reach anyone they missed, e.g. a hire-date rule (hourly)."""
    return services.reconcile()
