"""What happens after a course is published as a major revision, registered by the apps
that care (assignments asks people who completed an earlier version to complete it
again). Catalog calls them after commit; it never imports those apps."""

from collections.abc import Callable

MajorRevision = Callable[[int, int], None]
_major_revision: list[MajorRevision] = []


def on_major_revision(hook: MajorRevision) -> MajorRevision:
    """Register ``hook(course_id, version_id)``; usable as a decorator."""
    if hook not in _major_revision:
        _major_revision.append(hook)
    return hook


def major_revision(course_id: int, version_id: int) -> None:
    for hook in list(_major_revision):
        hook(course_id, version_id)
