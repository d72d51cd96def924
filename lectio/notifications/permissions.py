"""Who may do what with e-mail notifications. Default deny."""

from typing import Any

from lectio.accounts.permissions import is_administrator


def can_view_outbox(user: Any) -> bool:
    """The outbox, each message's log, retries and test e-mails: administrators."""
    return is_administrator(user)


def can_set_preferences(user: Any) -> bool:
    """Everyone signed in and active chooses which optional e-mails they get."""
    return bool(user.is_authenticated and user.is_active)
