"""Who may hold API tokens and manage webhooks. Default deny.

What a token may *read or write* is not decided here: every endpoint asks the same
``permissions.py`` functions and ``visible_to`` querysets as the pages do, for the token's
person, after checking the token's scope."""

from typing import Any

from lectio.accounts.permissions import is_administrator
from lectio.api.models import ApiToken


def can_have_tokens(user: Any) -> bool:
    """Make and revoke personal tokens for oneself: every active person."""
    return bool(user.is_authenticated and user.is_active)


def can_manage_tokens(user: Any) -> bool:
    """See every token, make service tokens, revoke any: administrators."""
    return is_administrator(user)


def can_revoke_token(user: Any, token: ApiToken) -> bool:
    return can_manage_tokens(user) or (can_have_tokens(user) and token.user_id == user.pk)


def can_manage_webhooks(user: Any) -> bool:
    return is_administrator(user)
