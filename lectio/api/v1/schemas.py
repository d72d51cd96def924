"""Request and response shapes. Request bodies forbid unknown fields, so a misspelt field
is a 422 naming it rather than a silently ignored value."""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

# Primary keys: positive 64-bit integers (anything larger cannot name a row).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Body(Schema):
    model_config = ConfigDict(extra="forbid")


class Ref(Schema):
    id: int
    title: str


class PersonRef(Schema):
    id: int
    email: str
    full_name: str


class PersonOut(Schema):
    id: int
    email: str
    full_name: str
    department_id: int | None
    department_code: str | None
    job_title: str
    location: str
    employee_id: str
    external_id: str
    hire_date: date | None
    language: str
    time_zone: str
    roles: list[str]
    is_active: bool
    date_joined: datetime
    deactivated_at: datetime | None


class DepartmentOut(Schema):
    id: int
    name: str
    code: str
    parent_id: int | None
    depth: int
    location: str
    manager_id: int | None


class GroupOut(Schema):
    id: int
    name: str
    description: str
    member_count: int


class CourseOut(Schema):
    id: int
    key: str
    slug: str
    title: str
    summary: str
    language: str
    status: str
    visibility: str
    live_version: int | None
    published_at: datetime | None
    created_at: datetime


class PathOut(Schema):
    id: int
    key: str
    slug: str
    title: str
    summary: str
    language: str
    status: str
    visibility: str
    course_ids: list[int]
    created_at: datetime


class EnrollmentOut(Schema):
    id: int
    person: PersonRef
    course: Ref
    source: str
    status: Literal["not_started", "in_progress", "completed"]
    enrolled_at: datetime
    access_starts_at: datetime | None
    access_ends_at: datetime | None
    due_at: datetime | None
    mandatory: bool
    progress_percent: int
    last_activity_at: datetime | None
    completed_at: datetime | None
    cycle: int


class EnrollmentCreated(Schema):
    created: bool
    enrollment: EnrollmentOut


class EnrollmentIn(Body):
    person: int = Field(ge=1, le=MAX_ID, description="The person's id")
    course: int = Field(ge=1, le=MAX_ID, description="The course's id (a published course)")
    due_on: date | None = Field(None, description="Due at the end of this day, person's zone")
    mandatory: bool = False


class AccessIn(Body):
    access_starts_at: datetime | None
    access_ends_at: datetime | None
    reason: str = Field(min_length=1, max_length=2000)


class WithdrawIn(Body):
    reason: str = Field(min_length=1, max_length=2000)


class LessonProgressOut(Schema):
    lesson: Ref
    status: str
    percent: int
    completed_at: datetime | None
    active_seconds: int
    watched_seconds: float


class CompletionOut(Schema):
    id: int
    enrollment_id: int
    person: PersonRef
    course: Ref
    cycle: int
    completed_at: datetime
    version: int


class AssignmentOut(Schema):
    id: int
    course_id: int | None
    path_id: int | None
    title: str
    due: str
    due_on: date | None
    due_days: int | None
    mandatory: bool
    people: list[int]
    departments: list[int]
    groups: list[int]
    created_by_id: int | None
    created_at: datetime
    ended_at: datetime | None


class AssignmentCreated(Schema):
    reached: int
    assignment: AssignmentOut


class AssignmentIn(Body):
    course: Id | None = None
    path: Id | None = None
    people: list[Id] = Field(default=[], max_length=10000)
    departments: list[Id] = Field(default=[], max_length=1000)
    groups: list[Id] = Field(default=[], max_length=1000)
    due: Literal["none", "fixed", "after_assignment", "after_hire"] = "none"
    due_on: date | None = None
    due_days: int | None = Field(None, ge=1, le=3650)
    mandatory: bool = True


class ObligationOut(Schema):
    id: int
    person: PersonRef
    course: Ref
    enrollment_id: int
    cycle: int
    status: str
    mandatory: bool
    assigned_at: datetime
    due_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    expires_at: datetime | None
    exempt_reason: str


class ExemptIn(Body):
    reason: str = Field(min_length=1, max_length=2000)


class CertificateOut(Schema):
    id: int
    code: str
    person: PersonRef
    course_id: int | None
    path_id: int | None
    title: str
    status: Literal["valid", "expired", "revoked"]
    completed_at: datetime
    issued_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    replaces: int | None
    verify_url: str


class QuizResultOut(Schema):
    id: int
    enrollment_id: int
    person: PersonRef
    course: Ref
    lesson_id: int
    number: int
    cycle: int
    started_at: datetime
    submitted_at: datetime | None
    needs_grading: bool
    score: float | None
    passed: bool | None


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """The page schema of a list: ``{"items": [...], "next_cursor": ...}``."""
    annotations = {"items": list[item], "next_cursor": str | None}  # type: ignore[valid-type]
    return type(name, (Schema,), {"__annotations__": annotations})
