"""Assignments (read, create) and each person's obligation (read, exempt), through
``assignments.services`` with the same rules as the pages: administrators assign to
anyone, managers to the people and departments they manage."""

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.params.functions import Header as header_param
from ninja.params.functions import Query as query_param

from lectio.accounts.models import Department, Group, User
from lectio.accounts.permissions import is_administrator
from lectio.api.models import Scope
from lectio.api.v1 import idempotency, scope
from lectio.api.v1.auth import actor, deny
from lectio.api.v1.enrolments import course_ref, person_ref
from lectio.api.v1.errors import ERRORS, WRITE_ERRORS, ApiError, visible_one
from lectio.api.v1.filters import Since
from lectio.api.v1.pagination import DEFAULT_LIMIT, MAX_LIMIT, page
from lectio.api.v1.schemas import (
    AssignmentCreated,
    AssignmentIn,
    AssignmentOut,
    ExemptIn,
    Id,
    ObligationOut,
    page_of,
)
from lectio.assignments import permissions, services
from lectio.assignments.models import Assignment, Obligation

router = Router(tags=["assignments"])
AssignmentPage = page_of(AssignmentOut, "AssignmentPage")
ObligationPage = page_of(ObligationOut, "ObligationPage")
ObligationStatus = Literal[
    "not_started", "in_progress", "completed", "overdue", "expired", "exempt"
]


def assignment_out(assignment: Assignment) -> dict[str, Any]:
    return {
        "id": assignment.pk,
        "course_id": assignment.course_id,
        "path_id": assignment.path_id,
        "title": assignment.title,
        "due": assignment.due,
        "due_on": assignment.due_on,
        "due_days": assignment.due_days,
        "mandatory": assignment.mandatory,
        "people": [p.pk for p in assignment.people.all()],
        "departments": [d.pk for d in assignment.departments.all()],
        "groups": [g.pk for g in assignment.groups.all()],
        "created_by_id": assignment.created_by_id,
        "created_at": assignment.created_at,
        "ended_at": assignment.ended_at,
    }


def _assignments(user: User) -> Any:
    if not permissions.can_assign(user):
        raise deny()
    found = Assignment.objects.select_related("course", "path").prefetch_related(
        "people", "departments", "groups"
    )
    return found if is_administrator(user) else found.filter(created_by=user)


