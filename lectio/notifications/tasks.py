"""The outbox's background tasks (run by `lectio worker`)."""

from django.utils import timezone
from django_tasks import task

from lectio.notifications import sending


@task()
def send_message(message_id: int) -> dict[str, int]:
    """Send one message now (enqueued by ``notify`` after commit); nothing if another
    worker has it or it is not due."""
    return sending.send([message_id], timezone.now())


@task()
def send_due_messages() -> dict[str, int]:
    """Every minute: put stale claims back, then send what is due (new, delayed, retries)."""
    return sending.send_due()
