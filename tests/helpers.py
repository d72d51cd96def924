"""Helpers shared by the tests (the fixtures are in conftest.py)."""

import subprocess
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

from django.test import Client

from lectio.accounts.models import Department, User
from lectio.assets.media import ffmpeg_binary

PASSWORD = "correct horse battery staple"


def body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


@dataclass
class Cast:
    hq: Department
    turkiye: Department
    istanbul: Department
    germany: Department
    admin: User
    manager: User
    learner: User
    outsider: User
    instructor: User


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_course(
    author: User,
    title: str = "Information Security Awareness",
    *,
    pages: int = 2,
    publish: bool = True,
    **settings: object,
):  # -> Course
    """A course with one module of text pages, built through the services."""
    from lectio.catalog import services as catalog

    course = catalog.create_course(title=title, by=author, **settings)
    module = catalog.add_module(course, title="Basics")
    for number in range(1, pages + 1):
        lesson = catalog.add_lesson(module, title=f"Page {number}", kind_name="page")
        catalog.update_lesson(lesson, content={"body": f"<p>Text {number}</p>"})
    if publish:
        catalog.publish_course(course, by=author)
        course.refresh_from_db()
    return course


def make_clip(path: Path, *, seconds: float, size: str = "640x360", audio: bool = True) -> Path:
    command = [
        ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25:duration={seconds}",
    ]  # fmt: skip
    if audio:
        command += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    command += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    command += (["-c:a", "aac", "-shortest"] if audio else []) + [str(path)]
    subprocess.run(command, check=True)
    return path


def run_worker() -> None:
    """Run every due background task now, as `lectio worker` would, then return."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    ).run()
