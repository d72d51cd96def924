"""What happens after people join, move or change, registered by the apps that care
(assignments give new hires their onboarding). Accounts calls them after commit with the
ids of the people concerned; it never imports those apps.

Calls made during one transaction are gathered and delivered once when it commits, so an
import of a thousand rows makes one call, not a thousand."""

import threading
from collections.abc import Callable, Iterable

from django.db import transaction

PeopleChanged = Callable[[list[int]], None]
_people_changed: list[PeopleChanged] = []
_pending = threading.local()


def on_people_changed(hook: PeopleChanged) -> PeopleChanged:
    """Register ``hook(person_ids)``; usable as a decorator."""
    if hook not in _people_changed:
        _people_changed.append(hook)
    return hook


def people_changed(person_ids: Iterable[int]) -> None:
    """Announce, after the current transaction commits, that these people changed."""
    pending: set[int] = getattr(_pending, "ids", set())
    pending.update(person_ids)
    _pending.ids = pending
    transaction.on_commit(_deliver)


def _deliver() -> None:
    ids = sorted(getattr(_pending, "ids", set()))
    _pending.ids = set()
    if ids:
        for hook in list(_people_changed):
            hook(ids)


PersonCreated = Callable[[int], None]
_person_created: list[PersonCreated] = []


def on_person_created(hook: PersonCreated) -> PersonCreated:
    """Register ``hook(person_id)``, called after a new person's creation commits (the
    API's ``user.created`` webhook)."""
    if hook not in _person_created:
        _person_created.append(hook)
    return hook


def person_created(person_id: int) -> None:
    """Announce, after the current transaction commits, that this person was created."""
    transaction.on_commit(lambda: _deliver_created(person_id))


def _deliver_created(person_id: int) -> None:
    for hook in list(_person_created):
        hook(person_id)
