"""A video lesson, transcoded to HLS by the media pipeline (app ``assets``).

``content["asset"]`` is the key of the uploaded file; the assets app knows its state.
"""

from typing import Any

from django.utils.translation import gettext as _

from lectio.catalog import kinds

ContentForm = None


def snapshot(content: dict[str, Any]) -> dict[str, Any]:
    return kinds.media_snapshot(content)


def problems(content: dict[str, Any]) -> list[str]:
    return kinds.media_problems(content, _("The video is not uploaded and processed yet."))
