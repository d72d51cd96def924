"""Background work of the scorm app (runs in `lectio worker`)."""

from django_tasks import task

from lectio.scorm import cmi5_services


@task()
def abandon_cmi5_sessions() -> int:
    """cmi5 sessions left open (no statement for LECTIO_CMI5_ABANDON_SECONDS, no
    terminated) get the ``abandoned`` statement."""
    return cmi5_services.abandon_stale()
