"""The benchmark suite: one command, a generated data set, load from a separate process
against the production server, a baseline in the same run, a JSON and Markdown report.

    .venv/bin/python bench/suite.py --size small            # SQLite in a throw-away folder
    DATABASE_URL=postgres://… .venv/bin/python bench/suite.py --size medium

1. A throw-away data folder (and on PostgreSQL a throw-away database beside the one named
   by ``DATABASE_URL``, dropped afterwards); ``lectio migrate``, ``collectstatic``, then the
   data set of ``--size`` (``bench/dataset.py``) with signed-in sessions for the people
   the driver plays.
2. ``lectio serve`` (gunicorn; ``--workers``/``--threads`` or its defaults) started with
   ``LECTIO_BENCH=1``: ``/bench/baseline`` answers without touching the database and every
   response carries its SQL query count (``lectio/benchmarking.py``).
3. This process drives it over HTTP from threads. At each ``--concurrency`` level: the
   baseline alone, then each learner step alone (dashboard, course page, lesson page,
   video heartbeat, quiz attempt = start → page → autosave → submit) for ``--seconds``
   each — requests/s, p50/p95/p99, errors, queries, server CPU — then the learner's whole
   walk mixed, once clean and once with ``--bad-share`` of bad requests (expired sessions,
   forged heartbeats, stale CSRF tokens), which must all be refused with a 4xx. Then the
   manager's team matrix (sequential) and the administrator's compliance CSV export (its
   rows, time and the serving process's memory growth).
4. ``bench/results/<database>-<size>-<time>.json`` and ``.md`` (git-ignored).

Figures are also given as ratios to the baseline of the same level, which is what to
compare across machines and runs.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from driver import (  # bench/driver.py, found by the path above
    LECTIO,
    OK,
    OK_302,
    REFUSED,
    Answer,
    Browser,
    Phase,
    Sampler,
    Tally,
    add_server_options,
    ok_status,
    server,
    throwaway,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LEARNER_STEPS = ("dashboard", "course page", "lesson page", "heartbeat", "quiz attempt")
QUIZ_PARTS = ("quiz start", "quiz page", "quiz autosave", "quiz submit")
# The LRS's steps (xAPI, HTTP Basic): the spec's two common queries and a batch POST.
LRS_STEPS = ("lrs: GET agent+verb", "lrs: GET activity+since", "lrs: batch POST (10)")
LRS_BATCH = 10
# Heartbeat clients are new in every run: a kept data set's progress rows remember the
# sequence numbers of earlier runs, which would make repeated ones no-ops.
RUN = os.urandom(4).hex()


# The learner's steps ---------------------------------------------------------------------


class People:
    """The walkers of the data set, each with a browser per driver thread."""

    def __init__(self, port: int, data: dict[str, Any], concurrency: int) -> None:
        self.port = port
        self.learners = data["learners"]
        self.browsers: dict[tuple[int, int], Browser] = {}
        self.seq: dict[int, int] = {}
        self.concurrency = concurrency
        # Fewer people than threads: some threads play the same person, whose second
        # concurrent quiz attempt the app rightly refuses with 409 (not an error then).
        self.shared = len(self.learners) < concurrency
        self.lrs: dict[str, Any] = data.get("lrs") or {}
        self.rng = random.Random(concurrency)  # noqa: S311 - made-up load, repeatable

    def learner(self, index: int) -> tuple[dict[str, Any], Browser]:
        """Thread ``index``'s learner (threads share learners only when there are fewer
        learners than threads)."""
        n = index % len(self.learners)
        key = (index, n)
        if key not in self.browsers:
            browser = Browser(self.port, self.learners[n]["session"])
            self.browsers[key] = browser
        return self.learners[n], self.browsers[key]

    def anonymous(self, index: int) -> Browser:
        key = (index, -1)
        if key not in self.browsers:
            self.browsers[key] = Browser(self.port)
        return self.browsers[key]

    def close(self) -> None:
        for browser in self.browsers.values():
            browser.close()


def ensure_token(person: dict[str, Any], browser: Browser, phase: Phase | None = None) -> None:
    if not browser.token:
        answer = browser.request(
            "GET", f"/learn/courses/{person['slug']}/lessons/{person['video']}/"
        )
        if phase is not None:
            phase.record("lesson page", answer, OK)


def heartbeat(
    people: People, index: int, person: dict[str, Any], browser: Browser
) -> tuple[str, dict[str, str]]:
    seq = people.seq.get(index, 0) + 1
    people.seq[index] = seq
    position = (seq * 10) % 590
    form = {
        "csrfmiddlewaretoken": browser.token,
        "client": f"bench-{RUN}-{index}",
        "seq": str(seq),
        "position": str(position),
        "intervals": json.dumps([[position, position + 10]]),
        "active_seconds": "10",
    }
    return f"/learn/lessons/{person['video']}/progress/", form


def step(name: str, people: People, index: int, phase: Phase) -> None:
    person, browser = people.learner(index)
    slug = person["slug"]
    if name == "baseline":
        # No cookies: the smallest request the stack serves (with the session cookie the
        # middleware would load the session and the person: two queries).
        anonymous = people.anonymous(index)
        phase.record("baseline", anonymous.request("GET", "/bench/baseline"), OK)
    elif name == "dashboard":
        phase.record(name, browser.request("GET", "/learn/"), OK)
    elif name == "course page":
        phase.record(name, browser.request("GET", f"/courses/{slug}/"), OK)
    elif name == "lesson page":
        answer = browser.request("GET", f"/learn/courses/{slug}/lessons/{person['video']}/")
        phase.record(name, answer, OK)
    elif name == "heartbeat":
        ensure_token(person, browser)
        path, form = heartbeat(people, index, person, browser)
        phase.record(name, browser.request("POST", path, form), OK)
    elif name == "quiz attempt":
        ensure_token(person, browser)
        started = time.perf_counter()
        token = {"csrfmiddlewaretoken": browser.token}
        answer = browser.request("POST", f"/assessments/quiz/{slug}/{person['quiz']}/", token)
        phase.record("quiz start", answer, quiz_start_ok(people))
        if answer.status != 302:
            return
        attempt = urlsplit(answer.location).path
        phase.record("quiz page", browser.request("GET", attempt), OK)
        form = dict(token)
        for slot in range(1, 6):
            form[f"s{slot}-shown"] = "1"
            form[f"s{slot}-choice"] = random.choice(("c1", "c2"))  # noqa: S311
        save = browser.request("POST", f"{attempt}save/", form, extra={"HX-Request": "true"})
        # (A shared person's attempt may be submitted by the other thread meanwhile: 409.)
        phase.record("quiz autosave", save, ok_status(200, 409) if people.shared else OK)
        done = browser.request("POST", f"{attempt}submit/", token)
        phase.record("quiz submit", done, OK_302)
        # The whole attempt (four requests) as one: its rate is attempts/s.
        whole = Answer(done.status, time.perf_counter() - started, None, "", b"")
        phase.record("quiz attempt", whole, OK_302)
    elif name in LRS_STEPS:
        lrs_step(name, people, index, phase)
    else:
        raise ValueError(name)


def quiz_start_ok(people: People) -> Callable[[Answer], bool]:
    """302 to the new attempt; 409 "attempt in progress" is the app's right answer only
    when another thread plays the same person — with a person of its own, an error."""
    return ok_status(302, 409) if people.shared else OK_302


def lrs_step(name: str, people: People, index: int, phase: Phase) -> None:
    """One xAPI request with the data set's LRS credentials: statements of a random
    person by a random verb, of a random activity since the newest tenth of the store, or
    a batch of new statements."""
    import base64
    from urllib.parse import urlencode

    sys.path.insert(0, str(ROOT))
    from lectio.xapi import bench as xapi_bench  # plain functions, no Django

    lrs, rng = people.lrs, people.rng
    browser = people.anonymous(index)
    token = base64.b64encode(f"{lrs['key']}:{lrs['secret']}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
    if name == LRS_STEPS[0]:
        query = {
            "agent": json.dumps(xapi_bench.agent(rng.randrange(lrs["agents"]))),
            "verb": rng.choice(xapi_bench.VERBS),
        }
        answer = browser.request("GET", f"/xapi/statements?{urlencode(query)}", extra=headers)
    elif name == LRS_STEPS[1]:
        query = {
            "activity": xapi_bench.activity(rng.randrange(lrs["activities"])),
            "since": lrs["since"],
        }
        answer = browser.request("GET", f"/xapi/statements?{urlencode(query)}", extra=headers)
    else:
        batch = [
            xapi_bench.statement(rng, lrs["agents"], lrs["activities"]) for _ in range(LRS_BATCH)
        ]
        answer = browser.request(
            "POST", "/xapi/statements", extra=headers, json_body=json.dumps(batch)
        )
    phase.record(name, answer, OK)


BAD = ("bad: expired session", "bad: forged heartbeat", "bad: stale CSRF token")


def bad_request(kind: str, people: People, index: int, phase: Phase) -> None:
    """A request the server must refuse with a 4xx and that must change nothing."""
    person, browser = people.learner(index)
    ensure_token(person, browser)
    path, form = heartbeat(people, index, person, browser)
    if kind == BAD[0]:
        # A session the server no longer knows (expired, or signed out elsewhere).
        stranger = Browser(people.port, "expired" + "x" * 25)
        stranger.cookies["csrftoken"] = browser.token
        answer = stranger.request("POST", path, form)
        stranger.close()
    elif kind == BAD[1]:
        # A heartbeat for a lesson of a course the learner is not enrolled in.
        forged = f"/learn/lessons/{person['foreign_lesson']}/progress/"
        answer = browser.request("POST", forged, form)
    else:
        # A token from an earlier cookie (rotated at sign-in): CSRF refuses it.
        form["csrfmiddlewaretoken"] = "A" * 32
        answer = browser.request("POST", path, form)
    phase.record(kind, answer, REFUSED)


def walk(people: People, index: int, phase: Phase, *, bad_share: float) -> None:
    """The learner's journey: dashboard → course → lesson → 3 heartbeats → quiz."""
    for name in ("dashboard", "course page", "lesson page", "heartbeat", "heartbeat", "heartbeat"):
        if bad_share and random.random() < bad_share:  # noqa: S311
            bad_request(random.choice(BAD), people, index, phase)  # noqa: S311
        step(name, people, index, phase)
    step("quiz attempt", people, index, phase)


