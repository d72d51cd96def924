"""What happens after catalog publishes something, registered by the apps above it
(learning moves the people following a republished learning path). Catalog calls them
after commit with the primary key; it never imports those apps."""

from collections.abc import Callable

PathPublished = Callable[[int], None]
_path_published: list[PathPublished] = []


def on_path_published(hook: PathPublished) -> PathPublished:
    """Register ``hook(path_id)``, called after a learning path's publish commits."""
    if hook not in _path_published:
        _path_published.append(hook)
    return hook


def path_published(path_id: int) -> None:
    for hook in list(_path_published):
        hook(path_id)
