"""Enrolments (read, create, change the access window, withdraw), lesson progress and
completions. Writes are the administrators' (as on the pages) and go through
``learning.services``."""

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.params.functions import Header as header_param
from ninja.params.functions import Query as query_param

from lectio.accounts.models import User
from lectio.accounts.permissions import is_administrator
from lectio.api.models import Scope
from lectio.api.v1 import idempotency, scope
from lectio.api.v1.auth import actor, deny
from lectio.api.v1.errors import ERRORS, WRITE_ERRORS, ApiError, visible_one
from lectio.api.v1.filters import Since
from lectio.api.v1.pagination import DEFAULT_LIMIT, MAX_LIMIT, page
from lectio.api.v1.schemas import (
    AccessIn,
    CompletionOut,
    EnrollmentCreated,
    EnrollmentIn,
    EnrollmentOut,
    Id,
    LessonProgressOut,
    WithdrawIn,
    page_of,
)
from lectio.assignments.models import Obligation
from lectio.catalog.models import Course
from lectio.learning import services as learning
from lectio.learning.models import CourseCompletion, Enrollment, LessonProgress

router = Router(tags=["enrolments"])
EnrollmentPage = page_of(EnrollmentOut, "EnrollmentPage")
CompletionPage = page_of(CompletionOut, "CompletionPage")
EnrollmentStatus = Literal["not_started", "in_progress", "completed"]


def person_ref(user: User) -> dict[str, Any]:
    return {"id": user.pk, "email": user.email, "full_name": user.full_name}


def course_ref(course: Course) -> dict[str, Any]:
    return {"id": course.pk, "title": course.title}


def enrollment_out(enrollment: Enrollment) -> dict[str, Any]:
    if enrollment.completed_at is not None:
        status = "completed"
    elif enrollment.last_activity_at is not None:
        status = "in_progress"
    else:
        status = "not_started"
    return {
        "id": enrollment.pk,
        "person": person_ref(enrollment.user),
        "course": course_ref(enrollment.course),
        "source": enrollment.source,
        "status": status,
        "enrolled_at": enrollment.enrolled_at,
        "access_starts_at": enrollment.access_starts_at,
        "access_ends_at": enrollment.access_ends_at,
        "due_at": enrollment.due_at,
        "mandatory": enrollment.mandatory,
        "progress_percent": enrollment.progress_percent,
        "last_activity_at": enrollment.last_activity_at,
        "completed_at": enrollment.completed_at,
        "cycle": enrollment.cycle,
    }


def _visible(user: User) -> QuerySet[Enrollment]:
    return scope.rows_of_people(Enrollment.objects.select_related("user", "course"), user)