# Suite -----------------------------------------------------------------------------------


def generate_in_child(args: argparse.Namespace) -> None:
    """``--generate FILE``: build the data set in this (child) process, write the walkers."""
    from dataclasses import asdict

    import django

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    django.setup()
    import dataset  # bench/dataset.py

    made = dataset.generate(
        args.size, walkers=args.walkers, people=args.people, statements=args.statements
    )
    Path(args.generate).write_text(json.dumps(asdict(made)))


@contextmanager
def prepared(
    args: argparse.Namespace, levels: list[int]
) -> Iterator[tuple[dict[str, str], dict[str, Any]]]:
    """The server's environment and the data set: generated, or with ``--reuse`` one kept
    by an earlier ``--keep`` run (for tuning runs that change only settings)."""
    if args.reuse:
        data = json.loads((args.reuse / "bench-data.json").read_text())
        people = len({learner["email"] for learner in data["learners"]})
        if people < max(levels):
            # Threads would share people: their quiz attempts conflict and heartbeats
            # queue on one row, which measures something else (issue 8's first runs).
            raise SystemExit(
                f"the kept data set has sessions for {people} people, fewer than the "
                f"{max(levels)} threads asked: keep one with --walkers {max(levels)} or more"
            )
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="lectio.settings")
        env.update(data.pop("env"))
        args.database = "postgresql" if "DATABASE_URL" in env else "sqlite"
        args.size = data.get("size", args.size)
        yield env, data
        return
    with throwaway(args.database, args.keep) as env:
        started = time.perf_counter()
        quiet = {"env": env, "check": True, "capture_output": True}
        subprocess.run([LECTIO, "migrate", "--noinput"], **quiet)  # type: ignore[call-overload]  # noqa: S603
        subprocess.run([LECTIO, "collectstatic", "--noinput"], **quiet)  # type: ignore[call-overload]  # noqa: S603
        out = Path(env["LECTIO_DATA_DIR"]) / "bench-data.json"
        # A kept data set serves later runs at any level: sessions for 128 people at least
        # (with fewer, threads share a person, whose quiz attempts then conflict).
        walkers = args.walkers or max(*levels, 128 if args.keep else 1)
        generate = [sys.executable, __file__, "--generate", str(out), "--size", args.size]
        generate += ["--walkers", str(walkers)]
        if args.people:
            generate += ["--people", str(args.people)]
        if args.statements is not None:
            generate += ["--statements", str(args.statements)]
        subprocess.run(generate, **quiet)  # type: ignore[call-overload]  # noqa: S603
        data = json.loads(out.read_text())
        data["setup_seconds"] = round(time.perf_counter() - started, 1)
        kept = {k: env[k] for k in ("LECTIO_DATA_DIR", "DATABASE_URL") if k in env}
        out.write_text(json.dumps({**data, "env": {**kept, "LECTIO_BENCH": "1"}}))
        yield env, data


