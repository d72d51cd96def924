"""What happens when obligations change status on their own (a due date passes),
registered by the apps above (the API's ``assignment.overdue`` webhook). Assignments calls
them after commit with primary keys; it never imports those apps."""

from collections.abc import Callable

ObligationsOverdue = Callable[[list[int]], None]
_obligations_overdue: list[ObligationsOverdue] = []


def on_obligations_overdue(hook: ObligationsOverdue) -> ObligationsOverdue:
    """Register ``hook(obligation_ids)``, called after obligations became overdue."""
    if hook not in _obligations_overdue:
        _obligations_overdue.append(hook)
    return hook


def obligations_overdue(obligation_ids: list[int]) -> None:
    for hook in list(_obligations_overdue):
        hook(obligation_ids)
