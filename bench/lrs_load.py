"""LRS load: a store of many statements, then writers and readers at the xAPI endpoints of
the production server.

`.venv/bin/python bench/lrs_load.py [--store 1000000] [--agents 5000] [--writers 8]
[--seconds 20] [--readers 1] [--json out.json]`, `--reuse DIR` for the data set of a
`bench/suite.py --keep` run (its statements and LRS credentials), or `--quick` for a smoke
run (`tests/test_bench_lrs_load.py` runs it on every test run so it cannot rot).

1. A throw-away data folder (SQLite; with DATABASE_URL pointing at PostgreSQL, a
   throw-away database beside the named one, dropped afterwards) filled in a child process
   with `--store` statements by `xapi.bench.generate_statements` — the rows and links
   `xapi.services.store_statements` writes, in bulk; `--agents` people, a tenth as many
   activities, registrations on a third — then `VACUUM ANALYZE` (`ANALYZE` on SQLite).
2. `lectio serve` (gunicorn, its defaults or `--workers`/`--threads`) with
   `LECTIO_BENCH=1`: `/bench/baseline` answers without the database and every response
   carries its SQL query count.
3. From this process, over HTTP with an LRS client's Basic credentials, one phase of
   `--seconds` each (the suite's driver, `bench/driver.py`):
   - `baseline` and `single POST` (one statement a request) from `--writers` threads: the
     single POST's requests/s over the baseline's is the issue's ratio (target 25 %);
   - `batch POST (100)` from `--writers` threads: statements/s, then a count of the
     store that proves every acknowledged statement is there and nothing else;
   - `GET agent+verb` and `GET activity+since` (`since` at the newest tenth of the store)
     from `--readers` threads: p50/p95 (target p95 < 50 ms).

Failures are counted, never hidden; the server's CPU per request is reported.
"""

import argparse
import base64
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import driver  # noqa: E402 - bench/driver.py, after the path above

from lectio.xapi import bench as xapi_bench  # noqa: E402 - plain functions, no Django

BATCH = 100
BODIES = 64  # request bodies made before a phase, sent in turn