def run(args: argparse.Namespace) -> dict[str, Any]:
    levels = [int(level) for level in args.concurrency.split(",")]
    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": args.database,
        "size": args.size,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "settings": {
            "workers": args.workers or os.environ.get("WEB_WORKERS", "default"),
            "threads": args.threads or os.environ.get("WEB_THREADS", "default"),
            "seconds_per_phase": args.seconds,
            "bad_share": args.bad_share,
            **{k: os.environ[k] for k in ("SESSION_ENGINE", "REDIS_URL") if k in os.environ},
        },
    }
    with prepared(args, levels) as (env, data), tempfile.TemporaryDirectory() as scratch:
        # --reuse tells both from the kept data set
        results["database"], results["size"] = args.database, args.size
        results["data"] = {
            k: v for k, v in data.items() if k not in {"learners", "managers", "administrators"}
        }
        results["data"]["setup_seconds"] = data["setup_seconds"]
        # Every driven learner is a different person (one per thread at the top level).
        results["data"]["driven_people"] = len({w["email"] for w in data["learners"]})
        results["data"].pop("lrs", None)  # credentials stay out of the report
        log = Path(scratch) / "server.log"
        with server(env, args, log) as (port, pid):
            sampler = Sampler(pid).start()
            results["levels"] = [measure_level(port, pid, data, level, args) for level in levels]
            if "reports" in args.steps:
                results["team_matrix"] = team_matrix(port, pid, data, args)
                results["compliance_export"] = export(port, pid, data)
            sampler.stop()
            results["server"] = {
                "processes": len(sampler.peak),
                "peak_rss_mib_total": round(sampler.peak_total / 2**20, 1),
                "peak_rss_mib_per_process": sorted(
                    (round(v / 2**20, 1) for v in sampler.peak.values()), reverse=True
                ),
            }
        server_errors = [
            line for line in log.read_text(errors="replace").splitlines() if "Error" in line
        ]
        results["server"]["log_errors"] = server_errors[:20]
    results["targets"] = targets(results)
    return results


