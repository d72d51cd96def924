"""Cursor pagination: stable order by primary key; the cursor is opaque (and checked)."""

import base64
import binascii
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from lectio.api.v1.errors import ApiError

M = TypeVar("M", bound=Model)
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode(pk: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{pk}".encode()).decode().rstrip("=")


def decode(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, pk = raw.split(":", 1)
        if version != "v1" or not pk.isdigit():
            raise ValueError(raw)
        return int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError(
            422,
            "invalid",
            _("Some fields are not valid."),
            {"cursor": [_("Not a cursor from this API; use next_cursor as given.")]},
        ) from exc


def page(
    queryset: "QuerySet[M]",
    cursor: str | None,
    limit: int,
    serialize: Callable[[M], dict[str, Any]],
) -> dict[str, Any]:
    """One page of ``queryset`` in primary-key order, with the cursor of the next (one
    query: a row more than asked tells whether there is more)."""
    queryset = queryset.order_by("pk")
    if cursor:
        queryset = queryset.filter(pk__gt=decode(cursor))
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [serialize(row) for row in rows],
        "next_cursor": encode(rows[-1].pk) if more and rows else None,
    }
