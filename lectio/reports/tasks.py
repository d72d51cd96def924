"""Background work of reports (runs in `lectio worker`)."""

from django_tasks import task

from lectio.reports.scheduled import send_scheduled_reports


@task()
def send_reports() -> int:
    """Scheduled report e-mails (checked daily; one per subscription and period)."""
    return send_scheduled_reports()
