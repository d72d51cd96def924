from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.utils import timezone
from django_tasks import task

from lectio.accounts import hr_sync


@task()
def prune_sign_in_failures() -> int:
    """Forget failed sign-in attempts older than the cool-off period (runs hourly)."""
    cutoff = timezone.now() - settings.AXES_COOLOFF_TIME
    deleted, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    # The failure log is the audit trail of attempts; keep it for 90 days.
    AccessFailureLog.objects.filter(attempt_time__lt=timezone.now() - timedelta(days=90)).delete()
    return int(deleted)


@task()
def hr_sync_drop() -> int:
    """Apply the files waiting in LECTIO_HR_DROP_DIR (a no-op when it is not set)."""
    return len(hr_sync.sync_drop_folder())
