"""Scale-out on one machine (bench/cluster.py): nginx in front of two web processes and a
task worker, one PostgreSQL database, one Redis for cache and sessions, media on an
S3-compatible store (moto's server), each process with its own data folder.

It runs on both passes of the suite, always on PostgreSQL (the SQLite pass uses the CI
cluster's default address; a throw-away database is created and dropped either way). It
needs the Debian packages redis-server and nginx-light (`.ci/run`, `make system-deps`):
without them it fails, it never skips."""

import html
import json
import re
import threading
import time
from pathlib import Path

import psycopg
import pytest
import redis
import requests

from bench.cluster import Cluster

SETUP = """
from django.contrib.auth.hashers import make_password
from lectio.accounts import services as accounts
from lectio.accounts.models import User
from lectio.assessments import services as bank
from lectio.catalog import services as catalog
from lectio.learning import services as learning
author = accounts.create_person(email="author@cluster.test", full_name="A", roles=["instructor"])
learner = accounts.create_person(email="learner@cluster.test", full_name="Lena Learner")
User.objects.filter(pk__in=[author.pk, learner.pk]).update(password=make_password("pw-cluster-1"))
course = catalog.create_course(title="Cluster course", by=author)
module = catalog.add_module(course, title="M")
page = catalog.add_lesson(module, title="Welcome", kind_name="page")
catalog.update_lesson(page, content={"body": "<p>Hello</p>"})
video = catalog.add_lesson(module, title="Film", kind_name="video")
category = bank.category_path(["Cluster"])
choices = {"choices": [{"text": "<p>Yes</p>", "fraction": 1}, {"text": "<p>No</p>"}]}
ids = [bank.create_question(category=category, type="single", prompt=f"<p>Q{n}?</p>",
       data=choices, by=author).pk for n in range(2)]
quiz = catalog.add_lesson(module, title="Check", kind_name="quiz")
catalog.update_lesson(quiz, content={"question_ids": ids, "time_limit": 0})
print(course.pk, course.slug, video.pk, quiz.pk, learner.pk)
"""
PASSWORD = "pw-cluster-1"


