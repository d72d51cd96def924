"""Bulk upsert of people and departments (administrators): the CSV import's own checks and
writes (``accounts.imports``), all rows or none, with a report of what changed.

Rows become the import's CSV (every row must carry the same fields, as a file has one
header: a field left out keeps each person's value, a field given is set), so a row is
accepted or refused here for exactly the reasons a file would be."""

import csv
import io
from datetime import date
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from lectio.accounts import imports
from lectio.accounts.permissions import can_manage_people
from lectio.api.models import Scope
from lectio.api.v1.auth import actor, deny
from lectio.api.v1.errors import WRITE_ERRORS, ApiError
from lectio.api.v1.schemas import Body

router = Router(tags=["people"])
MAX_ROWS = 1000
ONE_LINE = r"^[^\r\n]*$"


def _text(max_length: int = 255) -> Any:
    """An optional one-line text field (a field left out keeps the stored value)."""
    return Field("", max_length=max_length, pattern=ONE_LINE)


Role = Literal["administrator", "instructor", "manager", "learner"]


class PersonRow(Body):
    email: str = Field(max_length=254, pattern=r"^[^\r\n]*$")
    full_name: str = Field(min_length=1, max_length=200, pattern=r"^[^\r\n]*$")
    department_code: str = _text(64)
    job_title: str = _text(200)
    location: str = _text(200)
    employee_id: str = _text(64)
    external_id: str = _text(255)
    hire_date: date | None = None
    language: str = _text(8)
    time_zone: str = _text(64)
    roles: list[Role] = Field([], max_length=4)
    active: bool = True


class PeopleIn(Body):
    people: list[PersonRow] = Field(min_length=1, max_length=MAX_ROWS)
    dry_run: bool = Field(False, description="Check only: report what would change")


class DepartmentRow(Body):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[^\r\n]*$")
    name: str = Field(min_length=1, max_length=200, pattern=r"^[^\r\n]*$")
    parent_code: str = _text(64)
    location: str = _text(200)
    manager_email: str = _text(254)


class DepartmentsIn(Body):
    departments: list[DepartmentRow] = Field(min_length=1, max_length=MAX_ROWS)
    dry_run: bool = False


class BulkReport(Schema):
    dry_run: bool
    rows: int
    created: int
    updated: int


def _csv(rows: list[Body], key: str) -> tuple[str, list[str]]:
    """The rows as the import's CSV (a header and one line each), and its columns."""
    columns = list(rows[0].model_fields_set)
    for number, row in enumerate(rows):
        if set(row.model_fields_set) != set(columns):
            raise ApiError(
                422,
                "invalid",
                _("Some fields are not valid."),
                {
                    f"{key}.{number}": [
                        _("Give the same fields in every row (like the columns of a file).")
                    ]
                },
            )
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        values = row.model_dump(include=set(columns))
        cells = []
        for name in columns:
            value = values[name]
            if isinstance(value, bool):
                value = "yes" if value else "no"
            elif isinstance(value, list):
                value = ";".join(value)
            elif value is None:
                value = ""
            cells.append(str(value))
        writer.writerow(cells)
    return out.getvalue(), columns


def _run(text: str, key: str, dry_run: bool, check: Any, apply: Any, count: int) -> dict[str, Any]:
    try:
        with transaction.atomic():
            report = check(text) if dry_run else apply(text)
    except imports.FileProblem as exc:
        raise ApiError(422, "invalid", str(exc)) from exc
    if not report.ok:
        fields: dict[str, list[str]] = {}
        for error in report.errors:
            # Line 1 is the header, so line n is row n - 2.
            fields.setdefault(f"{key}.{error.line - 2}.{error.column}", []).append(error.message)
        raise ApiError(422, "invalid", _("Some rows are not valid: nothing was changed."), fields)
    return {"dry_run": dry_run, "rows": count, "created": report.created, "updated": report.updated}


@router.post(
    "/people/bulk",
    response={200: BulkReport, **WRITE_ERRORS},
    summary="Create or update people in bulk",
)
def upsert_people(request: HttpRequest, payload: PeopleIn) -> dict[str, Any]:
    """Match people on e-mail: new addresses are created, known ones updated (fields left
    out keep their values; ``active: false`` deactivates, history kept). All rows or none;
    ``dry_run`` only checks. Administrators, with the scope ``people:write``."""
    user = actor(request, Scope.PEOPLE_WRITE)
    if not can_manage_people(user):
        raise deny()
    text, _columns = _csv(list(payload.people), "people")
    return _run(
        text,
        "people",
        payload.dry_run,
        imports.check_people,
        imports.apply_people,
        len(payload.people),
    )


@router.post(
    "/departments/bulk",
    response={200: BulkReport, **WRITE_ERRORS},
    summary="Create or update departments in bulk",
)
def upsert_departments(request: HttpRequest, payload: DepartmentsIn) -> dict[str, Any]:
    """Match departments on code: new codes are created, known ones renamed, moved under
    ``parent_code`` (blank: a root) and given their manager (``manager_email``). All rows
    or none; ``dry_run`` only checks. Administrators, with the scope ``people:write``."""
    user = actor(request, Scope.PEOPLE_WRITE)
    if not can_manage_people(user):
        raise deny()
    text, _columns = _csv(list(payload.departments), "departments")
    return _run(
        text,
        "departments",
        payload.dry_run,
        imports.check_departments,
        imports.apply_departments,
        len(payload.departments),
    )
