"""CSV import and export of people and departments.

An import is checked first: every bad row and column is reported and nothing is
written. Only a clean file is applied, all rows in one transaction, through the same
services the forms use. People are matched on their e-mail address (new addresses are
created, known ones updated); departments on their code.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from lectio.accounts import services
from lectio.accounts.models import Department, Role, User, time_zone_names
from lectio.exports import csv_lines

PEOPLE_COLUMNS = [
    "email",
    "full_name",
    "department_code",
    "job_title",
    "location",
    "employee_id",
    "external_id",
    "hire_date",
    "language",
    "time_zone",
    "roles",
    "active",
]
PEOPLE_REQUIRED = {"email", "full_name"}
DEPARTMENT_COLUMNS = ["code", "name", "parent_code", "location", "manager_email"]
DEPARTMENT_REQUIRED = {"code", "name"}
TRUE_WORDS = {"yes", "y", "true", "1", "evet", "e"}
FALSE_WORDS = {"no", "n", "false", "0", "hayır", "hayir", "h"}
ROLE_SEPARATORS = ";|,"


@dataclass
class RowError:
    line: int  # the line of the file, header is line 1
    column: str
    message: str


@dataclass
class Report:
    """What an import found (check) or did (apply)."""

    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, line: int, column: str, message: str) -> None:
        self.errors.append(RowError(line, column, message))


class FileProblem(Exception):
    """The file as a whole cannot be read (encoding, empty, columns)."""


def decode(data: bytes) -> str:
    """The text of an uploaded CSV file: UTF-8, with or without a byte-order mark."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            _(
                "The file is not UTF-8 encoded (a byte at position %(pos)s cannot be read). "
                "In Excel, save it as “CSV UTF-8 (comma delimited)”."
            )
            % {"pos": exc.start}
        ) from exc
    if "\x00" in text:
        raise FileProblem(_("The file contains binary data; upload a CSV text file."))
    return text


def _read(text: str, columns: list[str], required: set[str]) -> list[tuple[int, dict[str, str]]]:
    if not text.strip():
        raise FileProblem(_("The file is empty."))
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except csv.Error as exc:
        raise FileProblem(_("The file is not valid CSV: %(error)s") % {"error": exc}) from exc
    missing = [name for name in columns if name in required and name not in header]
    if missing:
        raise FileProblem(
            _("Required columns are missing: %(missing)s. The columns are: %(columns)s.")
            % {"missing": ", ".join(missing), "columns": ", ".join(columns)}
        )
    unknown = [name for name in header if name not in columns]
    if unknown:
        raise FileProblem(
            _("Unknown columns: %(unknown)s. The columns are: %(columns)s.")
            % {"unknown": ", ".join(unknown), "columns": ", ".join(columns)}
        )
    if len(set(header)) != len(header):
        raise FileProblem(_("A column appears twice in the header."))
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            line = reader.line_num
            if len(values) != len(header):
                rows.append((line, {"__width__": str(len(values)), "__header__": str(len(header))}))
                continue
            rows.append(
                (line, {name: value.strip() for name, value in zip(header, values, strict=True)})
            )
    except csv.Error as exc:
        raise FileProblem(
            _("Line %(line)s is not valid CSV: %(error)s") % {"line": reader.line_num, "error": exc}
        ) from exc
    if not rows:
        raise FileProblem(_("The file has a header but no rows."))
    return rows


def _width_error(report: Report, line: int, row: dict[str, str]) -> bool:
    if "__width__" in row:
        report.add(
            line,
            "",
            _("This row has %(found)s values; the header has %(expected)s.")
            % {"found": row["__width__"], "expected": row["__header__"]},
        )
        return True
    return False


# ---- People ---------------------------------------------------------------------------


@dataclass
class _PersonRow:
    line: int
    email: str
    fields: dict[str, object]
    roles: list[str] | None
    active: bool | None
    existing: User | None