class Person:
    """A browser: one cookie jar, sent to whichever process the test names."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.http = requests.Session()

    def token(self) -> str:
        return self.http.cookies.get("csrftoken", "")

    def get(self, node: str, path: str, **kwargs):
        return self.http.get(
            self.cluster.url(node) + path, allow_redirects=False, timeout=60, **kwargs
        )

    def post(self, node: str, path: str, data=None, **kwargs):
        headers = {"Referer": self.cluster.url(node) + "/", **kwargs.pop("headers", {})}
        body = {"csrfmiddlewaretoken": self.token(), **(data or {})}
        return self.http.post(
            self.cluster.url(node) + path, data=body, headers=headers,
            allow_redirects=False, timeout=60, **kwargs,
        )  # fmt: skip

    def sign_in(self, node: str, email: str) -> None:
        self.get(node, "/accounts/sign-in/")
        answer = self.post(node, "/accounts/sign-in/", {"username": email, "password": PASSWORD})
        assert answer.status_code == 302, answer.text[:500]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with Cluster(Path(tmp_path_factory.mktemp("cluster"))) as running:
        course, slug, video, quiz, learner = running.run("shell", "-c", SETUP).split()[-5:]
        running.facts = {  # type: ignore[attr-defined]
            "course": int(course), "slug": slug, "video": int(video), "quiz": int(quiz),
            "learner": int(learner),
        }  # fmt: skip
        yield running


def _sql(cluster: Cluster, query: str, *params):
    with psycopg.connect(cluster.database.replace("postgres://", "postgresql://", 1)) as db:
        return db.execute(query, params).fetchall()


def _wait_ready(cluster: Cluster, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        [(status, error)] = _sql(cluster, "SELECT status, error FROM assets_asset") or [("", "")]
        if status == "ready":
            return
        assert status != "failed", error
        time.sleep(0.5)
    raise AssertionError(f"not transcoded in {seconds} s:\n{cluster.log('worker')[-3000:]}")


def test_it_carries_a_learner_and_media_across_web_processes(cluster, clip):
    facts = cluster.facts
    # The author uploads through web1; the worker transcodes from object storage.
    author = Person(cluster)
    author.sign_in("web1", "author@cluster.test")
    data = clip.read_bytes()
    started = author.post(
        "web1", "/media/uploads/",
        {"course": facts["course"], "lesson": facts["video"], "kind": "video",
         "file_name": "clip.mp4", "size": len(data)},
    )  # fmt: skip
    assert started.status_code == 201, started.text
    key = started.json()["key"]
    sent = author.http.put(
        f"{cluster.url('web1')}/media/uploads/{key}/",
        data=data,
        headers={
            "Content-Range": f"bytes 0-{len(data) - 1}/{len(data)}",
            "Content-Type": "application/octet-stream",
            "X-CSRFToken": author.token(),
            "Referer": cluster.url("web1") + "/",
        },
        timeout=60,
    )
    assert sent.status_code == 200, sent.text
    _wait_ready(cluster)
    stored = cluster.s3.list_objects_v2(Bucket="lectio-media")["Contents"]
    names = [item["Key"] for item in stored]
    assert any(name.endswith("/hls/master.m3u8") for name in names), names
    for node in ("web1", "web2", "worker"):  # nothing on the processes' own disks
        assert not list((cluster.data_dir(node) / "media").rglob("*.m3u8"))
    # Published through web2.
    published = author.post("web2", f"/author/courses/{facts['course']}/publish/")
    assert published.status_code == 302, published.text[:2000]

    learner = Person(cluster)
    learner.sign_in("nginx", "learner@cluster.test")
    enrol = learner.post("web1", f"/courses/{facts['slug']}/enrol/")
    assert enrol.status_code == 302
    # The session works on both processes, and lives in Redis (and the database).
    for node in ("web1", "web2"):
        dashboard = learner.get(node, "/learn/")
        assert dashboard.status_code == 200 and "Cluster course" in dashboard.text, node
    keys = redis.Redis(port=cluster.ports["redis"]).keys("*sessions*")
    assert keys, "no session in Redis"
    # Through the load balancer, both processes answer.
    upstreams = {learner.get("nginx", "/learn/").headers["X-Upstream"] for _ in range(6)}
    assert len(upstreams) == 2, upstreams

    # Resume: a heartbeat through web1, the position shown by web2.
    lesson = f"/learn/courses/{facts['slug']}/lessons/{facts['video']}/"
    page = learner.get("web1", lesson)
    assert page.status_code == 200
    beat = learner.post(
        "web1", f"/learn/lessons/{facts['video']}/progress/",
        {"client": "tab", "seq": "1", "position": "4", "intervals": "[[0, 4]]",
         "active_seconds": "4"},
    )  # fmt: skip
    assert beat.status_code == 200, beat.text
    other = learner.get("web2", lesson)
    assert 'data-position="4.000000"' in other.text
    # The video uploaded through web1 is delivered by web2 from object storage.
    hls = html.unescape(re.search(r'data-hls="([^"]+)"', other.text).group(1))
    master = learner.get("web2", hls)
    assert master.status_code == 200 and master.text.startswith("#EXTM3U"), master.text[:300]
    variant = next(line for line in master.text.splitlines() if line and line[0] != "#")
    base = hls.rsplit("/", 1)[0]
    playlist = learner.get("web2", f"{base}/{variant}")
    assert playlist.status_code == 200
    segment = next(line for line in playlist.text.splitlines() if line and line[0] != "#")
    chunk = learner.get("web2", f"{base}/{variant.rsplit('/', 1)[0]}/{segment}")
    assert chunk.status_code == 200 and len(chunk.content) > 1000
    mp4 = learner.get(
        "web1", f"{base.rsplit('/hls', 1)[0]}/video.mp4", headers={"Range": "bytes=0-99"}
    )
    assert mp4.status_code == 206 and len(mp4.content) == 100

    # The quiz attempt: started on web2, answered on web1, seen on web2, submitted on web1.
    start = learner.post("web2", f"/assessments/quiz/{facts['slug']}/{facts['quiz']}/")
    assert start.status_code == 302, start.text[:500]
    attempt = start.headers["Location"]
    saved = learner.post(
        "web1", f"{attempt}save/", {"s1-shown": "1", "s1-choice": "c2", "s2-shown": "1"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert saved.status_code == 200, saved.text
    shown = learner.get("web2", attempt)
    assert 'name="s1-choice" value="c2" checked' in shown.text
    submitted = learner.post("web1", f"{attempt}submit/")
    assert submitted.status_code == 302
    result = learner.get("web2", submitted.headers["Location"])
    assert result.status_code == 200


def test_it_loses_no_acknowledged_heartbeat_or_answer_when_a_web_process_dies(cluster):
    """Heartbeats and autosaves go through nginx while web1 is killed (SIGKILL): every
    report the server acknowledged is in the database afterwards; the client resends what
    was not acknowledged (as static/js/progress.js does), and nothing answers 500."""
    facts = cluster.facts
    learner = Person(cluster)
    learner.sign_in("nginx", "learner@cluster.test")
    learner.get("nginx", f"/learn/courses/{facts['slug']}/lessons/{facts['video']}/")
    start = learner.post("nginx", f"/assessments/quiz/{facts['slug']}/{facts['quiz']}/")
    assert start.status_code == 302
    attempt = start.headers["Location"]
    acknowledged: dict[str, int] = {}
    answers: list[tuple[str, bool]] = []  # every autosave sent, and whether acknowledged
    failures: list[int] = []
    stop = threading.Event()

    def send(path: str, form: dict[str, str], **kwargs) -> bool:
        try:
            answer = learner.post("nginx", path, form, **kwargs)
        except requests.ConnectionError:
            failures.append(0)
            return False
        if answer.status_code >= 500:
            failures.append(answer.status_code)
            return False
        assert answer.status_code == 200, answer.text[:500]
        return True

    def heartbeats(client: str) -> None:
        seq = 0
        while not stop.is_set():
            seq += 1
            second = seq % 6
            form = {
                "client": client,
                "seq": str(seq),
                "position": str(second + 1),
                "intervals": json.dumps([[second, second + 1]]),
                "active_seconds": "1",
            }
            while not send(f"/learn/lessons/{facts['video']}/progress/", form):
                time.sleep(0.05)  # kept queued and sent again
            acknowledged[client] = seq

    def autosaves() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            choice = "c1" if n % 2 else "c2"
            form = {"s1-shown": "1", "s1-choice": choice}
            ok = send(f"{attempt}save/", form, headers={"HX-Request": "true"})
            answers.append((choice, ok))

    threads = [threading.Thread(target=heartbeats, args=(f"tab{n}",)) for n in range(3)]
    threads.append(threading.Thread(target=autosaves))
    for thread in threads:
        thread.start()
    time.sleep(2)
    before = dict(acknowledged)
    cluster.kill("web1")
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert all(not thread.is_alive() for thread in threads)
    assert all(acknowledged[c] > before.get(c, 0) for c in acknowledged), (
        "no progress after the kill"
    )
    assert all(code in (0, 502, 503, 504) for code in failures), failures

    [(sequence, watched)] = _sql(
        cluster,
        "SELECT p.sequence, p.watched_seconds FROM learning_lessonprogress p "
        "JOIN learning_enrollment e ON e.id = p.enrollment_id "
        "WHERE e.user_id = %s AND p.lesson_id = %s",
        facts["learner"], facts["video"],
    )  # fmt: skip
    for client, seq in acknowledged.items():
        assert int(sequence[client]) >= seq, (client, sequence, acknowledged)
    assert watched == 6  # the whole (six-second) clip, from the acknowledged reports
    # The stored answer is the last acknowledged one, or one sent after it (a save that
    # committed but whose answer was lost with the process).
    last_ok = max(i for i, (_choice, ok) in enumerate(answers) if ok)
    [(response,)] = _sql(
        cluster,
        "SELECT a.response FROM assessments_answer a JOIN assessments_attempt t "
        "ON t.id = a.attempt_id WHERE t.id = %s AND a.slot = 1",
        int(attempt.rstrip("/").rsplit("/", 1)[1]),
    )
    assert response.get("choice") in {choice for choice, _ok in answers[last_ok:]}
    # And nothing the dead process half-did broke the attempt: it submits through web2.
    assert learner.post("web2", f"{attempt}submit/").status_code == 302
