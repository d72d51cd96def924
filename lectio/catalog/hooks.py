"""What happens after catalog publishes something, registered by the apps above it:
learning moves the people following a republished learning path; assignments asks people
who completed an earlier version of a course to complete a major revision again. Catalog
calls them after commit with primary keys; it never imports those apps."""

from collections.abc import Callable

PathPublished = Callable[[int], None]
MajorRevision = Callable[[int, int], None]
_path_published: list[PathPublished] = []
_major_revision: list[MajorRevision] = []


def on_path_published(hook: PathPublished) -> PathPublished:
    """Register ``hook(path_id)``, called after a learning path's publish commits."""
    if hook not in _path_published:
        _path_published.append(hook)
    return hook


def path_published(path_id: int) -> None:
    for hook in list(_path_published):
        hook(path_id)


def on_major_revision(hook: MajorRevision) -> MajorRevision:
    """Register ``hook(course_id, version_id)``, called after a major revision's publish
    commits; usable as a decorator."""
    if hook not in _major_revision:
        _major_revision.append(hook)
    return hook


def major_revision(course_id: int, version_id: int) -> None:
    for hook in list(_major_revision):
        hook(course_id, version_id)
