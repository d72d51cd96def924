"""The benchmarks' load driver: HTTP browsers with kept-alive connections, phases of
threads that repeat an action and tally every answer, the server's processes (CPU,
memory), a throw-away data folder and database, and the production server to drive.

``suite.py`` and ``lrs_load.py`` use it; it imports nothing from Django.
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

LECTIO = str(Path(sys.executable).parent / "lectio")
SESSION_COOKIE = "sessionid"
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


# HTTP ------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    seconds: float
    queries: int | None
    location: str
    body: bytes


class Browser:
    """One person's cookies and a kept-alive connection to the server."""

    def __init__(self, port: int, session: str = "") -> None:
        self.port = port
        self.cookies: dict[str, str] = {SESSION_COOKIE: session} if session else {}
        self.connection: http.client.HTTPConnection | None = None

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        *,
        stream: bool = False,
        extra: dict[str, str] | None = None,
        json_body: str | None = None,
    ) -> Answer:
        from urllib.parse import urlencode

        headers = {
            **(extra or {}),
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Referer": f"http://127.0.0.1:{self.port}/",
        }
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json_body
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                if stream:  # counted, not kept: exports are large
                    size = 0
                    while chunk := response.read(65536):
                        size += len(chunk)
                    data = str(size).encode()
                else:
                    data = response.read()
            except (http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine):
                # The server closed a kept-alive connection (or a worker restarted): retry
                # once on a fresh one, as a browser would.
                self.close()
                if attempt == 2:
                    raise
                continue
            elapsed = time.perf_counter() - started
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            queries = response.getheader("X-Lectio-Queries")
            return Answer(
                response.status,
                elapsed,
                int(queries) if queries is not None else None,
                response.getheader("Location", ""),
                data,
            )
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    @property
    def token(self) -> str:
        return self.cookies.get("csrftoken", "")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# The server's processes ------------------------------------------------------------------


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (gunicorn's master and its workers)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                queue.extend(int(child) for child in task.read_text().split())
            except OSError:
                continue
    return found


def rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError):
        return 0


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


