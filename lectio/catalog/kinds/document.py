"""A document (PDF) read page by page.

The media pipeline (app `assets`) fills ``content["asset"]`` when a file is ready.
"""

from typing import Any

from django.utils.translation import gettext as _

ContentForm = None


def snapshot(content: dict[str, Any]) -> dict[str, Any]:
    return {"asset": content.get("asset")}


def problems(content: dict[str, Any]) -> list[str]:
    return [] if content.get("asset") else [_("The document is not uploaded yet.")]
