"""The compliance figures: aggregate queries over current obligations, a fixed number per
report whatever the number of people (no per-row queries, no scans in Python beyond the
aggregated rows)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from lectio.accounts.models import Department, User
from lectio.assignments.models import Obligation

S = Obligation.Status
COUNTED = {
    "total": Count("pk"),
    "completed": Count("pk", filter=Q(status=S.COMPLETED)),
    "in_progress": Count("pk", filter=Q(status=S.IN_PROGRESS)),
    "not_started": Count("pk", filter=Q(status=S.NOT_STARTED)),
    "overdue": Count("pk", filter=Q(status=S.OVERDUE)),
    "expired": Count("pk", filter=Q(status=S.EXPIRED)),
    "exempt": Count("pk", filter=Q(status=S.EXEMPT)),
}


@dataclass
class Tally:
    """Obligations by status, and the share that is met."""

    total: int = 0
    completed: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0
    expired: int = 0
    exempt: int = 0

    def add(self, row: Mapping[str, Any]) -> None:
        for name in COUNTED:
            setattr(self, name, getattr(self, name) + int(row[name]))

    @property
    def compliance(self) -> int | None:
        """Completed (and still valid) out of everyone who must, in percent."""
        due = self.total - self.exempt
        return round(self.completed * 100 / due) if due else None


@dataclass
class CourseLine:
    course_id: int
    title: str
    tally: Tally


@dataclass
class DepartmentLine:
    department: Department
    own: Tally = field(default_factory=Tally)  # people directly in it
    tree: Tally = field(default_factory=Tally)  # it and everything below

    @property
    def indent(self) -> str:
        return "— " * self.department.depth


def obligations_for(viewer: User) -> QuerySet[Obligation]:
    """Current mandatory obligations of the people the viewer may see."""
    obligations = Obligation.objects.current().filter(mandatory=True, user__is_active=True)
    if not viewer.is_administrator:
        obligations = obligations.filter(user__in=User.objects.visible_to(viewer).values("pk"))
    return obligations


def by_course(obligations: QuerySet[Obligation]) -> list[CourseLine]:
    rows = (
        obligations.values("course", "course__title").annotate(**COUNTED).order_by("course__title")
    )
    lines = []
    for row in rows:
        tally = Tally()
        tally.add(row)
        lines.append(CourseLine(row["course"], row["course__title"], tally))
    return lines


def by_department(obligations: QuerySet[Obligation]) -> tuple[list[DepartmentLine], Tally]:
    """Each department with its own people's figures and its whole subtree's; the
    organisation's total. Two queries: the tally per department and the departments."""
    counts = list(obligations.values("user__department").annotate(**COUNTED))
    wanted = {row["user__department"] for row in counts if row["user__department"]}
    departments = {d.pk: d for d in Department.objects.order_by("path")}
    lines = {pk: DepartmentLine(d) for pk, d in departments.items()}
    everyone = Tally()
    for row in counts:
        everyone.add(row)
        department = departments.get(row["user__department"])
        if department is None:
            continue
        lines[department.pk].own.add(row)
        for ancestor in department.path.strip("/").split("/"):
            if ancestor and int(ancestor) in lines:
                lines[int(ancestor)].tree.add(row)
                wanted.add(int(ancestor))
    shown = [line for pk, line in lines.items() if pk in wanted]
    return shown, everyone


@dataclass
class Month:
    start: date
    count: int
    height: int = 0  # of the bar, 0 to 100 (whole numbers: no localised decimals in SVG)
    y: int = 100
    x: int = 0  # of the bar's left edge; each month is 100 wide

    @property
    def label_y(self) -> int:
        return max(self.y - 3, 10)


def completions_by_month(obligations: QuerySet[Obligation], months: int = 12) -> list[Month]:
    """Completions per calendar month (in the viewer's time zone), the last ``months``."""
    now = timezone.localtime()
    first = _month_start(now, months - 1)
    zone = timezone.get_current_timezone()
    rows = (
        obligations.filter(completed_at__gte=first)
        .annotate(month=TruncMonth("completed_at", tzinfo=zone))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {timezone.localtime(row["month"], zone).date(): row["n"] for row in rows}
    series = []
    for back in range(months - 1, -1, -1):
        start = _month_start(now, back).date()
        series.append(Month(start, int(found.get(start, 0))))
    top = max((m.count for m in series), default=0)
    for index, month in enumerate(series):
        month.x = index * 100
        month.height = round(month.count * 100 / top) if top else 0
        month.y = 100 - month.height
    return series


def _month_start(now: datetime, back: int) -> datetime:
    index = now.year * 12 + now.month - 1 - back
    return now.replace(
        year=index // 12, month=index % 12 + 1, day=1, hour=0, minute=0, second=0, microsecond=0
    )


EXPORT_HEADER = (
    "person",
    "email",
    "employee_id",
    "department",
    "location",
    "course",
    "mandatory",
    "status",
    "cycle",
    "assigned_at",
    "due_at",
    "completed_at",
    "expires_at",
)


def export_rows(obligations: QuerySet[Obligation]) -> Any:
    """Obligations as export rows, fetched in chunks (constant memory)."""
    values = obligations.order_by("pk").values_list(
        "user__full_name",
        "user__email",
        "user__employee_id",
        "user__department__name",
        "user__location",
        "course__title",
        "mandatory",
        "status",
        "cycle",
        "assigned_at",
        "due_at",
        "completed_at",
        "expires_at",
    )
    return values.iterator(chunk_size=2000)
