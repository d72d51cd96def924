"""Quiz load: many learners start a quiz attempt, autosave their answers and submit, at once.

`.venv/bin/python bench/quiz_load.py [--learners 64] [--concurrency 16] [--questions 10]
[--saves 3] [--json out.json]`, or `--quick` (6 learners, 3 threads) for a smoke run.

It builds a throw-away data folder (SQLite), or with DATABASE_URL set to PostgreSQL a
fresh database beside that one (dropped afterwards, as bench/compliance.py does), a
published course whose quiz draws
`--questions` single-choice questions, and `--learners` enrolled learners, then drives
Django's test client in-process from `--concurrency` threads (each thread has its own
database connection). Every learner: start the attempt, load the attempt page, autosave
the whole form `--saves` times, submit. A minimal view (/healthz) is timed in the same run
as the baseline; compare the ratios, not the absolute numbers. Each request's SQL queries
are counted. SQLite has one writer at a time, so concurrent saves wait for the lock;
requests that still fail ("database is locked") are counted, never hidden. PostgreSQL
runs them side by side, each thread on a pooled connection of its own.
"""

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

from compliance import throwaway_database  # bench/: a fresh SQLite folder or PG database

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("baseline /healthz", "start attempt", "attempt page", "autosave", "submit")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def build(learners: int, questions: int) -> tuple[str, int, list[Any]]:
    from lectio.accounts import services as accounts
    from lectio.assessments import services as bank
    from lectio.catalog import services as catalog
    from lectio.learning import services as learning

    instructor = accounts.create_person(email="i@bench.test", full_name="I", roles=["instructor"])
    category = bank.category_path(["Bench"])
    data = {"choices": [{"text": "<p>Right</p>", "fraction": 1}, {"text": "<p>Wrong</p>"}]}
    ids = [
        bank.create_question(
            category=category, type="single", prompt=f"<p>Question {n}?</p>", data=data,
            by=instructor,
        ).pk
        for n in range(questions)
    ]  # fmt: skip
    course = catalog.create_course(title="Bench quiz course", by=instructor)
    module = catalog.add_module(course, title="M")
    quiz = catalog.add_lesson(module, title="Quiz", kind_name="quiz")
    catalog.update_lesson(quiz, content={"question_ids": ids, "time_limit": 0})
    catalog.publish_course(course, by=instructor)
    course.refresh_from_db()
    people = []
    for n in range(learners):
        person = accounts.create_person(email=f"l{n}@bench.test", full_name=f"L {n}")
        learning.enroll(person, course, source="self")
        people.append(person)
    return course.slug, quiz.pk, people


def run(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # Static files by their plain names, as in the tests and bench/compliance.py.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    slug, quiz, people = build(args.learners, args.questions)
    timings: dict[str, list[float]] = {step: [] for step in STEPS}
    queries: dict[str, int] = dict.fromkeys(STEPS, 0)
    errors: list[str] = []
    submitted = 0
    lock = threading.Lock()

    def call(client: Client, step: str, method: str, path: str, data: Any = None) -> Any:
        started = time.perf_counter()
        try:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path) if method == "GET" else client.post(path, data or {})
        except Exception as exc:  # a failed request is a result to report
            with lock:
                errors.append(f"{step}: {type(exc).__name__}: {exc}")
            return None
        elapsed = time.perf_counter() - started
        with lock:
            timings[step].append(elapsed)
            queries[step] = max(queries[step], len(captured))
            if response.status_code >= 400:
                errors.append(f"{step}: HTTP {response.status_code}")
        return response

    def learner(person: Any) -> None:
        nonlocal submitted
        client = Client(SERVER_NAME="localhost")
        client.force_login(person)
        call(client, "baseline /healthz", "GET", "/healthz")
        started = call(client, "start attempt", "POST", f"/assessments/quiz/{slug}/{quiz}/")
        if started is None or started.status_code != 302:
            return
        attempt = started["Location"]
        call(client, "attempt page", "GET", attempt)
        form: dict[str, str] = {}
        for save in range(args.saves):
            for slot in range(1, args.questions + 1):
                form[f"s{slot}-shown"] = "1"
                form[f"s{slot}-choice"] = "c1" if (slot + save) % 2 else "c2"
            call(client, "autosave", "POST", f"{attempt}save/", form)
        done = call(client, "submit", "POST", f"{attempt}submit/")
        if done is not None and done.status_code == 302:
            with lock:
                submitted += 1
        connection.close()

    warm = Client(SERVER_NAME="localhost")
    for _ in range(3):  # imports and URL resolving happen once, outside the timings
        warm.get("/healthz")
    queue = list(people)

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                person = queue.pop()
            learner(person)

    began = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - began
    baseline = statistics.median(timings["baseline /healthz"] or [1.0])
    return {
        "learners": args.learners,
        "concurrency": args.concurrency,
        "questions": args.questions,
        "saves": args.saves,
        "submitted": submitted,
        "seconds": round(wall, 2),
        "requests_per_second": round(sum(len(v) for v in timings.values()) / wall, 1),
        "errors": len(errors),
        "error_samples": errors[:10],
        "locked": sum("locked" in e for e in errors),
        "steps": {
            step: {
                "requests": len(values),
                "max_queries": queries[step],
                "p50_ms": round(percentile(values, 0.5), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
                "p99_ms": round(percentile(values, 0.99), 1),
                "p50_vs_baseline": round(statistics.median(values) / baseline, 1),
            }
            for step, values in timings.items()
            if values
        },
        "cpus": os.cpu_count(),
    }


def table(results: dict[str, Any]) -> str:
    lines = [
        f"{results['database']}: {results['learners']} learners, {results['concurrency']} threads, "
        f"{results['questions']} questions, {results['saves']} autosaves each: "
        f"{results['submitted']} submitted in {results['seconds']} s, "
        f"{results['requests_per_second']} requests/s, {results['errors']} errors "
        f"({results['locked']} database locked)",
        "| step | requests | queries | p50 ms | p95 ms | p99 ms | vs baseline |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for step, s in results["steps"].items():
        lines.append(
            f"| {step} | {s['requests']} | {s['max_queries']} | {s['p50_ms']} | {s['p95_ms']} "
            f"| {s['p99_ms']} | {s['p50_vs_baseline']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Quiz attempts under load.")
    parser.add_argument("--learners", type=int, default=64)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--saves", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="6 learners, 3 threads")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if args.quick:
        args.learners, args.concurrency, args.questions = 6, 3, 3
    sys.path.insert(0, str(ROOT))
    # One pooled connection per thread on PostgreSQL, and a few to spare.
    os.environ.setdefault("DATABASE_POOL_MAX", str(args.concurrency + 4))
    with throwaway_database() as database:
        (Path(os.environ["LECTIO_DATA_DIR"]) / "static").mkdir()  # whitenoise looks for it
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lectio.settings")
        results = {"database": database, **run(args)}
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
