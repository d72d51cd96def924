"""Lesson kinds. Each module has the same shape:

- ``ContentForm``: the author's form for the kind's own content (or None);
- ``snapshot(content) -> dict``: what learners get in the published outline;
- ``problems(content) -> list[str]``: why the lesson cannot be published yet.

Adding a kind means copying one of these modules and registering it below.
"""

from collections.abc import Callable
from types import ModuleType
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

# Facts about an uploaded file by its key (status, duration, pages…). The assets app
# provides them at start-up; catalog cannot import it (it sits below assets).
MediaFacts = Callable[[str], dict[str, Any] | None]
_media_facts: list[MediaFacts] = []


def provide_media_facts(source: MediaFacts) -> None:
    _media_facts[:] = [source]


def media_facts(key: str | None) -> dict[str, Any] | None:
    if not key or not _media_facts:
        return None
    return _media_facts[0](key)


class DownloadForm(forms.Form):
    """The content form of documents and slide decks."""

    download = forms.BooleanField(
        label=gettext_lazy("Learners may download the file"), required=False, initial=True
    )
    min_minutes = forms.IntegerField(
        label=gettext_lazy("Minimum reading time (minutes)"),
        required=False,
        min_value=0,
        max_value=600,
        help_text=gettext_lazy(
            "Besides seeing every page, the learner must spend this long on the document "
            "(active time only). Leave empty for no minimum."
        ),
    )


def document_snapshot(content: dict[str, Any]) -> dict[str, Any]:
    """What learners get of a document or slide deck."""
    return {
        **media_snapshot(content),
        "download": bool(content.get("download", True)),
        "min_seconds": int(content.get("min_minutes") or 0) * 60,
    }


def media_snapshot(content: dict[str, Any]) -> dict[str, Any]:
    """What learners get of a media lesson: the file's key and its public facts."""
    facts = media_facts(content.get("asset")) or {}
    return {"asset": content.get("asset"), **facts.get("public", {})}


def media_problems(content: dict[str, Any], missing: str) -> list[str]:
    """Why a media lesson cannot be published: no file (``missing``), or not processed."""
    from django.utils.translation import gettext as _

    facts = media_facts(content.get("asset"))
    if facts is None:
        return [missing]
    if facts["status"] == "failed":
        return [_("Processing the file failed; try again or upload another file.")]
    if facts["status"] != "ready":
        return [_("The file is still being processed.")]
    return []


from lectio.catalog.kinds import (  # noqa: E402
    attestation,
    document,
    package,
    page,
    presentation,
    quiz,
    video,
)

KINDS: dict[str, ModuleType] = {
    "video": video,
    "document": document,
    "presentation": presentation,
    "page": page,
    "quiz": quiz,
    "package": package,
    "attestation": attestation,
}


def kind(name: str) -> ModuleType:
    return KINDS[name]
