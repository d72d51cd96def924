"""A document (PDF) read page by page.

``content["asset"]`` is the key of the uploaded file; the assets app knows its state.
"""

from typing import Any

from django.utils.translation import gettext as _

from lectio.catalog import kinds

ContentForm = kinds.DownloadForm


def snapshot(content: dict[str, Any]) -> dict[str, Any]:
    return {**kinds.media_snapshot(content), "download": bool(content.get("download", True))}


def problems(content: dict[str, Any]) -> list[str]:
    return kinds.media_problems(content, _("The document is not uploaded yet."))
