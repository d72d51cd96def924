"""CPU per learner request, in-process, with the functions it goes to.

    .venv/bin/python bench/profile_steps.py [--size tiny] [--requests 200] [--top 25]
    DATABASE_URL=postgres://lectio:lectio@127.0.0.1:5432/lectio_pages \
        .venv/bin/python bench/profile_steps.py --size tiny

In a throw-away data folder (on PostgreSQL a throw-away database beside the one named by
``DATABASE_URL``, dropped afterwards: ``bench/compliance.py``'s), it migrates, collects the
static files (the manifest storage, as in production), generates ``bench/dataset.py``'s
data set of ``--size`` and plays its first driven learner with Django's test client
(CSRF enforced, their session cookie): the suite's learner steps — dashboard, course page,
lesson page, video heartbeat, quiz attempt (start, page, autosave, submit) — and, as the
floor, ``/healthz`` without a session. Each step gets a few warm-up requests, one counted
for its SQL queries, then ``--requests`` timed ones in five batches whose process CPU time
(``time.process_time``) gives ms per request: the fastest batch's (the least disturbed by
other work on the machine) and the median; then as many again under cProfile with a CPU
clock for the ``--top`` functions by their own and by cumulative time, and the Python
function calls per request (a count: unlike times, free of the machine's noise;
``--no-profile`` skips all that). ``--sql`` prints each step's queries, ``--steps``
picks some steps, ``--json`` writes the figures to a file.

Compare figures from the same machine and run; the suite (``bench/suite.py``) is what
measures a real server under concurrency.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BATCHES = 5
STEPS = ("healthz", "dashboard", "course page", "lesson page", "heartbeat", "quiz attempt")


class Learner:
    """The driven learner: a test client with their session, and what they walk."""

    def __init__(self, walker: Any) -> None:
        from django.test import Client

        self.walker = walker
        self.client = Client(SERVER_NAME="localhost", enforce_csrf_checks=True)
        self.client.cookies["sessionid"] = walker.session
        self.anonymous = Client(SERVER_NAME="localhost")
        self.seq = 0
        self.lesson = f"/learn/courses/{walker.slug}/lessons/{walker.video}/"
        self.client_id = f"profile-{os.getpid()}-{time.time_ns()}"

    @property
    def token(self) -> str:
        cookie = self.client.cookies.get("csrftoken")
        if cookie is None:
            self.expect(self.client.get(self.lesson), 200)
            cookie = self.client.cookies["csrftoken"]
        return str(cookie.value)

    @staticmethod
    def expect(response: Any, status: int) -> Any:
        if response.status_code != status:
            raise AssertionError(f"{response.status_code} (expected {status}): {response}")
        return response

    def post(self, path: str, form: dict[str, str], **extra: Any) -> Any:
        """A form post as browsers (and the suite's driver) send it: URL-encoded."""
        body = urlencode(form)
        return self.client.post(path, body, "application/x-www-form-urlencoded", **extra)

    def healthz(self) -> None:
        self.expect(self.anonymous.get("/healthz"), 200)

    def dashboard(self) -> None:
        self.expect(self.client.get("/learn/"), 200)

    def course_page(self) -> None:
        self.expect(self.client.get(f"/courses/{self.walker.slug}/"), 200)

    def lesson_page(self) -> None:
        self.expect(self.client.get(self.lesson), 200)

    def heartbeat(self) -> None:
        self.seq += 1
        position = (self.seq * 10) % 590
        form = {
            "csrfmiddlewaretoken": self.token,
            "client": self.client_id,
            "seq": str(self.seq),
            "position": str(position),
            "intervals": json.dumps([[position, position + 10]]),
            "active_seconds": "10",
        }
        self.expect(self.post(f"/learn/lessons/{self.walker.video}/progress/", form), 200)

    def quiz_attempt(self) -> None:
        token = {"csrfmiddlewaretoken": self.token}
        start = self.post(f"/assessments/quiz/{self.walker.slug}/{self.walker.quiz}/", token)
        self.expect(start, 302)
        attempt = urlsplit(start["Location"]).path
        self.expect(self.client.get(attempt), 200)
        form = dict(token)
        for slot in range(1, 6):
            form[f"s{slot}-shown"] = "1"
            form[f"s{slot}-choice"] = "c1" if (self.seq + slot) % 2 else "c2"
        self.expect(self.post(f"{attempt}save/", form, headers={"HX-Request": "true"}), 200)
        self.expect(self.post(f"{attempt}submit/", token), 302)

    def step(self, name: str) -> tuple[Callable[[], None], int]:
        """The step's function and how many HTTP requests one call makes."""
        if name == "quiz attempt":
            return self.quiz_attempt, 4
        return getattr(self, name.replace(" ", "_")), 1


def queries_of(run: Callable[[], None]) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    return [query["sql"] for query in captured.captured_queries]


def measure(
    learner: Learner, name: str, requests: int, top: int, profile: bool, sql: bool
) -> dict[str, Any]:
    run, per_call = learner.step(name)
    calls = max(1, requests // per_call)
    for _ in range(3):  # warm: caches, template loader, connection
        run()
    queries = queries_of(run)
    if sql:
        print(f"===== {name}: {len(queries)} queries =====", *queries, sep="\n")
    # Five batches: the fastest is the figure (others' work on a shared machine only ever
    # adds CPU time, through caches and frequency), the median shows the spread.
    batches = []
    for _ in range(BATCHES):
        started = time.process_time()
        for _ in range(max(1, calls // BATCHES)):
            run()
        elapsed = time.process_time() - started
        batches.append(elapsed * 1000 / (max(1, calls // BATCHES) * per_call))
    result: dict[str, Any] = {
        "step": name,
        "queries": len(queries),
        "cpu_ms": round(min(batches), 2),
        "median_ms": round(statistics.median(batches), 2),
    }
    if profile:
        profiler = cProfile.Profile(time.process_time)  # CPU, not waits
        profiler.enable()
        for _ in range(calls):
            run()
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        # Python function calls per request: a count, so free of the machine's noise.
        result["calls"] = round(stats.total_calls / (calls * per_call))  # type: ignore[attr-defined]
        stats.sort_stats("tottime").print_stats(top)
        stats.sort_stats("cumulative").print_stats(top)
        result["profile"] = out.getvalue()
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="CPU per learner request, in-process.")
    parser.add_argument("--size", default="tiny", choices=("tiny", "small"))
    parser.add_argument("--requests", type=int, default=200, help="Timed requests a step.")
    parser.add_argument("--top", type=int, default=25, help="Functions listed per profile.")
    parser.add_argument("--steps", nargs="*", choices=STEPS, default=list(STEPS))
    parser.add_argument("--no-profile", action="store_true", help="Only the CPU ms.")
    parser.add_argument("--sql", action="store_true", help="Print each step's SQL.")
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lectio.settings")
    from compliance import throwaway_database

    with throwaway_database() as engine:
        import django

        django.setup()
        import dataset
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        data = dataset.generate(args.size, walkers=1, statements=0)
        learner = Learner(data.learners[0])
        results = []
        for name in args.steps:
            result = measure(learner, name, args.requests, args.top, not args.no_profile, args.sql)
            results.append(result)
            if "profile" in result:
                print(f"===== {name} =====\n{result['profile']}")
    print(f"\nCPU per request, in-process ({engine}, {args.size}, {args.requests} requests):")
    print("| step | queries | CPU ms/request | median of 5 batches | calls/request |")
    print("|---|---:|---:|---:|---:|")
    for result in results:
        figures = f"{result['cpu_ms']:.2f} | {result['median_ms']:.2f} | {result.get('calls', '')}"
        print(f"| {result['step']} | {result['queries']} | {figures} |")
    if args.json:
        for result in results:
            result.pop("profile", None)
        args.json.write_text(json.dumps({"engine": engine, "size": args.size, "steps": results}))


if __name__ == "__main__":
    main()
