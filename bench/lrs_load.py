"""LRS load: a store of many statements, then writers and readers at the xAPI endpoints.

`.venv/bin/python bench/lrs_load.py [--store 1000000] [--agents 5000] [--writers 8]
[--batches 40] [--runs 200] [--json out.json]`, or `--quick` for a smoke run
(`tests/test_bench_lrs_load.py` runs it on every test run so it cannot rot).

It builds a throw-away data folder (SQLite; with DATABASE_URL pointing at PostgreSQL, a
throw-away database beside the named one, dropped afterwards), fills the store with
`--store` statements through `xapi.services.store_statements` (batches of 1,000; `--agents`
people, 20 verbs, a tenth as many activities as agents, registrations on a third), then
drives Django's test client in-process with HTTP Basic credentials:

- `baseline /healthz` and `single POST` (one statement per request), one thread each,
  `--runs` requests: the single POST's requests/s over the baseline's is the ratio the
  issue's target (25 %) speaks of;
- `batch POST` (100 statements per request) from `--writers` threads, `--batches` requests
  each: statements/s over the wall-clock time, then a count that proves none was lost;
- `GET agent+verb` and `GET activity+since` (`--runs` each, random agent/verb/activity,
  `since` near the newest tenth of the store): p50/p95.

Each request's SQL queries are counted; failures are counted, never hidden.
"""

import argparse
import base64
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VERB = "https://lectio.test/verbs/{}"
ACTIVITY = "https://lectio.test/activities/{}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


@contextmanager
def throwaway_database() -> Iterator[str]:
    """A fresh data folder, and on PostgreSQL a fresh database beside DATABASE_URL's."""
    with tempfile.TemporaryDirectory(prefix="lectio-lrs-load-") as data:
        os.environ["LECTIO_DATA_DIR"] = data
        (Path(data) / "static").mkdir()  # whitenoise looks for it
        os.environ.setdefault("LOG_LEVEL", "ERROR")
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            os.environ.pop("DATABASE_URL", None)
            yield "sqlite"
            return
        import psycopg

        parts = urlsplit(url)
        name = f"{parts.path.lstrip('/') or 'lectio'}_lrsbench_{os.getpid()}"
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


def agent(number: int) -> dict[str, Any]:
    return {"objectType": "Agent", "mbox": f"mailto:person{number}@bench.test"}