def generate_in_child(args: argparse.Namespace) -> None:
    """``--generate FILE``: migrate, fill the store, ANALYZE; write the LRS details."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    began = time.monotonic()
    made = xapi_bench.generate_statements(
        args.store, 7, agents=args.agents, activities=max(1, args.agents // 10)
    )
    made["fill_seconds"] = round(time.monotonic() - began, 1)
    with connection.cursor() as cursor:
        # VACUUM too: otherwise autovacuum takes up the fresh million rows while the
        # phases run, and its CPU skews them (the baseline most).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    Path(args.generate).write_text(json.dumps(made))


def stored_count(env: dict[str, str]) -> int:
    """Statements in the store, read straight from the database."""
    url = env.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        with psycopg.connect(url) as connection:
            row = connection.execute("SELECT count(*) FROM xapi_statement").fetchone()
            return int(row[0]) if row else 0
    with sqlite3.connect(Path(env["LECTIO_DATA_DIR"]) / "lectio.sqlite3") as connection:
        return int(connection.execute("SELECT count(*) FROM xapi_statement").fetchone()[0])


class Driver:
    """The LRS's requests, one kept-alive connection per thread."""

    def __init__(self, port: int, lrs: dict[str, Any]) -> None:
        self.port = port
        self.lrs = lrs
        token = base64.b64encode(f"{lrs['key']}:{lrs['secret']}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
        self.browsers: dict[int, driver.Browser] = {}
        self.rng = random.Random(11)  # noqa: S311 - made-up load, repeatable
        self.turn = 0
        self.bodies: list[str] = []

    def browser(self, index: int) -> driver.Browser:
        if index not in self.browsers:
            self.browsers[index] = driver.Browser(self.port)
        return self.browsers[index]

    def make_bodies(self, size: int) -> None:
        """Request bodies, made before the phase so the driver's own work stays small."""
        agents, activities = self.lrs["agents"], self.lrs["activities"]

        def one() -> Any:
            return xapi_bench.statement(self.rng, agents, activities)

        self.bodies = [
            json.dumps(one() if size == 1 else [one() for _ in range(size)]) for _ in range(BODIES)
        ]

    def next_body(self) -> str:
        self.turn += 1  # threads may send the same body: each statement gets a new id
        return self.bodies[self.turn % len(self.bodies)]

    def act(self, name: str, index: int, phase: driver.Phase) -> None:
        browser = self.browser(index)
        if name == "baseline":
            phase.record(name, browser.request("GET", "/bench/baseline"), driver.OK)
            return
        if name.startswith(("single", "batch")):
            answer = browser.request(
                "POST", "/xapi/statements", extra=self.headers, json_body=self.next_body()
            )
            phase.record(name, answer, driver.OK)
            return
        if name == "GET agent+verb":
            query = {
                "agent": json.dumps(xapi_bench.agent(self.rng.randrange(self.lrs["agents"]))),
                "verb": self.rng.choice(xapi_bench.VERBS),
            }
        else:
            query = {
                "activity": xapi_bench.activity(self.rng.randrange(self.lrs["activities"])),
                "since": self.lrs["since"],
            }
        answer = browser.request("GET", f"/xapi/statements?{urlencode(query)}", extra=self.headers)
        phase.record(name, answer, driver.OK)

    def close(self) -> None:
        for browser in self.browsers.values():
            browser.close()


def measure(port: int, pid: int, env: dict[str, str], lrs: dict[str, Any], args: Any) -> Any:
    load = Driver(port, lrs)
    warm = driver.Phase(pid)  # imports, URL resolving and the credential cache, untimed
    load.make_bodies(1)
    for index in range(args.writers):
        load.act("baseline", index, warm)
        load.act("single POST", index, warm)
    phases: dict[str, dict[str, Any]] = {}
    counts: dict[str, int] = {}
    plan = [
        ("baseline", args.writers, 0),
        ("single POST", args.writers, 1),
        (f"batch POST ({BATCH})", args.writers, BATCH),
        ("GET agent+verb", args.readers, 0),
        ("GET activity+since", args.readers, 0),
    ]
    for name, threads, size in plan:
        if size:
            load.make_bodies(size)
            before = stored_count(env)
        phase = driver.Phase(pid)
        phases[name] = phase.run(threads, args.seconds, partial(load.act, name))
        if size:
            counts[name] = stored_count(env) - before
    load.close()
    return phases, counts


def report(phases: dict[str, Any], counts: dict[str, int]) -> dict[str, Any]:
    steps: dict[str, Any] = {}
    errors: list[str] = []
    error_count = 0
    for phase in phases.values():
        for sub, summary in phase["steps"].items():
            error_count += summary["errors"]
            errors += summary["error_samples"]
            if sub == "driver":  # exceptions in the driver: counted above, no timings
                continue
            requests = summary["requests"]
            cpu = 1000 * phase["server_cpu_seconds"] / requests if requests else 0.0
            steps[sub] = {
                **summary,
                "threads": phase["concurrency"],
                "server_cpu_cores": phase["server_cpu_cores"],
                "server_cpu_ms": round(cpu, 2),
            }
    base = steps.get("baseline", {}).get("requests_per_second") or 1.0
    for summary in steps.values():
        summary["vs_baseline_rps"] = round(summary["requests_per_second"] / base, 3)
    batch = f"batch POST ({BATCH})"
    acknowledged = {
        name: steps.get(name, {}).get("statuses", {}).get("200", 0) * size
        for name, size in (("single POST", 1), (batch, BATCH))
    }
    return {
        "steps": steps,
        "errors": error_count,
        "error_samples": errors[:10],
        "single_post_vs_baseline": steps.get("single POST", {}).get("vs_baseline_rps", 0.0),
        "single_statements_acknowledged": acknowledged["single POST"],
        "single_statements_stored": counts.get("single POST", 0),
        "batch_statements_acknowledged": acknowledged[batch],
        "batch_statements_stored": counts.get(batch, 0),
        "batch_statements_per_second": round(counts.get(batch, 0) / phases[batch]["seconds"], 1)
        if batch in phases
        else 0.0,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "writers": args.writers,
        "readers": args.readers,
        "seconds_per_phase": args.seconds,
    }
    if args.reuse:
        data = json.loads((args.reuse / "bench-data.json").read_text())
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="lectio.settings")
        env.update(data["env"])
        lrs = data["lrs"]
        engine = "postgresql" if "DATABASE_URL" in env else "sqlite"
        results.update(engine=engine, store=lrs["count"], agents=lrs["agents"], reused=True)
        return {**results, **serve_and_measure(env, lrs, args)}
    with driver.throwaway(args.database) as env:
        made = Path(env["LECTIO_DATA_DIR"]) / "lrs-data.json"
        (Path(env["LECTIO_DATA_DIR"]) / "static").mkdir(exist_ok=True)  # whitenoise's
        generate = [sys.executable, __file__, "--generate", str(made)]
        generate += ["--store", str(args.store), "--agents", str(args.agents)]
        done = subprocess.run(generate, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode:
            raise SystemExit(f"filling the store failed:\n{done.stderr[-3000:]}")
        lrs = json.loads(made.read_text())
        results.update(
            engine=args.database,
            store=args.store,
            agents=args.agents,
            fill_seconds=lrs["fill_seconds"],
            fill_statements_per_second=round(args.store / max(lrs["fill_seconds"], 0.1)),
        )
        return {**results, **serve_and_measure(env, lrs, args)}


def serve_and_measure(env: dict[str, str], lrs: dict[str, Any], args: Any) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "server.log"
        with driver.server(env, args, log) as (port, pid):
            phases, counts = measure(port, pid, env, lrs, args)
        server_errors = [
            line for line in log.read_text(errors="replace").splitlines() if "Error" in line
        ]
    measured = report(phases, counts)
    measured["server_log_errors"] = server_errors[:10]
    measured["errors"] += len(server_errors)
    return measured


def table(results: dict[str, Any]) -> str:
    lines = [
        f"{results['engine']}: a store of {results['store']:,} statements"
        + (
            f" (filled at {results['fill_statements_per_second']:,}/s)"
            if "fill_statements_per_second" in results
            else " (reused)"
        )
        + f"; batch POST: {results['batch_statements_per_second']:,} statements/s from "
        f"{results['writers']} writers, {results['batch_statements_stored']:,} stored of "
        f"{results['batch_statements_acknowledged']:,} acknowledged; single POST "
        f"{results['single_post_vs_baseline']:.0%} of the baseline's requests/s; "
        f"{results['errors']} errors",
        "| step | threads | requests/s | vs baseline | queries | p50 ms | p95 ms | p99 ms "
        "| server CPU ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for step, s in results["steps"].items():
        lines.append(
            f"| {step} | {s['threads']} | {s['requests_per_second']} | {s['vs_baseline_rps']} "
            f"| {s['queries_max']} | {s['p50_ms']} | {s['p95_ms']} | {s['p99_ms']} "
            f"| {s['server_cpu_ms']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The xAPI LRS under load.")
    parser.add_argument("--store", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=5000)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--readers", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=20.0, help="per phase")
    driver.add_server_options(parser)
    parser.add_argument("--reuse", type=Path, help="the data folder of a suite.py --keep run")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 300 statements")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--generate", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lectio.settings")
    if args.generate:
        generate_in_child(args)
        return
    if args.quick:
        args.store, args.agents, args.seconds = 300, 20, 1.0
    results = run(args)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
