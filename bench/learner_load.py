"""Learner load: signed-in learners walk dashboard → course → lesson → heartbeats.

Run with `make bench` (or `.venv/bin/python bench/learner_load.py --learners 50
--seconds 30`). It builds a throw-away data folder (SQLite by default; set DATABASE_URL for
PostgreSQL), starts `lectio serve` on 127.0.0.1 in a separate process, and drives it from
threads. It reports requests per second and p50/p95/p99 latency per step, next to a
minimal view (/healthz) measured in the same run: compare the ratios across changes, not
the absolute numbers.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LECTIO = str(ROOT / ".venv" / "bin" / "lectio")
SETUP = """
from datetime import timedelta
from django.utils import timezone
from lectio.accounts import services as accounts
from lectio.assets.models import Asset
from lectio.catalog import services as catalog
from lectio.learning import services as learning
instructor = accounts.create_person(email="i@bench.test", full_name="I", roles=["instructor"])
course = catalog.create_course(title="Bench course", by=instructor)
module = catalog.add_module(course, title="M")
for n in range(1, 9):
    page = catalog.add_lesson(module, title=f"Page {{n}}", kind_name="page")
    catalog.update_lesson(page, content={{"body": "<p>Text</p>"}})
video = catalog.add_lesson(module, title="Video", kind_name="video")
asset = Asset.objects.create(
    course=course, kind="video", original_name="v.mp4", size=1, status="ready", duration=600
)
catalog.update_lesson(video, content={{"asset": str(asset.key)}})
catalog.publish_course(course, by=instructor)
course.refresh_from_db()
from django.contrib.auth.hashers import make_password
from lectio.accounts.models import User
hashed = make_password("bench-password")
for n in range({learners}):
    person = accounts.create_person(email=f"l{{n}}@bench.test", full_name=f"L {{n}}")
    User.objects.filter(pk=person.pk).update(password=hashed)
    learning.enroll(person, course, source="self", at=timezone.now() - timedelta(hours=1))
print(course.slug, video.pk)
"""


class Learner:
    def __init__(self, port: int, email: str) -> None:
        self.port, self.email, self.cookies = port, email, SimpleCookie()

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, float]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v.value}" for k, v in self.cookies.items())}
        headers["Referer"] = f"http://127.0.0.1:{self.port}/"
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        connection.close()
        return response.status, text, elapsed

    def token(self) -> str:
        return self.cookies["csrftoken"].value

    def sign_in(self) -> None:
        status, _text, _elapsed = self.request("GET", "/accounts/sign-in/")
        assert "csrftoken" in self.cookies, f"no CSRF cookie (status {status})"
        body = f"csrfmiddlewaretoken={self.token()}&username={self.email}&password=bench-password"
        status, _text, _elapsed = self.request("POST", "/accounts/sign-in/", body)
        assert status == 302, f"sign-in failed: {status}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description="Learner load benchmark.")
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lectio-load-") as data:
        env = {**os.environ, "LECTIO_DATA_DIR": data, "LOG_LEVEL": "WARNING"}
        subprocess.run([LECTIO, "migrate", "-v0"], env=env, check=True)  # noqa: S603
        subprocess.run([LECTIO, "collectstatic", "--noinput", "-v0"], env=env, check=True)  # noqa: S603
        out = subprocess.run(  # noqa: S603
            [LECTIO, "shell", "-c", SETUP.format(learners=args.learners)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        slug, video = out.stdout.split()[-2:]
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [LECTIO, "serve", "--port", str(port), "--workers", "2", "--threads", "4"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    if Learner(port, "").request("GET", "/healthz")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.2)
            results = run(port, slug, int(video), args)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(json.dumps(results, indent=2))


def run(port: int, slug: str, video: int, args: argparse.Namespace) -> dict[str, object]:
    learners = [Learner(port, f"l{n}@bench.test") for n in range(args.learners)]
    for learner in learners:
        learner.sign_in()
    timings: dict[str, list[float]] = {}
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds

    def record(step: str, status: int, elapsed: float) -> None:
        with lock:
            timings.setdefault(step, []).append(elapsed)
            if status >= 400:
                errors.append(f"{step}: {status}")

    def walk(index: int) -> None:
        seq = 0
        while time.monotonic() < deadline:
            learner = learners[index % len(learners)]
            index += args.concurrency
            for step, path in (
                ("baseline /healthz", "/healthz"),
                ("dashboard", "/learn/"),
                ("course page", f"/courses/{slug}/"),
                ("lesson page", f"/learn/courses/{slug}/lessons/{video}/"),
            ):
                status, _text, elapsed = learner.request("GET", path)
                record(step, status, elapsed)
            for _ in range(3):
                seq += 1
                position = seq * 10 % 590
                body = (
                    f"csrfmiddlewaretoken={learner.token()}&client=bench-{index}&seq={seq}"
                    f"&position={position}&intervals=[[{position},{position + 10}]]"
                    "&active_seconds=10"
                )
                status, _text, elapsed = learner.request(
                    "POST", f"/learn/lessons/{video}/progress/", body
                )
                record("heartbeat", status, elapsed)

    started = time.monotonic()
    threads = [threading.Thread(target=walk, args=(i,)) for i in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    baseline = statistics.median(timings["baseline /healthz"])
    return {
        "learners": args.learners,
        "concurrency": args.concurrency,
        "seconds": round(wall, 1),
        "requests_per_second": round(sum(len(v) for v in timings.values()) / wall, 1),
        "errors": errors[:10],
        "steps": {
            step: {
                "requests": len(values),
                "p50_ms": round(percentile(values, 0.5), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
                "p99_ms": round(percentile(values, 0.99), 1),
                "p50_vs_baseline": round(statistics.median(values) / baseline, 1),
            }
            for step, values in timings.items()
        },
        "cpus": os.cpu_count(),
    }


if __name__ == "__main__":
    main()
