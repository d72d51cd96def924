"""The webhook events: each hook a lower app announces becomes an event payload for the
endpoints subscribed to it. Hooks run after the change has committed; a failure here is
logged and never spoils the request or task that caused the event."""

import logging
from collections.abc import Callable
from typing import Any

from lectio.accounts import hooks as accounts_hooks
from lectio.accounts.models import User
from lectio.api import services
from lectio.api.models import Event
from lectio.assignments import hooks as assignments_hooks
from lectio.assignments.models import Obligation
from lectio.certificates import hooks as certificates_hooks
from lectio.certificates.models import Certificate
from lectio.learning import hooks as learning_hooks
from lectio.learning.models import Enrollment, LessonProgress

logger = logging.getLogger(__name__)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _person(user: User) -> dict[str, Any]:
    return {"id": user.pk, "email": user.email, "full_name": user.full_name}


def _enrollment(enrollment: Enrollment) -> dict[str, Any]:
    return {
        "id": enrollment.pk,
        "person": _person(enrollment.user),
        "course": {"id": enrollment.course_id, "title": enrollment.course.title},
        "source": enrollment.source,
        "enrolled_at": _iso(enrollment.enrolled_at),
        "access_starts_at": _iso(enrollment.access_starts_at),
        "access_ends_at": _iso(enrollment.access_ends_at),
        "completed_at": _iso(enrollment.completed_at),
        "progress_percent": enrollment.progress_percent,
    }


def _guarded(event: str, build: Callable[..., list[dict[str, Any]]]) -> Callable[..., None]:
    def hook(*args: Any) -> None:
        try:
            if event not in services.subscribed_endpoints():
                return  # nobody listens: no query
            for data in build(*args):
                services.emit(event, data)
        except Exception:
            logger.exception("Webhook event %s not queued for %s", event, args)

    hook.__name__ = f"webhook_{event.replace('.', '_')}"
    return hook


def enrollment_created(enrollment_id: int) -> list[dict[str, Any]]:
    found = Enrollment.objects.select_related("user", "course").filter(pk=enrollment_id).first()
    return [{"enrollment": _enrollment(found)}] if found else []


def course_completed(enrollment_id: int) -> list[dict[str, Any]]:
    found = Enrollment.objects.select_related("user", "course").filter(pk=enrollment_id).first()
    return [{"enrollment": _enrollment(found)}] if found else []


def lesson_completed(progress_id: int) -> list[dict[str, Any]]:
    found = (
        LessonProgress.objects.select_related("enrollment__user", "enrollment__course", "lesson")
        .filter(pk=progress_id)
        .first()
    )
    if found is None:
        return []
    return [
        {
            "lesson": {"id": found.lesson_id, "title": found.lesson.title},
            "completed_at": _iso(found.completed_at),
            "enrollment": _enrollment(found.enrollment),
        }
    ]


def obligations_overdue(obligation_ids: list[int]) -> list[dict[str, Any]]:
    found = Obligation.objects.select_related("user", "course").filter(pk__in=obligation_ids)
    return [
        {
            "obligation": {
                "id": o.pk,
                "person": _person(o.user),
                "course": {"id": o.course_id, "title": o.course.title},
                "status": o.status,
                "due_at": _iso(o.due_at),
                "mandatory": o.mandatory,
            }
        }
        for o in found
    ]


def certificate_issued(certificate_id: int) -> list[dict[str, Any]]:
    found = Certificate.objects.select_related("user").filter(pk=certificate_id).first()
    if found is None:
        return []
    return [
        {
            "certificate": {
                "id": found.pk,
                "code": found.display_code,
                "person": _person(found.user),
                "course_id": found.course_id,
                "path_id": found.path_id,
                "title": found.course_title,
                "completed_at": _iso(found.completed_at),
                "issued_at": _iso(found.issued_at),
                "expires_at": _iso(found.expires_at),
                "replaces": found.replaces_id,
            }
        }
    ]


def person_created(person_id: int) -> list[dict[str, Any]]:
    found = User.objects.select_related("department").filter(pk=person_id).first()
    if found is None:
        return []
    person = _person(found) | {
        "department": found.department.code if found.department else None,
        "employee_id": found.employee_id,
        "external_id": found.external_id,
        "language": found.language,
        "time_zone": found.time_zone,
    }
    return [{"person": person}]


def register() -> None:
    learning_hooks.on_enrollment_created(_guarded(Event.ENROLLMENT_CREATED, enrollment_created))
    learning_hooks.on_lesson_completed(_guarded(Event.LESSON_COMPLETED, lesson_completed))
    learning_hooks.on_course_completed(_guarded(Event.COURSE_COMPLETED, course_completed))
    assignments_hooks.on_obligations_overdue(
        _guarded(Event.ASSIGNMENT_OVERDUE, obligations_overdue)
    )
    certificates_hooks.on_certificate_issued(_guarded(Event.CERTIFICATE_ISSUED, certificate_issued))
    accounts_hooks.on_person_created(_guarded(Event.USER_CREATED, person_created))
