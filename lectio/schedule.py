"""The periodic scheduler that runs inside every ``lectio worker``.

Jobs come from ``settings.LECTIO_PERIODIC_TASKS``: a name, the dotted path of a task
(``django_tasks.task``) and an interval in seconds. Each tick claims due jobs with a
conditional UPDATE whose row count is checked, then enqueues the task, so two workers
never enqueue the same run twice.
"""

import logging
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from lectio.models import PeriodicJob

logger = logging.getLogger(__name__)


def tick(now: datetime | None = None) -> list[str]:
    """Enqueue every job that is due; returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for name, spec in settings.LECTIO_PERIODIC_TASKS.items():
        every = timedelta(seconds=int(spec["every"]))
        # A new job first runs on the first tick.
        PeriodicJob.objects.get_or_create(name=name, defaults={"next_run_at": now})
        with transaction.atomic():
            claimed = PeriodicJob.objects.filter(name=name, next_run_at__lte=now).update(
                next_run_at=now + every, last_enqueued_at=now
            )
            if claimed:
                import_string(str(spec["task"])).enqueue()
                enqueued.append(name)
    return enqueued


def run_forever(stop: threading.Event, interval: float = 30.0) -> None:
    while not stop.is_set():
        close_old_connections()
        try:
            for name in tick():
                logger.info("Enqueued periodic job %s", name)
        except Exception:
            logger.exception("Periodic scheduler tick failed; trying again shortly")
        stop.wait(interval)