class Sampler:
    """Samples the server processes' resident memory every 50 ms while a phase runs."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_total = 0
        self.peak: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "Sampler":
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(0.05)

    def sample(self) -> dict[int, int]:
        sizes = {pid: rss(pid) for pid in process_tree(self.pid)}
        self.peak_total = max(self.peak_total, sum(sizes.values()))
        for pid, size in sizes.items():
            self.peak[pid] = max(self.peak.get(pid, 0), size)
        return sizes

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


# Measuring -------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    queries: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, answer: Answer, ok: Callable[[Answer], bool], label: str) -> None:
        self.times.append(answer.seconds)
        key = str(answer.status)
        self.statuses[key] = self.statuses.get(key, 0) + 1
        if answer.queries is not None:
            self.queries.append(answer.queries)
        if not ok(answer):
            self.errors.append(f"{label}: HTTP {answer.status} {answer.body[:120]!r}")

    def fail(self, label: str, error: Exception) -> None:
        self.errors.append(f"{label}: {type(error).__name__}: {error}")

    def summary(self, wall: float) -> dict[str, Any]:
        return {
            "requests": len(self.times),
            "requests_per_second": round(len(self.times) / wall, 1) if wall else 0.0,
            "p50_ms": round(percentile(self.times, 0.50) * 1000, 1),
            "p95_ms": round(percentile(self.times, 0.95) * 1000, 1),
            "p99_ms": round(percentile(self.times, 0.99) * 1000, 1),
            "errors": len(self.errors),
            "error_samples": self.errors[:5],
            "statuses": dict(sorted(self.statuses.items())),
            "queries_median": statistics.median(self.queries) if self.queries else None,
            "queries_max": max(self.queries) if self.queries else None,
        }


class Phase:
    """Threads that repeat one action until time is up, tallying every answer by name."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.tallies: dict[str, Tally] = {}
        self.lock = threading.Lock()

    def record(self, name: str, answer: Answer, ok: Callable[[Answer], bool]) -> None:
        with self.lock:
            self.tallies.setdefault(name, Tally()).add(answer, ok, name)

    def failed(self, name: str, error: Exception) -> None:
        with self.lock:
            self.tallies.setdefault(name, Tally()).fail(name, error)

    def run(
        self, concurrency: int, seconds: float, action: Callable[[int, "Phase"], None]
    ) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        pids = process_tree(self.server_pid)
        cpu_before, own_before = cpu_seconds(pids), sum(os.times()[:2])

        def loop(index: int) -> None:
            while time.monotonic() < deadline:
                try:
                    action(index, self)
                except Exception as error:  # a failed request is a result to report
                    self.failed("driver", error)

        began = time.monotonic()
        threads = [threading.Thread(target=loop, args=(i,)) for i in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - began
        used = cpu_seconds(process_tree(self.server_pid)) - cpu_before
        return {
            "concurrency": concurrency,
            "seconds": round(wall, 2),
            "server_cpu_seconds": round(used, 2),
            "server_cpu_cores": round(used / wall, 2),
            "driver_cpu_cores": round((sum(os.times()[:2]) - own_before) / wall, 2),
            "steps": {name: tally.summary(wall) for name, tally in self.tallies.items()},
        }


def ok_status(*statuses: int) -> Callable[[Answer], bool]:
    return lambda answer: answer.status in statuses


OK = ok_status(200)
OK_302 = ok_status(302)
REFUSED = lambda answer: 400 <= answer.status < 500  # noqa: E731 - a bad request's right answer


# The server and its data --------------------------------------------------------------
@contextmanager
def throwaway(database: str, keep: bool = False) -> Iterator[dict[str, str]]:
    """The environment of a fresh data folder (and PostgreSQL database); with ``keep``
    both stay (for bench/explain.py) and their names are printed."""
    with tempfile.TemporaryDirectory(prefix="lectio-suite-") as temporary:
        data = tempfile.mkdtemp(prefix="lectio-suite-kept-") if keep else temporary
        env = {
            **os.environ,
            "LECTIO_DATA_DIR": data,
            "LECTIO_BENCH": "1",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "lectio.settings",
        }
        env.pop("DATABASE_URL", None)
        if database != "postgresql":
            yield env
            if keep:
                print(f"Kept: LECTIO_DATA_DIR={data}")
            return
        import psycopg

        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            raise SystemExit("--database postgresql needs DATABASE_URL=postgres://…")
        parts = urlsplit(url)
        name = f"{parts.path.lstrip('/') or 'lectio'}_suite_{os.getpid()}"
        admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}"')
            server.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
        try:
            yield env
        finally:
            if keep:
                print(f"Kept: LECTIO_DATA_DIR={data} DATABASE_URL={env['DATABASE_URL']}")
            else:
                drop(admin, name)


def drop(admin: str, name: str, attempts: int = 30) -> None:
    """Drop a throw-away database. An autovacuum worker (the superuser's, which our role
    may not end) can hold it for a while after a big fill: wait for it, and in the end
    say how to drop it rather than lose the run's results."""
    import psycopg

    for attempt in range(attempts):
        try:
            with psycopg.connect(admin, autocommit=True) as server:
                server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except psycopg.errors.InsufficientPrivilege:
            if attempt + 1 < attempts:
                time.sleep(2)
    print(f"The database {name} could not be dropped yet: drop it later.", file=sys.stderr)


def add_server_options(parser: argparse.ArgumentParser) -> None:
    """``--database`` (PostgreSQL when DATABASE_URL names it) and the server's
    ``--workers``/``--threads``."""
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql"),
        default="postgresql"
        if os.environ.get("DATABASE_URL", "").startswith("postgres")
        else "sqlite",
    )
    parser.add_argument("--workers", type=int, help="lectio serve --workers")
    parser.add_argument("--threads", type=int, help="lectio serve --threads")


@contextmanager
def server(env: dict[str, str], args: Any, log: Path) -> Iterator[tuple[int, int]]:
    """``lectio serve`` on a free port with ``env`` (``args.workers``/``args.threads`` when
    set), stderr to ``log``; yields the port and the master's pid once it answers."""
    port = free_port()
    command = [LECTIO, "serve", "--port", str(port)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=output)  # noqa: S603
        try:
            for _ in range(300):
                try:
                    probe = Browser(port)
                    if probe.request("GET", "/bench/baseline").status == 200:
                        probe.close()
                        break
                except OSError:
                    time.sleep(0.1)
            else:
                raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}")
            yield port, process.pid
        finally:
            process.terminate()
            process.wait(timeout=30)
