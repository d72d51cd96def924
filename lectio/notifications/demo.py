"""Demo e-mail: a welcome message to each demo sign-in account, so the outbox has something
to show (in demo mode e-mail is printed by the worker). Idempotent, as notify is."""

from typing import TextIO

from lectio.accounts.models import User
from lectio.notifications import services

ACCOUNTS = ["admin", "instructor", "manager", "learner"]


def populate(out: TextIO) -> None:
    people = User.objects.filter(email__in=[f"{name}@example.com" for name in ACCOUNTS])
    for person in people:
        services.notify(
            person,
            kind="notifications.welcome",
            key=f"welcome:{person.pk}",
            template="welcome",
            context={},
            mandatory=False,
        )
    out.write(f"E-mail: a welcome message to each of the {len(people)} demo accounts.\n")
