"""The api app's background tasks (run by `lectio worker`)."""

from django.utils import timezone
from django_tasks import task

from lectio.api import services, webhooks


@task()
def deliver_webhook(delivery_id: int) -> dict[str, int]:
    """Send one delivery now (enqueued after the event commits); nothing if another worker
    has it or it is not due."""
    return webhooks.send([delivery_id], timezone.now())


@task()
def send_due_webhooks() -> dict[str, int]:
    """Every minute: retries whose back-off has passed, and anything missed."""
    return webhooks.send_due()


@task()
def prune_idempotency_records() -> int:
    return services.prune_idempotency_records()