def measure_level(
    port: int, pid: int, data: dict[str, Any], level: int, args: argparse.Namespace
) -> dict[str, Any]:
    people = People(port, data, level)
    # Every thread's browser gets its CSRF cookie (and the server its imports) untimed.
    warm = Phase(pid)
    for index in range(level):
        person, browser = people.learner(index)
        ensure_token(person, browser, warm)
    phases: dict[str, Any] = {}
    names = [n for n in LEARNER_STEPS if n in args.steps]
    if "lrs" in args.steps and data.get("lrs"):
        names += LRS_STEPS
    for name in ("baseline", *names):
        phase = Phase(pid)
        phases[name] = phase.run(level, args.seconds, partial(step, name, people))
    base = phases["baseline"]["steps"]["baseline"]
    walks = {}
    for label, share in (("walk", 0.0), ("walk with bad requests", args.bad_share)):
        if "walk" not in args.steps:
            break
        phase = Phase(pid)
        walks[label] = phase.run(level, args.seconds, partial(walk, people, bad_share=share))
    people.close()
    steps: dict[str, Any] = {}
    base_cpu = cpu_per_request(phases["baseline"])
    for name, phase_result in phases.items():
        cpu = cpu_per_request(phase_result)
        for sub, summary in phase_result["steps"].items():
            if sub == "driver" or (name == "quiz attempt" and sub == "lesson page"):
                continue
            if sub == "quiz attempt":
                # Four requests each: compare the requests it makes per second.
                summary["requests_per_second"] = round(summary["requests_per_second"] * 4, 1)
                summary["requests"] *= 4
            summary["vs_baseline_rps"] = round(
                summary["requests_per_second"] / base["requests_per_second"], 3
            )
            summary["vs_baseline_p50"] = (
                round(summary["p50_ms"] / base["p50_ms"], 1) if base["p50_ms"] else None
            )
            summary["server_cpu_cores"] = phase_result["server_cpu_cores"]
            # The server's CPU time per request of the phase: what a request costs, which
            # other work on the machine changes far less than requests/s.
            summary["server_cpu_ms"] = cpu
            summary["vs_baseline_cpu"] = round(cpu / base_cpu, 1) if base_cpu else None
            steps[sub] = summary
        for error in phase_result["steps"].get("driver", Tally().summary(1))["error_samples"]:
            steps.setdefault("driver errors", []).append(error)
    return {
        "concurrency": level,
        "baseline_rps": base["requests_per_second"],
        "steps": steps,
        "walks": walks,
    }