@router.get("/enrollments", response={200: EnrollmentPage, **ERRORS}, summary="List enrolments")
def list_enrollments(
    request: HttpRequest,
    since: Query[Since],
    cursor: str | None = None,
    limit: int = query_param(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    person: Id | None = None,
    course: Id | None = None,
    status: EnrollmentStatus | None = None,
) -> dict[str, Any]:
    """Enrolments of the people the token's person may see; ``since``/``until`` filter on
    the enrolment date."""
    user = actor(request, Scope.ENROLLMENTS_READ)
    found = _visible(user)
    if person is not None:
        found = found.filter(user_id=person)
    if course is not None:
        found = found.filter(course_id=course)
    if status == "completed":
        found = found.filter(completed_at__isnull=False)
    elif status == "in_progress":
        found = found.filter(completed_at__isnull=True, last_activity_at__isnull=False)
    elif status == "not_started":
        found = found.filter(completed_at__isnull=True, last_activity_at__isnull=True)
    found = since.apply(found, "enrolled_at")
    return page(found, cursor, limit, enrollment_out)


def _enrollment(user: User, enrollment_id: int) -> Enrollment:
    found = visible_one(_visible(user), enrollment_id)
    return found


@router.get(
    "/enrollments/{int:enrollment_id}",
    response={200: EnrollmentOut, **ERRORS},
    summary="Get an enrolment",
)
def get_enrollment(request: HttpRequest, enrollment_id: Id) -> dict[str, Any]:
    user = actor(request, Scope.ENROLLMENTS_READ)
    return enrollment_out(_enrollment(user, enrollment_id))


@router.post(
    "/enrollments",
    response={200: EnrollmentCreated, 201: EnrollmentCreated, **WRITE_ERRORS},
    summary="Enrol a person",
)
def create_enrollment(
    request: HttpRequest,
    payload: EnrollmentIn,
    idempotency_key: str | None = header_param(None, alias="Idempotency-Key"),
) -> Status[dict[str, Any]]:
    """Enrol a person in a published course (administrators). An existing enrolment is
    kept and returned with 200 (``created`` false); a due date merges as on the pages.
    Send an ``Idempotency-Key`` to make retries safe."""
    user = actor(request, Scope.ENROLLMENTS_WRITE)
    if not is_administrator(user):
        raise deny()

    def create() -> tuple[int, dict[str, Any]]:
        person = scope.people(user).filter(pk=payload.person).first()
        course = Course.objects.select_related("live_version").filter(pk=payload.course).first()
        fields: dict[str, list[str]] = {}
        if person is None:
            fields["person"] = [_("No such person.")]
        if course is None:
            fields["course"] = [_("No such course.")]
        if fields or person is None or course is None:
            raise ApiError(422, "invalid", _("Some fields are not valid."), fields)
        existed = Enrollment.objects.filter(user=person, course=course).exists()
        learning.enroll_people(course, [person], due_on=payload.due_on, mandatory=payload.mandatory)
        enrollment = Enrollment.objects.select_related("user", "course").get(
            user=person, course=course
        )
        body = {"created": not existed, "enrollment": enrollment_out(enrollment)}
        return (200 if existed else 201), body

    status, body = idempotency.run(request, payload.model_dump(mode="json"), create)
    return Status(status, body)


@router.patch(
    "/enrollments/{int:enrollment_id}/access",
    response={200: EnrollmentOut, **WRITE_ERRORS},
    summary="Change an enrolment's access window",
)
def change_access(request: HttpRequest, enrollment_id: Id, payload: AccessIn) -> dict[str, Any]:
    """Extend or shorten the access window (administrators); the change is recorded with
    its reason. Both dates are required (null: no limit on that side)."""
    user = actor(request, Scope.ENROLLMENTS_WRITE)
    enrollment = _enrollment(user, enrollment_id)
    if not is_administrator(user):
        raise deny()
    try:
        learning.change_access(
            enrollment,
            starts_at=payload.access_starts_at,
            ends_at=payload.access_ends_at,
            by=user,
            reason=payload.reason,
        )
    except ValidationError as exc:
        # The service names its arguments; the API names its fields.
        names = {"starts_at": "access_starts_at", "ends_at": "access_ends_at"}
        raise ValidationError(
            {names.get(field, field): messages for field, messages in exc.message_dict.items()}
        ) from exc
    enrollment.refresh_from_db()
    return enrollment_out(enrollment)


@router.post(
    "/enrollments/{int:enrollment_id}/withdraw",
    response={200: EnrollmentOut, **WRITE_ERRORS},
    summary="Withdraw a person from a course",
)
def withdraw(request: HttpRequest, enrollment_id: Id, payload: WithdrawIn) -> dict[str, Any]:
    """Access ends now; the record, progress and certificates stay (administrators). A
    person who still owes the course under an assignment is exempted first (409)."""
    user = actor(request, Scope.ENROLLMENTS_WRITE)
    enrollment = _enrollment(user, enrollment_id)
    if not is_administrator(user):
        raise deny()
    owed = (
        Obligation.objects.current()
        .filter(enrollment=enrollment, status__in=["not_started", "in_progress", "overdue"])
        .exists()
    )
    if owed:
        raise ApiError(
            409,
            "assigned",
            _("This course is assigned to the person: exempt them from it first."),
        )
    learning.withdraw(enrollment, by=user, reason=payload.reason)
    enrollment.refresh_from_db()
    return enrollment_out(enrollment)


@router.get(
    "/enrollments/{int:enrollment_id}/lessons",
    response={200: list[LessonProgressOut], **ERRORS},
    summary="Lesson progress of an enrolment",
)
def lesson_progress(request: HttpRequest, enrollment_id: Id) -> list[dict[str, Any]]:
    user = actor(request, Scope.ENROLLMENTS_READ)
    enrollment = _enrollment(user, enrollment_id)
    rows = LessonProgress.objects.filter(enrollment=enrollment).select_related("lesson")
    return [
        {
            "lesson": {"id": row.lesson_id, "title": row.lesson.title},
            "status": row.status,
            "percent": row.percent,
            "completed_at": row.completed_at,
            "active_seconds": row.active_seconds,
            "watched_seconds": row.watched_seconds,
        }
        for row in rows.order_by("lesson__module__position", "lesson__position", "pk")
    ]


def completion_out(completion: CourseCompletion) -> dict[str, Any]:
    enrollment = completion.enrollment
    return {
        "id": completion.pk,
        "enrollment_id": enrollment.pk,
        "person": person_ref(enrollment.user),
        "course": course_ref(enrollment.course),
        "cycle": completion.cycle,
        "completed_at": completion.completed_at,
        "version": completion.version,
    }


@router.get(
    "/completions", response={200: CompletionPage, **ERRORS}, summary="List course completions"
)
def list_completions(
    request: HttpRequest,
    since: Query[Since],
    cursor: str | None = None,
    limit: int = query_param(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    person: Id | None = None,
    course: Id | None = None,
) -> dict[str, Any]:
    """Every completed cycle (recertifications too); ``since``/``until`` filter on the
    completion time."""
    user = actor(request, Scope.ENROLLMENTS_READ)
    found = scope.rows_of_people(
        CourseCompletion.objects.select_related("enrollment__user", "enrollment__course"),
        user,
        "enrollment__user",
    )
    if person is not None:
        found = found.filter(enrollment__user_id=person)
    if course is not None:
        found = found.filter(enrollment__course_id=course)
    found = since.apply(found, "completed_at")
    return page(found, cursor, limit, completion_out)
