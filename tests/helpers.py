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