def cpu_per_request(phase: dict[str, Any]) -> float:
    """Milliseconds of server CPU per request in a phase (the quiz's four count as four)."""
    requests = sum(
        s["requests"]
        for name, s in phase["steps"].items()
        if name not in {"driver", "quiz attempt"}
    )
    return round(phase["server_cpu_seconds"] * 1000 / requests, 2) if requests else 0.0


def team_matrix(
    port: int, pid: int, data: dict[str, Any], args: argparse.Namespace
) -> dict[str, Any]:
    manager = Browser(port, data["managers"][0]["session"])
    manager.request("GET", "/assignments/team/")  # warm: the column choice is cached
    phase = Phase(pid)
    for _ in range(args.matrix_runs):
        phase.record("team matrix", manager.request("GET", "/assignments/team/"), OK)
    manager.close()
    summary = phase.tallies["team matrix"].summary(1)
    summary["team"] = data["team"]
    summary.pop("requests_per_second")
    return summary


def export(port: int, pid: int, data: dict[str, Any]) -> dict[str, Any]:
    """The whole organisation's compliance CSV, twice; memory of the serving processes
    sampled every 50 ms against what they held just before."""
    admin = Browser(port, data["administrators"][0]["session"])
    runs = []
    for _ in range(2):
        sampler = Sampler(pid)
        before = sampler.sample()
        sampler.start()
        answer = admin.request("GET", "/reports/compliance.csv", stream=True)
        sampler.stop()
        growth = max((sampler.peak.get(p, 0) - size for p, size in before.items()), default=0)
        size = int(answer.body or 0)
        runs.append(
            {
                "status": answer.status,
                "seconds": round(answer.seconds, 2),
                "bytes": size,
                "queries_before_first_byte": answer.queries,
                "memory_growth_mib": round(growth / 2**20, 1),
            }
        )
    admin.close()
    return {"rows": data["obligations"], "runs": runs}


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 8's targets at concurrency 32 (or the level nearest it), met or missed."""
    levels = results.get("levels") or []
    if not levels:
        return []
    level = min(levels, key=lambda lv: abs(lv["concurrency"] - 32))
    found: list[dict[str, Any]] = []
    for name in ("dashboard", "course page", "lesson page", "quiz attempt"):
        s = level["steps"].get(name)
        if s:
            found.append(
                {
                    "target": f"{name}: ≥ 25% of baseline requests/s",
                    "value": s["vs_baseline_rps"],
                    "met": s["vs_baseline_rps"] >= 0.25,
                }
            )
    for name in ("dashboard", "course page", "lesson page", *QUIZ_PARTS):
        s = level["steps"].get(name)
        if s:
            found.append(
                {"target": f"{name}: p95 < 150 ms", "value": s["p95_ms"], "met": s["p95_ms"] < 150}
            )
    s = level["steps"].get("heartbeat")
    if s:
        found.append(
            {
                "target": "heartbeat: ≥ 50% of baseline requests/s",
                "value": s["vs_baseline_rps"],
                "met": s["vs_baseline_rps"] >= 0.5,
            }
        )
        found.append(
            {"target": "heartbeat: p95 < 150 ms", "value": s["p95_ms"], "met": s["p95_ms"] < 150}
        )
    errors = sum(
        s["errors"]
        for name, s in level["steps"].items()
        if isinstance(s, dict) and not name.startswith("bad")
    )
    found.append(
        {"target": "zero errors on learner (and LRS) steps", "value": errors, "met": errors == 0}
    )
    bad = [s for w in level["walks"].values() for n, s in w["steps"].items() if n.startswith("bad")]
    found.append(
        {
            "target": "bad requests: all 4xx, no 5xx",
            "value": sum(b["errors"] for b in bad),
            "met": all(b["errors"] == 0 for b in bad),
        }
    )
    if "team_matrix" in results:
        matrix = results["team_matrix"]
        found.append(
            {
                "target": f"team matrix ({matrix['team']:,} people) < 1 s (p95)",
                "value": matrix["p95_ms"],
                "met": matrix["p95_ms"] < 1000,
            }
        )
        growth = max(r["memory_growth_mib"] for r in results["compliance_export"]["runs"])
        rows = results["compliance_export"]["rows"]
        found.append(
            {
                "target": f"compliance export ({rows:,} rows): memory growth < 50 MB",
                "value": growth,
                "met": growth * 1.048576 < 50,
            }
        )
    for t in found:
        t["at_concurrency"] = level["concurrency"]
    return found


