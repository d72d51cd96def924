from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.utils import timezone
from django_tasks import task


@task()
def prune_sign_in_failures() -> int:
    """Forget failed sign-in attempts older than the cool-off period (runs hourly)."""
    cutoff = timezone.now() - settings.AXES_COOLOFF_TIME
    deleted, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    # The failure log is the audit trail of attempts; keep it for 90 days.
    AccessFailureLog.objects.filter(attempt_time__lt=timezone.now() - timedelta(days=90)).delete()
    return int(deleted)
