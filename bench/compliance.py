"""Compliance at scale: the manager's matrix, the reports and the exports on a big team.

Run with `make bench` (or `.venv/bin/python bench/compliance.py`; `--quick` for a smoke
run). It builds a throw-away data folder with its own SQLite database (with DATABASE_URL
set to PostgreSQL, a throw-away database beside the one named, dropped afterwards), and
generates an organisation: a department tree with a subtree of `--people` people (10,000)
under one manager, a tenth as many people elsewhere, an administrator, `--courses` (20)
published courses, and a current mandatory obligation for every person and course
(~200,000 in the subtree) with a realistic mix of statuses and dates.

People, enrolments, assignments and obligations are written with `bulk_create`, not
through the services one by one: the services' rules (due dates, merging, hooks) are the
test suite's business, and a quarter of a million rows through them would take the
benchmark's whole budget. Departments and courses, which are few, go through the services.

Each page is requested in this process with Django's test client (so the SQL queries can
be counted with CaptureQueriesContext and memory traced with tracemalloc; the
`learner_load.py` benchmark is the one that measures a real server under concurrency):
the compliance matrix for the manager (first page, a filtered page, a search, the last
page), the reports overview and the overdue list, and the CSV and XLSX exports of the
whole subtree. It reports queries, p50/p95 time, and for the exports rows per second and
peak traced memory, next to /healthz measured in the same run: compare the ratios across
changes, not the absolute numbers.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST = (
    "Ada", "Ahmet", "Alice", "Ayse", "Ben", "Can", "Carla", "Deniz", "Dmitri", "Elif",
    "Emre", "Eva", "Farid", "Fatma", "Hana", "Hugo", "Ines", "Ivan", "Jonas", "Kemal",
    "Lara", "Leyla", "Liam", "Mehmet", "Mia", "Murat", "Nora", "Omar", "Paula", "Selin",
    "Tariq", "Zeynep",
)  # fmt: skip
LAST = (
    "Acar", "Arslan", "Aydin", "Baker", "Celik", "Demir", "Dogan", "Evans", "Fischer",
    "Garcia", "Hoffmann", "Kaya", "Keller", "Koc", "Kurt", "Lopez", "Martin", "Meyer",
    "Novak", "Ozturk", "Petrov", "Rossi", "Sahin", "Schmidt", "Silva", "Smith",
    "Tanaka", "Wagner", "Yildiz", "Yilmaz",
)  # fmt: skip
# The share of obligations in each status, roughly as a compliance programme looks a few
# months in: most done, some under way, a tenth late, a few expired or exempt.
MIX = (
    ("completed", 0.55),
    ("in_progress", 0.14),
    ("not_started", 0.15),
    ("overdue", 0.10),
    ("expired", 0.03),
    ("exempt", 0.03),
)


@dataclass
class Measure:
    name: str
    path: str
    queries: int = 0
    times: list[float] = field(default_factory=list)
    rows: int = 0
    size: int = 0
    peak: int = 0

    @property
    def p50(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# Throw-away database ---------------------------------------------------------------------


@contextmanager
def throwaway_database() -> Iterator[str]:
    """A fresh data folder, and on PostgreSQL a fresh database beside DATABASE_URL's."""
    with tempfile.TemporaryDirectory(prefix="lectio-compliance-") as data:
        os.environ["LECTIO_DATA_DIR"] = data
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            os.environ.pop("DATABASE_URL", None)
            yield "sqlite"
            return
        import psycopg

        parts = urlsplit(url)
        name = f"{parts.path.lstrip('/') or 'lectio'}_bench_{os.getpid()}"
        # CREATE and DROP DATABASE from the maintenance database: the named one need not
        # exist (in CI only the test runner's database does, and only while it runs).
        admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as server:
            server.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
        try:
            yield "postgresql"
        finally:
            from django.db import connections

            for connection in connections.all():
                connection.close()
                close_pool = getattr(connection, "close_pool", None)
                if close_pool is not None:
                    close_pool()
            with psycopg.connect(admin, autocommit=True) as server:
                server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Generated organisation ------------------------------------------------------------------


