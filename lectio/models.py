from django.db import models


class PeriodicJob(models.Model):
    """When a periodic task (settings.LECTIO_PERIODIC_TASKS) is next due.

    Workers claim a due job with a conditional UPDATE, so however many workers run, each
    run of a job is enqueued once."""

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
