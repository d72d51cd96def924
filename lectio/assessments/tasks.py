"""Background work of assessments (runs in `lectio worker`)."""

from django_tasks import task

from lectio.assessments import services


@task()
def submit_expired_attempts() -> int:
    """Submit the attempts whose time ran out with what was saved (every minute). Each is
    submitted under its row lock, and submitting twice changes nothing."""
    return services.submit_expired()