def _chunks(items: list[str], size: int = 500) -> Iterator[list[str]]:
    """Lists of at most ``size``: SQLite limits the parameters of one query."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _check_people(text: str) -> tuple[Report, list[_PersonRow]]:
    report = Report()
    rows = _read(text, PEOPLE_COLUMNS, PEOPLE_REQUIRED)
    report.rows = len(rows)
    departments = {d.code.lower(): d for d in Department.objects.all()}
    emails = sorted({r.get("email", "").lower() for _, r in rows})
    existing = {
        u.email: u for chunk in _chunks(emails) for u in User.objects.filter(email__in=chunk)
    }
    employee_ids = sorted({r.get("employee_id", "") for _, r in rows} - {""})
    taken_employee_ids = {
        employee_id: email
        for chunk in _chunks(employee_ids)
        for employee_id, email in User.objects.filter(employee_id__in=chunk).values_list(
            "employee_id", "email"
        )
    }
    zones = time_zone_names()
    languages = {code for code, _name in settings.LANGUAGES}
    seen_emails: dict[str, int] = {}
    seen_employee_ids: dict[str, int] = {}
    parsed = []
    for line, row in rows:
        if _width_error(report, line, row):
            continue
        bad = len(report.errors)
        email = row.get("email", "").lower()
        try:
            validate_email(email)
        except ValidationError:
            report.add(
                line, "email", _("“%(value)s” is not a valid e-mail address.") % {"value": email}
            )
        if email in seen_emails:
            report.add(
                line,
                "email",
                _("%(email)s appears twice in the file (also on line %(other)s).")
                % {"email": email, "other": seen_emails[email]},
            )
        seen_emails.setdefault(email, line)
        if not row.get("full_name"):
            report.add(line, "full_name", _("The full name is required."))
        fields: dict[str, object] = {"full_name": row.get("full_name", "")}
        for name in ("job_title", "location", "external_id"):
            if name in row:
                fields[name] = row[name]
        if "employee_id" in row:
            employee_id = row["employee_id"]
            fields["employee_id"] = employee_id
            owner = taken_employee_ids.get(employee_id)
            if employee_id and owner and owner != email:
                report.add(
                    line,
                    "employee_id",
                    _("Employee ID %(id)s already belongs to %(email)s.")
                    % {"id": employee_id, "email": owner},
                )
            if employee_id and employee_id in seen_employee_ids:
                report.add(
                    line,
                    "employee_id",
                    _("Employee ID %(id)s appears twice in the file (also on line %(other)s).")
                    % {"id": employee_id, "other": seen_employee_ids[employee_id]},
                )
            if employee_id:
                seen_employee_ids.setdefault(employee_id, line)
        if code := row.get("department_code", ""):
            if code.lower() in departments:
                fields["department"] = departments[code.lower()]
            else:
                report.add(
                    line,
                    "department_code",
                    _("No department has the code “%(code)s”.") % {"code": code},
                )
        elif "department_code" in row:
            fields["department"] = None
        if value := row.get("hire_date", ""):
            try:
                fields["hire_date"] = date.fromisoformat(value)
            except ValueError:
                report.add(
                    line,
                    "hire_date",
                    _("“%(value)s” is not a date in the form YYYY-MM-DD.") % {"value": value},
                )
        if value := row.get("language", ""):
            if value.lower() in languages:
                fields["language"] = value.lower()
            else:
                report.add(
                    line,
                    "language",
                    _("“%(value)s” is not a supported language (use one of: %(choices)s).")
                    % {"value": value, "choices": ", ".join(sorted(languages))},
                )
        if value := row.get("time_zone", ""):
            if value in zones:
                fields["time_zone"] = value
            else:
                report.add(
                    line,
                    "time_zone",
                    _("“%(value)s” is not a known time zone (for example Europe/Istanbul).")
                    % {"value": value},
                )
        roles = None
        if "roles" in row:
            roles = []
            for word in _split_roles(row["roles"]):
                if word in Role.values:
                    if word != Role.LEARNER:
                        roles.append(word)
                else:
                    report.add(
                        line,
                        "roles",
                        _("“%(value)s” is not a role (use: %(choices)s).")
                        % {"value": word, "choices": ", ".join(Role.values)},
                    )
        active = None
        if value := row.get("active", "").lower():
            if value in TRUE_WORDS:
                active = True
            elif value in FALSE_WORDS:
                active = False
            else:
                report.add(line, "active", _("“%(value)s” is not yes or no.") % {"value": value})
        if len(report.errors) == bad:
            parsed.append(_PersonRow(line, email, fields, roles, active, existing.get(email)))
    return report, parsed


def _split_roles(value: str) -> list[str]:
    for separator in ROLE_SEPARATORS:
        value = value.replace(separator, " ")
    return [word.lower() for word in value.split()]


def check_people(text: str) -> Report:
    report, parsed = _check_people(text)
    if report.ok:
        report.created = sum(1 for p in parsed if p.existing is None)
        report.updated = len(parsed) - report.created
    return report


@transaction.atomic
def apply_people(text: str) -> Report:
    """Import every row, or nothing when any row is bad."""
    report, parsed = _check_people(text)
    if not report.ok:
        return report
    for row in parsed:
        try:
            if row.existing is None:
                user = services.create_person(email=row.email, roles=row.roles or (), **row.fields)  # type: ignore[arg-type]
                report.created += 1
            else:
                user = services.update_person(row.existing, roles=row.roles, **row.fields)
                report.updated += 1
        except ValidationError as exc:
            for column, messages in exc.message_dict.items():
                for message in messages:
                    report.add(row.line, column, message)
            continue
        if row.active is False:
            services.deactivate_person(user)
        elif row.active is True:
            services.reactivate_person(user)
    if not report.ok:
        transaction.set_rollback(True)
        report.created = report.updated = 0
    return report


# ---- Departments ----------------------------------------------------------------------


@dataclass
class _DepartmentRow:
    line: int
    code: str
    name: str
    parent_code: str
    location: str | None
    manager: User | None
    has_manager_column: bool


def _check_departments(text: str) -> tuple[Report, list[_DepartmentRow]]:
    report = Report()
    rows = _read(text, DEPARTMENT_COLUMNS, DEPARTMENT_REQUIRED)
    report.rows = len(rows)
    managers = {
        u.email: u
        for u in User.objects.filter(
            email__in={r.get("manager_email", "").lower() for _, r in rows}
        )
    }
    seen: dict[str, int] = {}
    parsed = []
    for line, row in rows:
        if _width_error(report, line, row):
            continue
        bad = len(report.errors)
        code = row.get("code", "")
        if not code:
            report.add(line, "code", _("The code is required."))
        elif len(code) > 64:
            report.add(line, "code", _("The code is longer than 64 characters."))
        elif code.lower() in seen:
            report.add(
                line,
                "code",
                _("The code %(code)s appears twice in the file (also on line %(other)s).")
                % {"code": code, "other": seen[code.lower()]},
            )
        seen.setdefault(code.lower(), line)
        if not row.get("name"):
            report.add(line, "name", _("The name is required."))
        manager = None
        if email := row.get("manager_email", "").lower():
            manager = managers.get(email)
            if manager is None:
                report.add(
                    line, "manager_email", _("No one has the address %(email)s.") % {"email": email}
                )
        if len(report.errors) == bad:
            parsed.append(
                _DepartmentRow(
                    line,
                    code,
                    row["name"],
                    row.get("parent_code", ""),
                    row.get("location"),
                    manager,
                    "manager_email" in row,
                )
            )
    # Parents may be known already or come anywhere in the file; the tree must not loop.
    parent_of = {
        code.lower(): (parent or "").lower()
        for code, parent in Department.objects.values_list("code", "parent__code")
    }
    parent_of.update({r.code.lower(): r.parent_code.lower() for r in parsed})
    for entry in parsed:
        current = entry.parent_code.lower()
        if current and current not in parent_of:
            report.add(
                entry.line,
                "parent_code",
                _("No department has the code “%(code)s”.") % {"code": entry.parent_code},
            )
            continue
        chain = {entry.code.lower()}
        while current:
            if current in chain:
                report.add(
                    entry.line,
                    "parent_code",
                    _("The parent codes form a loop through this department."),
                )
                break
            chain.add(current)
            current = parent_of.get(current, "")
    return report, parsed


def check_departments(text: str) -> Report:
    report, parsed = _check_departments(text)
    if report.ok:
        known = set(Department.objects.values_list("code", flat=True))
        known = {c.lower() for c in known}
        report.created = sum(1 for r in parsed if r.code.lower() not in known)
        report.updated = len(parsed) - report.created
    return report


@transaction.atomic
def apply_departments(text: str) -> Report:
    report, parsed = _check_departments(text)
    if not report.ok:
        return report
    by_code = {d.code.lower(): d for d in Department.objects.select_for_update()}
    pending = list(parsed)
    # Create or update parents before children: repeat until everything has a home.
    while pending:
        remaining = []
        for row in pending:
            parent_code = row.parent_code.lower()
            if parent_code and parent_code not in by_code:
                remaining.append(row)
                continue
            parent = by_code.get(parent_code) if parent_code else None
            department = by_code.get(row.code.lower())
            if department is None:
                department = services.create_department(
                    name=row.name, code=row.code, parent=parent, location=row.location or ""
                )
                report.created += 1
            else:
                services.update_department(
                    department,
                    name=row.name,
                    code=row.code,
                    location=department.location if row.location is None else row.location,
                )
                services.move_department(department, parent)
                department.refresh_from_db()
                report.updated += 1
            if row.has_manager_column:
                services.set_department_manager(department, row.manager)
            by_code[row.code.lower()] = department
        if len(remaining) == len(pending):  # pragma: no cover - loops are caught by the check
            raise AssertionError("department import could not place every row")
        pending = remaining
    return report


# ---- Export ---------------------------------------------------------------------------


def people_csv_rows(people: Iterable[User]) -> Iterator[str]:
    """The people as CSV lines in the import format, one at a time (constant memory)."""
    return csv_lines(
        PEOPLE_COLUMNS,
        (
            (
                user.email,
                user.full_name,
                user.department.code if user.department else "",
                user.job_title,
                user.location,
                user.employee_id,
                user.external_id,
                user.hire_date.isoformat() if user.hire_date else "",
                user.language,
                user.time_zone,
                ";".join(r.value for r in user.roles if r != Role.LEARNER),
                "yes" if user.is_active else "no",
            )
            for user in people
        ),
    )


def departments_csv_rows(departments: Iterable[Department]) -> Iterator[str]:
    return csv_lines(
        DEPARTMENT_COLUMNS,
        (
            (
                d.code,
                d.name,
                d.parent.code if d.parent else "",
                d.location,
                d.manager.email if d.manager else "",
            )
            for d in departments
        ),
    )