@dataclass
class Organisation:
    manager_id: int
    administrator_id: int
    region_id: int
    surname: str  # of the first person in the subtree: a search that finds someone
    people: int
    courses: int
    subtree_obligations: int
    all_obligations: int
    seconds: float


def generate(people: int, courses: int, seed: int = 7) -> Organisation:
    """The organisation described in the module's docstring, in one transaction."""
    from django.db import transaction
    from django.utils import timezone

    from lectio.accounts import services as accounts
    from lectio.accounts.models import User
    from lectio.assignments.models import Assignment, Obligation
    from lectio.catalog import services as catalog

    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - made-up data, repeatable
    now = timezone.now()
    with transaction.atomic():
        administrator = accounts.create_person(
            email="admin@bench.test", full_name="Bench Administrator", roles=["administrator"]
        )
        manager = accounts.create_person(email="manager@bench.test", full_name="Bench Manager")
        root = accounts.create_department(name="Bench Org", code="ORG")
        office = accounts.create_department(name="Head office", code="HQ", parent=root)
        operations = accounts.create_department(
            name="Operations", code="OPS", parent=root, manager=manager
        )
        # Regions of teams of about a hundred people each under the manager's department.
        teams_wanted = max(1, people // 100)
        regions = max(1, round(teams_wanted**0.5))
        teams = []
        first_region = None
        for r in range(regions):
            region = accounts.create_department(
                name=f"Region {r + 1}", code=f"R{r + 1}", parent=operations
            )
            first_region = first_region or region
            for t in range(-(-teams_wanted // regions)):
                teams.append(
                    accounts.create_department(
                        name=f"Team {r + 1}.{t + 1}", code=f"R{r + 1}T{t + 1}", parent=region
                    )
                )
        assert first_region is not None
        outsiders = max(1, people // 10)
        rows = []
        for n in range(people + outsiders):
            inside = n < people
            rows.append(
                User(
                    email=f"p{n}@bench.test",
                    full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    department=teams[n % len(teams)] if inside else office,
                    employee_id=f"E{n:06d}",
                    location=rng.choice(("Istanbul", "Berlin", "Lisbon", "Izmir")),
                    job_title=rng.choice(("Operator", "Technician", "Supervisor", "Driver")),
                    password="!",  # noqa: S106 - unusable: the benchmark signs in by session
                    date_joined=now - timedelta(days=rng.randint(30, 2000)),
                )
            )
        User.objects.bulk_create(rows, batch_size=2000)
        person_ids = list(
            User.objects.filter(email__endswith="@bench.test", email__startswith="p")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        course_list = []
        for c in range(courses):
            course = catalog.create_course(title=f"Mandatory course {c + 1:02d}", by=administrator)
            module = catalog.add_module(course, title="Module")
            page = catalog.add_lesson(module, title="Read this", kind_name="page")
            catalog.update_lesson(page, content={"body": "<p>Text</p>"})
            catalog.publish_course(course, by=administrator)
            course_list.append(course)
        for course in course_list:
            assignment = Assignment.objects.create(
                course=course,
                due=Assignment.Due.AFTER_ASSIGNMENT,
                due_days=90,
                created_by=administrator,
                created_at=now - timedelta(days=200),
            )
            assignment.departments.add(operations, office)
            _obligations(rng, now, assignment, person_ids)
        total = Obligation.objects.count()
    return Organisation(
        manager_id=manager.pk,
        administrator_id=administrator.pk,
        region_id=first_region.pk,
        surname=rows[0].full_name.split()[-1],
        people=people,
        courses=courses,
        subtree_obligations=people * courses,
        all_obligations=total,
        seconds=round(time.perf_counter() - started, 1),
    )


def _obligations(rng: random.Random, now: datetime, assignment: Any, person_ids: list[int]) -> None:
    """Everyone's enrolment and obligation for one assignment's course, with a status
    drawn from MIX and dates that agree with it."""
    from lectio.assignments.models import Obligation
    from lectio.learning.models import Enrollment

    through = Obligation.assignments.through
    statuses = [name for name, _share in MIX]
    weights = [share for _name, share in MIX]
    for start in range(0, len(person_ids), 5000):
        chunk = person_ids[start : start + 5000]
        enrollments, obligations = [], []
        for user_id in chunk:
            status = rng.choices(statuses, weights)[0]
            assigned = now - timedelta(days=rng.randint(30, 540), minutes=rng.randint(0, 1439))
            due = assigned + timedelta(days=90)
            started = completed = expires = None
            if status in {"completed", "expired", "in_progress", "overdue"}:
                started = assigned + timedelta(days=rng.randint(0, 20))
            if status in {"completed", "expired"}:
                assert started is not None
                completed = min(started + timedelta(days=rng.randint(0, 60)), now)
                expires = completed + timedelta(days=365)
                if status == "completed" and expires <= now:
                    status = "expired"
                if status == "expired" and expires > now:
                    status = "completed"
            if status in {"in_progress", "not_started"} and due < now:
                due = now + timedelta(days=rng.randint(1, 60))
            if status == "overdue" and due >= now:
                due = now - timedelta(days=rng.randint(1, 30))
            enrollments.append(
                Enrollment(
                    user_id=user_id,
                    course=assignment.course,
                    source=Enrollment.Source.ASSIGNED,
                    enrolled_at=assigned,
                    completed_at=completed,
                    due_at=due,
                    mandatory=True,
                    progress_percent=100 if completed else (40 if started else 0),
                    last_activity_at=completed or started,
                )
            )
            obligations.append(
                Obligation(
                    user_id=user_id,
                    course=assignment.course,
                    status=status,
                    mandatory=True,
                    assigned_at=assigned,
                    due_at=due,
                    started_at=started,
                    completed_at=completed,
                    expires_at=expires,
                    exempt_reason="Not in scope for this role." if status == "exempt" else "",
                )
            )
        Enrollment.objects.bulk_create(enrollments, batch_size=1000)
        for enrollment, obligation in zip(enrollments, obligations, strict=True):
            obligation.enrollment = enrollment
        Obligation.objects.bulk_create(obligations, batch_size=1000)
        through.objects.bulk_create(
            [through(obligation_id=o.pk, assignment_id=assignment.pk) for o in obligations],
            batch_size=2000,
        )


# Measuring -------------------------------------------------------------------------------


def consume(response: Any) -> tuple[int, int]:
    """Read the whole response; its size in bytes and its number of lines."""
    if getattr(response, "streaming", False):
        size = lines = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
        response.close()
        return size, lines
    return len(response.content), response.content.count(b"\n")


def measure(client: Any, measure: Measure, runs: int, warm_up: bool = True) -> Measure:
    """Count the queries of one request (a warm-up unless ``warm_up`` is false, when it is
    the first of the ``runs`` timed), time the others, and trace memory in one more (not
    timed: tracing slows allocation down several times)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(measure.path)
        measure.size, lines = consume(response)
        if not warm_up:
            measure.times.append(time.perf_counter() - started)
            runs -= 1
    assert response.status_code == 200, f"{measure.path}: {response.status_code}"
    measure.queries = len(captured.captured_queries)
    measure.rows = max(0, lines - 1)  # less the header, for the CSV export
    for _ in range(runs):
        started = time.perf_counter()
        consume(client.get(measure.path))
        measure.times.append(time.perf_counter() - started)
    tracemalloc.start()
    try:
        consume(client.get(measure.path))
        measure.peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return measure


def run(args: argparse.Namespace, engine: str) -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from lectio.accounts.models import Department, User
    from lectio.assignments.models import Obligation

    call_command("migrate", verbosity=0)
    # Static files by their plain names, as in the tests: no collectstatic (seconds of
    # copying and hashing browser libraries); a page's cost is the same either way.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # WhiteNoise looks for it
    organisation = generate(args.people, args.courses)
    manager = User.objects.get(pk=organisation.manager_id)
    administrator = User.objects.get(pk=organisation.administrator_id)
    as_manager, as_administrator = Client(SERVER_NAME="localhost"), Client(SERVER_NAME="localhost")
    as_manager.force_login(manager)
    as_administrator.force_login(administrator)
    last_page = -(-args.people // 50)
    late = Obligation.objects.filter(
        status="overdue",
        user__department__path__startswith=(Department.objects.get(manager=manager).path),
    ).count()
    last_late_page = max(1, -(-late // 50))
    filtered = urlencode({"department": organisation.region_id, "status": "overdue"})
    pages: list[tuple[Any, Measure]] = [
        (as_manager, Measure("baseline /healthz", "/healthz")),
        (as_manager, Measure("matrix: first page", "/assignments/team/")),
        (as_manager, Measure("matrix: region, overdue", f"/assignments/team/?{filtered}")),
        (
            as_manager,
            Measure("matrix: search", f"/assignments/team/?q={organisation.surname.lower()}"),
        ),
        (as_manager, Measure("matrix: last page", f"/assignments/team/?page={last_page}")),
        (as_administrator, Measure("matrix: administrator", "/assignments/team/")),
        (as_manager, Measure("reports overview", "/reports/")),
        (as_administrator, Measure("reports: administrator", "/reports/")),
        (as_manager, Measure("overdue list", "/reports/overdue/")),
        (
            as_manager,
            Measure("overdue list: last page", f"/reports/overdue/?page={last_late_page}"),
        ),
    ]
    exports = [
        (as_manager, Measure("export CSV", "/reports/compliance.csv")),
        (as_manager, Measure("export XLSX", "/reports/compliance.xlsx")),
    ]
    results = [measure(c, m, args.runs) for c, m in pages]
    results += [measure(c, m, args.export_runs, warm_up=False) for c, m in exports]
    csv_rows = exports[0][1].rows
    exports[1][1].rows = csv_rows  # the same rows; counting an XLSX's would cost more
    baseline = results[0]
    return {
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "database": engine,
            "django": django.get_version(),
        },
        "data": asdict(organisation),
        "baseline": {"p50_ms": round(baseline.p50 * 1000, 2), "queries": baseline.queries},
        "steps": {m.name: _summary(m, baseline) for m in results},
    }


def _summary(m: Measure, baseline: Measure) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "queries": m.queries,
        "runs": len(m.times),
        "p50_ms": round(m.p50 * 1000, 1),
        "p95_ms": round(m.p95 * 1000, 1),
        "p50_vs_baseline": round(m.p50 / baseline.p50, 1),
        "peak_mib": round(m.peak / 2**20, 2),
        "peak_vs_baseline": round(m.peak / baseline.peak, 1) if baseline.peak else None,
        "bytes": m.size,
    }
    if m.path.endswith((".csv", ".xlsx")):
        summary["rows"] = m.rows
        summary["rows_per_second"] = round(m.rows / m.p50) if m.p50 else None
    return summary


def table(results: dict[str, Any]) -> str:
    data, machine = results["data"], results["machine"]
    lines = [
        f"{data['people']} people in the subtree x {data['courses']} courses: "
        f"{data['subtree_obligations']} obligations for the manager, "
        f"{data['all_obligations']} in all (generated in {data['seconds']} s); "
        f"{machine['database']}, {machine['cpus']} CPUs, Python {machine['python']}",
        "",
        f"{'step':<26}{'queries':>8}{'p50 ms':>10}{'p95 ms':>10}{'x base':>9}"
        f"{'peak MiB':>10}{'rows/s':>10}",
    ]
    for name, step in results["steps"].items():
        rate = step.get("rows_per_second")
        lines.append(
            f"{name:<26}{step['queries']:>8}{step['p50_ms']:>10}{step['p95_ms']:>10}"
            f"{step['p50_vs_baseline']:>9}{step['peak_mib']:>10}"
            f"{rate if rate is not None else '':>10}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Compliance matrix, reports and exports.")
    parser.add_argument("--people", type=int, help="People in the manager's subtree (10000).")
    parser.add_argument("--courses", type=int, help="Mandatory courses (20).")
    parser.add_argument("--runs", type=int, help="Timed requests per page (10).")
    parser.add_argument("--export-runs", type=int, help="Timed runs per export (2).")
    parser.add_argument(
        "--quick", action="store_true", help="A smoke run: 200 people, 5 courses, few runs."
    )
    parser.add_argument("--json", type=Path, help="Also write the results to this file.")
    args = parser.parse_args(argv)
    defaults: dict[str, int] = (
        {"people": 200, "courses": 5, "runs": 3, "export_runs": 1}
        if args.quick
        else {"people": 10_000, "courses": 20, "runs": 10, "export_runs": 2}
    )
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lectio.settings")
    with throwaway_database() as engine:
        results = run(args, engine)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
