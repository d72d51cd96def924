"""Who may do what with people, departments and groups. Default deny.

Plain functions of the acting person (and the object), used by views, the API and
exports alike. Views declare theirs with ``@requires(...)``.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from lectio.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """The request of a view that only signed-in people reach (LoginRequiredMiddleware)."""

    user: User


def _active(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_administrator(user: Any) -> bool:
    return _active(user) and user.is_administrator


def is_instructor(user: Any) -> bool:
    return _active(user) and (user.is_instructor or user.is_administrator)


def can_manage_people(user: Any) -> bool:
    """Create, edit, deactivate, import and export people; edit departments and groups."""
    return is_administrator(user)


def can_view_people(user: Any) -> bool:
    """Open the people list: administrators see everyone, managers their team."""
    return _active(user) and (user.is_administrator or user.is_manager)


def can_view_person(viewer: Any, person: User) -> bool:
    if not _active(viewer):
        return False
    if viewer.pk == person.pk or viewer.is_administrator:
        return True
    return bool(viewer.is_manager) and User.objects.visible_to(viewer).filter(pk=person.pk).exists()


def requires(check: Callable[[Any], bool]) -> Callable[..., Any]:
    """View decorator: 403 unless ``check(request.user)`` holds."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.permission = check  # type: ignore[attr-defined]
        return wrapper

    return decorator
