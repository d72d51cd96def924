"""Lesson kinds. Each module has the same shape:

- ``ContentForm``: the author's form for the kind's own content (or None);
- ``snapshot(content) -> dict``: what learners get in the published outline;
- ``problems(content) -> list[str]``: why the lesson cannot be published yet.

Adding a kind means copying one of these modules and registering it below.
"""

from types import ModuleType

from lectio.catalog.kinds import document, package, page, presentation, quiz, video

KINDS: dict[str, ModuleType] = {
    "video": video,
    "document": document,
    "presentation": presentation,
    "page": page,
    "quiz": quiz,
    "package": package,
}


def kind(name: str) -> ModuleType:
    return KINDS[name]
