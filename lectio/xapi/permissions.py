"""Who may manage LRS clients: administrators. Default deny.

Requests to the xAPI resources themselves are authorised by the client's scopes
(``LRSClient.has_scope``), not by a signed-in person.
"""

from typing import Any

from lectio.accounts.permissions import is_administrator


def can_manage_lrs_clients(user: Any) -> bool:
    return is_administrator(user)
