"""People, departments and groups (read)."""

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import Query, Router
from ninja.params.functions import Query as query_param

from lectio.accounts.models import Department, Group, User
from lectio.accounts.permissions import can_manage_people, can_view_people
from lectio.api.models import Scope
from lectio.api.v1 import scope
from lectio.api.v1.auth import actor, deny
from lectio.api.v1.errors import ERRORS, visible_one
from lectio.api.v1.filters import Since
from lectio.api.v1.pagination import DEFAULT_LIMIT, MAX_LIMIT, page
from lectio.api.v1.schemas import DepartmentOut, GroupOut, Id, PersonOut, page_of

router = Router(tags=["people"])
PersonPage = page_of(PersonOut, "PersonPage")
DepartmentPage = page_of(DepartmentOut, "DepartmentPage")
GroupPage = page_of(GroupOut, "GroupPage")


def person_out(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "department_id": user.department_id,
        "department_code": user.department.code if user.department else None,
        "job_title": user.job_title,
        "location": user.location,
        "employee_id": user.employee_id,
        "external_id": user.external_id,
        "hire_date": user.hire_date,
        "language": user.language,
        "time_zone": user.time_zone,
        "roles": [str(role) for role in user.roles],
        "is_active": user.is_active,
        "date_joined": user.date_joined,
        "deactivated_at": user.deactivated_at,
    }


@router.get("/people", response={200: PersonPage, **ERRORS}, summary="List people")
def list_people(
    request: HttpRequest,
    since: Query[Since],
    cursor: str | None = None,
    limit: int = query_param(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    department: Id | None = None,
    active: bool | None = None,
    email: str | None = None,
) -> dict[str, Any]:
    """The people the token's person may see: everyone for administrators, their
    department subtrees for managers, themselves for anyone else. ``department`` includes
    the departments below it; ``since``/``until`` filter on the date joined."""
    user = actor(request, Scope.PEOPLE_READ)
    found = scope.people(user).select_related("department")
    if department is not None:
        found = found.in_departments(Department.objects.filter(pk=department))
    if active is not None:
        found = found.filter(is_active=active)
    if email:
        found = found.filter(email__iexact=email.strip())
    return page(since.apply(found, "date_joined"), cursor, limit, person_out)


@router.get("/people/{int:person_id}", response={200: PersonOut, **ERRORS}, summary="Get a person")
def get_person(request: HttpRequest, person_id: Id) -> dict[str, Any]:
    user = actor(request, Scope.PEOPLE_READ)
    found = visible_one(scope.people(user).select_related("department"), person_id)
    return person_out(found)


def department_out(department: Department) -> dict[str, Any]:
    return {
        "id": department.pk,
        "name": department.name,
        "code": department.code,
        "parent_id": department.parent_id,
        "depth": department.depth,
        "location": department.location,
        "manager_id": department.manager_id,
    }


@router.get("/departments", response={200: DepartmentPage, **ERRORS}, summary="List departments")
def list_departments(
    request: HttpRequest,
    cursor: str | None = None,
    limit: int = query_param(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
) -> dict[str, Any]:
    """Every department for administrators, the subtrees they manage for managers."""
    user = actor(request, Scope.PEOPLE_READ)
    if not can_view_people(user):
        raise deny()
    return page(scope.departments(user), cursor, limit, department_out)


@router.get(
    "/departments/{int:department_id}",
    response={200: DepartmentOut, **ERRORS},
    summary="Get a department",
)
def get_department(request: HttpRequest, department_id: Id) -> dict[str, Any]:
    user = actor(request, Scope.PEOPLE_READ)
    found = visible_one(scope.departments(user), department_id)
    return department_out(found)


def group_out(group: Group) -> dict[str, Any]:
    return {
        "id": group.pk,
        "name": group.name,
        "description": group.description,
        "member_count": getattr(group, "member_count", 0),
    }


@router.get("/groups", response={200: GroupPage, **ERRORS}, summary="List groups")
def list_groups(
    request: HttpRequest,
    cursor: str | None = None,
    limit: int = query_param(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
) -> dict[str, Any]:
    """Groups are the administrators' (as on the pages)."""
    user = actor(request, Scope.PEOPLE_READ)
    if not can_manage_people(user):
        raise deny()
    found = Group.objects.annotate(member_count=Count("members", filter=Q(members__is_active=True)))
    return page(found, cursor, limit, group_out)