def row(*cells: object) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def markdown(results: dict[str, Any]) -> str:
    d, conf = results["data"], results["settings"]
    lines = [
        f"# Bench suite: {results['database']}, {results['size']} ({results['started']})",
        "",
        f"{d['people']:,} people, {d['courses']} courses, {d['enrolments']:,} enrolments, "
        f"{d['progress_rows']:,} lesson-progress rows, {d['obligations']:,} obligations; "
        f"xAPI statements: {d['statements']}. Set up in {d['setup_seconds']} s. "
        f"{results['cpus']} CPUs, load average before {results['load_average'][0]:.1f}; "
        f"server workers {conf['workers']}, threads {conf['threads']}.",
        "",
    ]
    for level in results["levels"]:
        lines += [
            f"## Concurrency {level['concurrency']} "
            f"(baseline {level['baseline_rps']} requests/s)",
            "",
            row("step", "requests/s", "vs baseline", "p50 ms", "p95 ms", "p99 ms", "errors",
                "queries", "server CPU", "CPU ms/request", "CPU vs baseline"),
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]  # fmt: skip
        for name, s in level["steps"].items():
            if isinstance(s, dict):
                lines.append(
                    row(name, s["requests_per_second"], s["vs_baseline_rps"], s["p50_ms"],
                        s["p95_ms"], s["p99_ms"], s["errors"], s["queries_max"],
                        s["server_cpu_cores"], s["server_cpu_ms"], s["vs_baseline_cpu"])
                )  # fmt: skip
        for label, w in level["walks"].items():
            total = sum(s["requests"] for s in w["steps"].values())
            lines += [
                "",
                f"**{label}**: {round(total / w['seconds'], 1)} requests/s, "
                f"server CPU {w['server_cpu_cores']} cores",
                "",
                row("step", "requests", "p50 ms", "p95 ms", "errors", "statuses"),
                "|---|---:|---:|---:|---:|---|",
            ]
            for name, s in w["steps"].items():
                statuses = ", ".join(f"{k}: {v}" for k, v in s["statuses"].items())
                lines.append(
                    row(name, s["requests"], s["p50_ms"], s["p95_ms"], s["errors"], statuses)
                )
        lines.append("")
    m = results.get("team_matrix")
    if m is None:
        return "\n".join(lines) + "\n"
    lines += [
        "## Manager and administrator",
        "",
        f"- Team matrix, {m['team']:,} people: p50 {m['p50_ms']} ms, p95 {m['p95_ms']} ms, "
        f"{m['queries_max']} queries, {m['errors']} errors.",
    ]
    rows = results["compliance_export"]["rows"]
    for run in results["compliance_export"]["runs"]:
        lines.append(
            f"- Compliance CSV, {rows:,} rows: HTTP {run['status']}, {run['seconds']} s, "
            f"{run['bytes']:,} bytes, memory growth {run['memory_growth_mib']} MiB."
        )
    s = results["server"]
    lines += [
        f"- Server: {s['processes']} processes, peak RSS {s['peak_rss_mib_total']} MiB in all "
        f"({', '.join(map(str, s['peak_rss_mib_per_process']))}).",
        "",
        "## Targets",
        "",
        "| target | value | met |",
        "|---|---:|---|",
    ]
    for t in results["targets"]:
        met = "yes" if t["met"] else "**no**"
        lines.append(row(f"{t['target']} (c={t['at_concurrency']})", t["value"], met))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Lectio's benchmark suite.")
    parser.add_argument("--size", choices=("tiny", "small", "medium"), default="medium")
    parser.add_argument("--people", type=int, help="override the size's head count")
    add_server_options(parser)
    parser.add_argument("--concurrency", default="8,32,128", help="levels, comma-separated")
    parser.add_argument("--seconds", type=float, default=10.0, help="per phase")
    parser.add_argument("--bad-share", type=float, default=0.1)
    parser.add_argument("--statements", type=int, help="override the size's xAPI statements")
    parser.add_argument("--walkers", type=int, help="driven learners (default: the top level)")
    parser.add_argument("--matrix-runs", type=int, default=5)
    parser.add_argument(
        "--steps",
        default=",".join((*LEARNER_STEPS, "lrs", "walk", "reports")),
        help="what to measure besides the baseline (for tuning runs), comma-separated",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep the data set afterwards")
    parser.add_argument("--reuse", type=Path, help="the data folder of a --keep run")
    parser.add_argument("--generate", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.steps = set(args.steps.split(","))
    if args.generate:
        generate_in_child(args)
        return
    results = run(args)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"{args.database}-{args.size}-{results['started'].replace(':', '')}"
    (args.out / f"{stem}.json").write_text(json.dumps(results, indent=2))
    (args.out / f"{stem}.md").write_text(markdown(results))
    print(markdown(results))
    print(f"Written: {args.out / stem}.json and .md")


if __name__ == "__main__":
    main()
