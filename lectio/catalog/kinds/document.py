"""A document (PDF) read page by page.

``content["asset"]`` is the key of the uploaded file; the assets app knows its state.
"""

from typing import Any

from django.utils.translation import gettext as _

from lectio.catalog import kinds

ContentForm = kinds.DownloadForm


snapshot = kinds.document_snapshot


def problems(content: dict[str, Any]) -> list[str]:
    return kinds.media_problems(content, _("The document is not uploaded yet."))
