from datetime import UTC, datetime, timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lectio import schedule
from lectio.models import PeriodicJob
from tests.helpers import run_worker

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
ONE_JOB = {
    "accounts.prune_sign_in_failures": {
        "task": "lectio.accounts.tasks.prune_sign_in_failures",
        "every": 3600,
    }
}


@pytest.fixture(autouse=True)
def _one_job(settings):
    settings.LECTIO_PERIODIC_TASKS = ONE_JOB


def test_a_due_job_is_enqueued_once_per_interval(db):
    assert schedule.tick(NOW) == ["accounts.prune_sign_in_failures"]
    assert DBTaskResult.objects.count() == 1
    # A second worker ticking at the same moment finds the job claimed.
    assert schedule.tick(NOW) == []
    assert schedule.tick(NOW + timedelta(minutes=59)) == []
    assert schedule.tick(NOW + timedelta(hours=1)) == ["accounts.prune_sign_in_failures"]
    assert DBTaskResult.objects.count() == 2
    job = PeriodicJob.objects.get()
    assert job.next_run_at == NOW + timedelta(hours=2)


def test_the_worker_runs_what_the_scheduler_enqueued(transactional_db):
    # The worker commits and reconnects as in production, so no wrapping transaction.
    old = AccessAttempt.objects.create(
        username="a@example.com", ip_address="127.0.0.1", user_agent="t", failures_since_start=3
    )
    AccessAttempt.objects.filter(pk=old.pk).update(attempt_time=timezone.now() - timedelta(days=1))
    fresh = AccessAttempt.objects.create(
        username="b@example.com", ip_address="127.0.0.1", user_agent="t", failures_since_start=1
    )
    schedule.tick()
    run_worker()
    result = DBTaskResult.objects.get()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 1
    assert list(AccessAttempt.objects.all()) == [fresh]


def test_every_periodic_task_can_be_imported():
    from django.utils.module_loading import import_string

    from lectio import settings as production

    assert len(production.LECTIO_PERIODIC_TASKS) >= 3
    for spec in production.LECTIO_PERIODIC_TASKS.values():
        assert hasattr(import_string(spec["task"]), "enqueue")
        assert spec["every"] > 0
