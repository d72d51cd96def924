"""Bearer tokens: who is asking, with which scopes, and how often.

Each request with ``Authorization: Bearer <token>`` costs one indexed query for the token
and its person (and at most one write a minute to record its use). Each token may make
``LECTIO_API_RATE_LIMIT`` requests a minute (a fixed window in the cache); past that the
answer is 429 with ``Retry-After``. The token itself is never logged."""

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security.http import HttpBearer

from lectio.accounts.models import User
from lectio.api import services
from lectio.api.models import ApiToken
from lectio.api.v1.errors import ApiError

WINDOW_SECONDS = 60


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> Any:
        # Not ninja's own __call__, which may log the header it could not read.
        scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = services.token_for(token)
        if found is None:
            return None
        rate_limit(found)
        return found


def rate_limit(token: ApiToken) -> None:
    limit = settings.LECTIO_API_RATE_LIMIT
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"api:rate:{token.pk}:{window}"
    cache.add(key, 0, WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS + 5)
        count = 1
    if count > limit:
        retry = max(1, int((window + 1) * WINDOW_SECONDS - now) + 1)
        raise ApiError(
            429,
            "rate_limited",
            _("Too many requests: at most %(limit)s a minute for this token.") % {"limit": limit},
            headers={"Retry-After": str(retry)},
        )


def token_of(request: HttpRequest) -> ApiToken:
    token = getattr(request, "auth", None)
    assert isinstance(token, ApiToken)
    return token


def actor(request: HttpRequest, scope: str) -> User:
    """The token's person, once the token is known to carry ``scope`` (else 403)."""
    token = token_of(request)
    if scope not in token.scopes:
        raise ApiError(
            403,
            "insufficient_scope",
            _("This token lacks the scope %(scope)s.") % {"scope": scope},
        )
    return token.user


def deny() -> ApiError:
    return ApiError(403, "forbidden", _("You may not do this."))
