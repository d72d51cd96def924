"""Every SQL query of the benchmark's steps, with PostgreSQL's plan: which filters use an
index and which scan a table. Run against a data set kept by the suite:

    .venv/bin/python bench/suite.py --size medium --keep …   # prints the two variables
    LECTIO_DATA_DIR=… DATABASE_URL=… .venv/bin/python bench/explain.py

Each step is requested in-process with Django's test client as a learner of the data set
(the manager for the matrix); every SELECT is run again under ``EXPLAIN ANALYZE`` (writes
under plain ``EXPLAIN``), and a sequential scan of a table is reported with its time.
"""

import os
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lectio.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lectio.accounts.models import User
    from lectio.learning.models import Enrollment

    settings.ALLOWED_HOSTS = ["*"]
    # Static files by their plain names (no collected manifest needed), as in the tests.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    enrolments = (
        Enrollment.objects.filter(mandatory=False, user__email__startswith="p")
        .select_related("course", "user")
        .order_by("pk")
    )
    enrolment = enrolments[min(1000, enrolments.count() // 2)]
    lessons = list(enrolment.course.lessons.order_by("module__position", "position"))
    video = next(lesson for lesson in lessons if lesson.kind == "video")
    quiz = next(lesson for lesson in lessons if lesson.kind == "quiz")
    slug = enrolment.course.slug
    learner = Client()
    learner.force_login(enrolment.user)
    manager = Client()
    manager.force_login(User.objects.get(email="manager@bench.test"))
    steps: list[tuple[str, Client, str, str, dict[str, str]]] = [
        ("dashboard", learner, "GET", "/learn/", {}),
        ("course page", learner, "GET", f"/courses/{slug}/", {}),
        ("lesson page", learner, "GET", f"/learn/courses/{slug}/lessons/{video.pk}/", {}),
        (
            "heartbeat",
            learner,
            "POST",
            f"/learn/lessons/{video.pk}/progress/",
            {"client": "x", "seq": "1", "position": "5", "intervals": "[[0,5]]"},
        ),
        ("quiz start", learner, "POST", f"/assessments/quiz/{slug}/{quiz.pk}/", {}),
        ("team matrix", manager, "GET", "/assignments/team/", {}),
    ]
    postgres = connection.vendor == "postgresql"
    for name, client, method, path, form in steps:
        client.get(path) if method == "GET" else None  # warm caches as in steady state
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path) if method == "GET" else client.post(path, form)
        print(f"\n## {name}: HTTP {response.status_code}, {len(captured)} queries")
        for query in captured.captured_queries:
            sql = query["sql"]
            print(f"- {float(query['time']) * 1000:.1f} ms  {sql[:160]}")
            if postgres and not sql.startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT")):
                for line in plan(connection, sql):
                    print(f"    {line}")


def plan(connection: Any, sql: str) -> list[str]:
    """The scans of one query's plan (sequential ones flagged), with times for SELECTs."""
    analyse = sql.lstrip().upper().startswith("SELECT") and "FOR UPDATE" not in sql.upper()
    with connection.cursor() as cursor:
        try:
            cursor.execute(("EXPLAIN ANALYZE " if analyse else "EXPLAIN ") + sql)
        except Exception as error:  # a statement EXPLAIN cannot take is reported, not fatal
            return [f"(no plan: {type(error).__name__})"]
        rows = [row[0] for row in cursor.fetchall()]
    found = []
    for line in rows:
        if re.search(r"Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan", line):
            marker = "!! " if "Seq Scan" in line else ""
            found.append(marker + line.strip())
        elif line.startswith("Execution Time"):
            found.append(line.strip())
    return found


if __name__ == "__main__":
    main()