@router.get("/assignments", response={200: AssignmentPage, **ERRORS}, summary="List assignments")
def list_assignments(
    request: HttpRequest,
    since: Query[Since],
    cursor: str | None = None,
    limit: int = query_param(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    course: Id | None = None,
) -> dict[str, Any]:
    """Every assignment for administrators, their own for managers; ``since``/``until``
    filter on the creation time."""
    user = actor(request, Scope.ASSIGNMENTS_READ)
    found = _assignments(user)
    if course is not None:
        found = found.filter(course_id=course)
    return page(since.apply(found, "created_at"), cursor, limit, assignment_out)


@router.get(
    "/assignments/{int:assignment_id}",
    response={200: AssignmentOut, **ERRORS},
    summary="Get an assignment",
)
def get_assignment(request: HttpRequest, assignment_id: Id) -> dict[str, Any]:
    user = actor(request, Scope.ASSIGNMENTS_READ)
    found = visible_one(_assignments(user), assignment_id)
    return assignment_out(found)


def _resolve(queryset: Any, ids: list[int], field: str, fields: dict[str, list[str]]) -> list[Any]:
    wanted = set(ids)
    found = list(queryset.filter(pk__in=wanted))
    missing = sorted(wanted - {row.pk for row in found})
    if missing:
        fields[field] = [
            _("Unknown or not yours: %(ids)s.") % {"ids": ", ".join(map(str, missing))}
        ]
    return found


@router.post(
    "/assignments",
    response={201: AssignmentCreated, **WRITE_ERRORS},
    summary="Assign a course or learning path",
)
def create_assignment(
    request: HttpRequest,
    payload: AssignmentIn,
    idempotency_key: str | None = header_param(None, alias="Idempotency-Key"),
) -> Status[dict[str, Any]]:
    """Assign a published course or path to people, departments (with their subtrees)
    and groups. Managers assign within their own team only. Send an ``Idempotency-Key``
    to make retries safe."""
    user = actor(request, Scope.ASSIGNMENTS_WRITE)
    if not permissions.can_assign(user):
        raise deny()

    def create() -> tuple[int, dict[str, Any]]:
        fields: dict[str, list[str]] = {}
        courses = scope.courses(user).filter(status="published")
        course = path = None
        if payload.course is not None:
            course = courses.filter(pk=payload.course).first()
            if course is None:
                fields["course"] = [_("No such published course.")]
        if payload.path is not None:
            path = scope.paths(user).filter(pk=payload.path, status="published").first()
            if path is None:
                fields["path"] = [_("No such published learning path.")]
        people = _resolve(scope.people(user), payload.people, "people", fields)
        departments = _resolve(scope.departments(user), payload.departments, "departments", fields)
        groups_seen = Group.objects.all() if is_administrator(user) else Group.objects.none()
        groups = _resolve(groups_seen, payload.groups, "groups", fields)
        if fields:
            raise ApiError(422, "invalid", _("Some fields are not valid."), fields)
        assignment, reached = services.create_assignment(
            course,
            path=path,
            by=user,
            people=people,
            departments=departments,
            groups=groups,
            due=payload.due,
            due_on=payload.due_on,
            due_days=payload.due_days,
            mandatory=payload.mandatory,
        )
        fresh = _assignments(user).get(pk=assignment.pk)
        return 201, {"reached": reached, "assignment": assignment_out(fresh)}

    status, body = idempotency.run(request, payload.model_dump(mode="json"), create)
    return Status(status, body)


def obligation_out(obligation: Obligation) -> dict[str, Any]:
    return {
        "id": obligation.pk,
        "person": person_ref(obligation.user),
        "course": course_ref(obligation.course),
        "enrollment_id": obligation.enrollment_id,
        "cycle": obligation.cycle,
        "status": obligation.status_at(),
        "mandatory": obligation.mandatory,
        "assigned_at": obligation.assigned_at,
        "due_at": obligation.due_at,
        "started_at": obligation.started_at,
        "completed_at": obligation.completed_at,
        "expires_at": obligation.expires_at,
        "exempt_reason": obligation.exempt_reason,
    }


def _obligations(user: User) -> Any:
    return scope.rows_of_people(Obligation.objects.select_related("user", "course"), user)


@router.get(
    "/obligations",
    response={200: ObligationPage, **ERRORS},
    summary="List assigned training per person (status and due dates)",
)
def list_obligations(
    request: HttpRequest,
    due: Query[Since],
    cursor: str | None = None,
    limit: int = query_param(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    person: Id | None = None,
    course: Id | None = None,
    department: Id | None = None,
    status: ObligationStatus | None = None,
    current: bool = True,
) -> dict[str, Any]:
    """Each person's duty to complete a course, for the people the token's person may see;
    ``since``/``until`` filter on the due date; ``current`` false includes earlier cycles."""
    user = actor(request, Scope.ASSIGNMENTS_READ)
    found = _obligations(user)
    if current:
        found = found.filter(superseded_at__isnull=True)
    if person is not None:
        found = found.filter(user_id=person)
    if course is not None:
        found = found.filter(course_id=course)
    if department is not None:
        team = User.objects.in_departments(Department.objects.filter(pk=department))
        found = found.filter(user__in=team.values("pk"))
    if status is not None:
        found = found.filter(status=status)
    return page(due.apply(found, "due_at"), cursor, limit, obligation_out)


@router.get(
    "/obligations/{int:obligation_id}",
    response={200: ObligationOut, **ERRORS},
    summary="Get a person's assigned training",
)
def get_obligation(request: HttpRequest, obligation_id: Id) -> dict[str, Any]:
    user = actor(request, Scope.ASSIGNMENTS_READ)
    found = visible_one(_obligations(user), obligation_id)
    return obligation_out(found)


@router.post(
    "/obligations/{int:obligation_id}/exempt",
    response={200: ObligationOut, **WRITE_ERRORS},
    summary="Exempt a person from assigned training",
)
def exempt(request: HttpRequest, obligation_id: Id, payload: ExemptIn) -> dict[str, Any]:
    """Administrators, and managers for their own team (not themselves); with a reason."""
    user = actor(request, Scope.ASSIGNMENTS_WRITE)
    found = visible_one(_obligations(user), obligation_id)
    if not permissions.can_manage_obligation(user, found):
        raise deny()
    services.exempt(found, by=user, reason=payload.reason)
    found.refresh_from_db()
    return obligation_out(found)