def make_statement(rng: random.Random, agents: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        "actor": agent(rng.randrange(agents)),
        "verb": {"id": VERB.format(rng.randrange(20))},
        "object": {"id": ACTIVITY.format(rng.randrange(max(1, agents // 10)))},
        "result": {"score": {"scaled": round(rng.random(), 2)}, "completion": True},
    }
    if rng.random() < 0.33:
        data["context"] = {"registration": str(uuid.UUID(int=rng.getrandbits(128), version=4))}
    return data


def fill(store: int, agents: int, client: Any) -> float:
    from lectio.xapi import services

    rng = random.Random(7)  # noqa: S311 - made-up data, repeatable
    began = time.monotonic()
    done = 0
    while done < store:
        size = min(1000, store - done)
        services.store_statements([make_statement(rng, agents) for _ in range(size)], client=client)
        done += size
    return time.monotonic() - began


def run(args: argparse.Namespace, engine: str) -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lectio.xapi import services
    from lectio.xapi.models import Statement

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    lrs_client, secret = services.create_client("Bench", scopes=["all"])
    fill_seconds = fill(args.store, args.agents, lrs_client)
    if engine == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    token = base64.b64encode(f"{lrs_client.key}:{secret}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
    since_row = (
        Statement.objects.order_by("-seq").values_list("stored", flat=True)[args.store // 10]
        if args.store > 10
        else None
    )
    timings: dict[str, list[float]] = {}
    queries: dict[str, int] = {}
    errors: list[str] = []
    lock = threading.Lock()

    def call(client: Client, step: str, method: str, path: str, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            with CaptureQueriesContext(connection) as captured:
                if method == "GET":
                    response = client.get(path, kwargs.get("params", {}), headers=headers)
                else:
                    response = client.post(
                        path, kwargs["body"], content_type="application/json", headers=headers
                    )
        except Exception as exc:  # a failed request is a result to report
            with lock:
                errors.append(f"{step}: {type(exc).__name__}: {exc}")
            return None
        elapsed = time.perf_counter() - started
        with lock:
            timings.setdefault(step, []).append(elapsed)
            queries[step] = max(queries.get(step, 0), len(captured))
            if response.status_code >= 400:
                errors.append(f"{step}: HTTP {response.status_code} {response.content[:200]!r}")
        return response

    rng = random.Random(11)  # noqa: S311 - made-up data, repeatable
    client = Client()
    for _ in range(3):  # imports, URL resolving and the credential cache, untimed
        client.get("/healthz")
        client.get("/xapi/statements", {"limit": 1}, headers=headers)
    single_began = time.monotonic()
    for _ in range(args.runs):
        call(client, "baseline /healthz", "GET", "/healthz")
    baseline_wall = time.monotonic() - single_began
    single_began = time.monotonic()
    for _ in range(args.runs):
        body = json.dumps(make_statement(rng, args.agents))
        call(client, "single POST", "POST", "/xapi/statements", body=body)
    single_wall = time.monotonic() - single_began

    before = Statement.objects.count()

    def batch() -> str:
        return json.dumps([make_statement(rng, args.agents) for _ in range(100)])

    bodies = [[batch() for _ in range(args.batches)] for _ in range(args.writers)]

    def writer(mine: list[str]) -> None:
        own = Client()
        for body in mine:
            call(own, "batch POST (100)", "POST", "/xapi/statements", body=body)
        connection.close()

    batch_began = time.monotonic()
    threads = [threading.Thread(target=writer, args=(bodies[n],)) for n in range(args.writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    batch_wall = time.monotonic() - batch_began
    sent = args.writers * args.batches * 100
    stored = Statement.objects.count() - before

    for _ in range(args.runs):
        params = {
            "agent": json.dumps({"mbox": agent(rng.randrange(args.agents))["mbox"]}),
            "verb": VERB.format(rng.randrange(20)),
        }
        call(client, "GET agent+verb", "GET", "/xapi/statements", params=params)
    for _ in range(args.runs):
        params = {"activity": ACTIVITY.format(rng.randrange(max(1, args.agents // 10)))}
        if since_row is not None:
            params["since"] = since_row.isoformat()
        call(client, "GET activity+since", "GET", "/xapi/statements", params=params)

    baseline_rps = args.runs / baseline_wall
    single_rps = len(timings.get("single POST", [])) / single_wall
    baseline = statistics.median(timings.get("baseline /healthz") or [1.0])
    return {
        "engine": engine,
        "store": args.store,
        "agents": args.agents,
        "writers": args.writers,
        "fill_seconds": round(fill_seconds, 1),
        "fill_statements_per_second": round(args.store / fill_seconds, 1) if fill_seconds else 0,
        "baseline_requests_per_second": round(baseline_rps, 1),
        "single_post_requests_per_second": round(single_rps, 1),
        "single_post_vs_baseline": round(single_rps / baseline_rps, 3),
        "batch_statements_sent": sent,
        "batch_statements_stored": stored,
        "batch_statements_per_second": round(stored / batch_wall, 1),
        "errors": len(errors),
        "error_samples": errors[:10],
        "steps": {
            step: {
                "requests": len(values),
                "max_queries": queries[step],
                "p50_ms": round(percentile(values, 0.5), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
                "p50_vs_baseline": round(statistics.median(values) / baseline, 1),
            }
            for step, values in timings.items()
        },
        "cpus": os.cpu_count(),
    }


def table(results: dict[str, Any]) -> str:
    lines = [
        f"{results['engine']}: a store of {results['store']:,} statements "
        f"(filled at {results['fill_statements_per_second']:,}/s); "
        f"batch POST: {results['batch_statements_per_second']:,} statements/s from "
        f"{results['writers']} writers, {results['batch_statements_stored']:,} of "
        f"{results['batch_statements_sent']:,} stored; single POST "
        f"{results['single_post_requests_per_second']} requests/s = "
        f"{results['single_post_vs_baseline']:.0%} of the baseline's "
        f"{results['baseline_requests_per_second']}; {results['errors']} errors",
        "| step | requests | queries | p50 ms | p95 ms | vs baseline |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for step, s in results["steps"].items():
        lines.append(
            f"| {step} | {s['requests']} | {s['max_queries']} | {s['p50_ms']} | {s['p95_ms']} "
            f"| {s['p50_vs_baseline']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The xAPI LRS under load.")
    parser.add_argument("--store", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=5000)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--batches", type=int, default=40, help="requests of 100 per writer")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 300 statements")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if args.quick:
        args.store, args.agents, args.batches, args.runs = 300, 20, 2, 10
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lectio.settings")
    with throwaway_database() as engine:
        results = run(args, engine)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
