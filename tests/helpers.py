"""Helpers shared by the tests (the fixtures are in conftest.py)."""

from dataclasses import dataclass
from email.message import Message

from django.test import Client

from lectio.accounts.models import Department, User

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
