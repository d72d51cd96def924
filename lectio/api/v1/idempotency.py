"""``Idempotency-Key`` on creates: the same key and the same request give the same
response again (nothing is done twice); the same key with another request is refused.
Records are kept per token for 24 hours."""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from lectio.api.models import IdempotencyRecord
from lectio.api.v1.auth import token_of
from lectio.api.v1.errors import ApiError

HEADER = "Idempotency-Key"


def _fingerprint(request: HttpRequest, payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{canonical}".encode()).hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> tuple[int, dict[str, Any]]:
    if record.fingerprint != fingerprint:
        raise ApiError(
            422,
            "idempotency_key_reused",
            _("This Idempotency-Key was used for a different request."),
            {HEADER: [_("Use a new key for a different request.")]},
        )
    return record.status_code, record.body


def run(
    request: HttpRequest,
    payload: dict[str, Any],
    create: Callable[[], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any]]:
    key = request.headers.get(HEADER)
    if key is None:
        return create()
    if not 1 <= len(key) <= 255:
        raise ApiError(
            422,
            "invalid",
            _("Some fields are not valid."),
            {HEADER: [_("Use 1 to 255 characters.")]},
        )
    token = token_of(request)
    fingerprint = _fingerprint(request, payload)
    record = IdempotencyRecord.objects.filter(token=token, key=key).first()
    if record is not None:
        return _replay(record, fingerprint)
    try:
        # The create and its record commit together: a request that fails leaves no record.
        with transaction.atomic():
            status, body = create()
            body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
            IdempotencyRecord.objects.create(
                token=token, key=key, fingerprint=fingerprint, status_code=status, body=body
            )
    except IntegrityError:
        # The same key at the same moment: the first one's response, if it was this request.
        record = IdempotencyRecord.objects.filter(token=token, key=key).first()
        if record is None:
            raise
        return _replay(record, fingerprint)
    return status, body
