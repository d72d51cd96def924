"""What higher apps learn about statements stored in the LRS, without xapi importing them.

cmi5 (in the scorm app) registers a hook to see each AU's statements: it is called inside
the storing transaction with the statements just stored and the client that sent them,
and may raise ``django.core.exceptions.PermissionDenied`` (403, naming the rule) to refuse
the whole request, which then stores nothing. Likewise before a client changes or deletes
documents (cmi5 keeps AUs from changing LMS.LaunchData).
"""

from collections.abc import Callable
from typing import Any

from lectio.xapi.models import LRSClient

StatementsStored = Callable[[list[dict[str, Any]], LRSClient], None]
_statements_stored: list[StatementsStored] = []


def on_statements_stored(hook: StatementsStored) -> StatementsStored:
    """Register ``hook(statements, client)``; usable as a decorator."""
    if hook not in _statements_stored:
        _statements_stored.append(hook)
    return hook


def statements_stored(statements: list[dict[str, Any]], client: LRSClient) -> None:
    for hook in list(_statements_stored):
        hook(statements, client)


# hook(key, document_id, client): key is a services.DocumentKey; document_id is None when
# every document under the key is deleted.
DocumentChanging = Callable[[Any, str | None, LRSClient], None]
_document_changing: list[DocumentChanging] = []


def on_document_changing(hook: DocumentChanging) -> DocumentChanging:
    """Register ``hook(key, document_id, client)``; usable as a decorator."""
    if hook not in _document_changing:
        _document_changing.append(hook)
    return hook


def document_changing(key: Any, document_id: str | None, client: LRSClient) -> None:
    for hook in list(_document_changing):
        hook(key, document_id, client)
