"""A SCORM or cmi5 package.

The package itself (upload, checks, runtime) is the scorm app's, which sits above catalog:
it provides the facts about the lesson's package at start-up (``provide_package_facts``),
as assets provides media facts. The lesson's content is ``{"package": key}``.
"""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

ContentForm = None

# The package's structure for learners by its key (None when there is no such package).
PackageFacts = Callable[[str], dict[str, Any] | None]
_package_facts: list[PackageFacts] = []


def provide_package_facts(source: PackageFacts) -> None:
    _package_facts[:] = [source]


def package_facts(key: str | None) -> dict[str, Any] | None:
    if not key or not _package_facts:
        return None
    return _package_facts[0](str(key))


def snapshot(content: dict[str, Any]) -> dict[str, Any]:
    facts = package_facts(content.get("package")) or {}
    return {"package": content.get("package"), **facts}


def problems(content: dict[str, Any]) -> list[str]:
    if package_facts(content.get("package")) is None:
        return [_("Upload a SCORM or cmi5 package (a zip file) for this lesson.")]
    return []
