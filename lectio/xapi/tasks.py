"""Background work of the LRS (runs in `lectio worker`)."""

from django_tasks import task

from lectio.xapi import forwarding


@task()
def forward_statements() -> int:
    """Forward stored statements to the external LRSs configured (every minute)."""
    return forwarding.forward_due()
