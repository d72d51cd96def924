"""The shared cast and the real services tests use (an SMTP sink, the database).

The cast: a department tree HQ → Türkiye → Istanbul Operations, and Germany beside
Türkiye; ``admin`` (administrator), ``manager`` (manages Türkiye), ``learner`` (in
Istanbul Operations), ``outsider`` (in Germany) and ``instructor``.
"""

import socket
import threading
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.core.cache import cache
from django.utils import translation
from pypdf import PdfWriter

from lectio.accounts import services
from lectio.accounts.models import Department, User
from tests.helpers import PASSWORD, Cast, make_clip


class _Sink:
    """An SMTP server that keeps what it is sent."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def pytest_configure(config):
    from django.conf import settings

    # Static files straight from the apps, for the whole session (the live server too);
    # the hashed manifest and the collected folder are built by collectstatic.
    settings.WHITENOISE_AUTOREFRESH = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def smtp_sink():
    sink = _Sink()
    with socket.socket() as probe:  # a free port on the loopback interface
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, controller.port
    controller.stop()


@pytest.fixture(autouse=True)
def _test_settings(settings, smtp_sink, tmp_path):
    _sink, port = smtp_sink
    cache.clear()  # primary keys repeat across rolled-back tests; cached outlines must not
    # Each test stores media and uploads in its own folders.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LECTIO_UPLOAD_DIR = tmp_path / "uploads"
    # Static files straight from the apps; the hashed manifest is built by collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True  # serve from the apps, as the live server does
    # A fast hasher keeps the suite quick; test_passwords checks the real Argon2 setting.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield
    # A request by a Turkish reader leaves Turkish active in this thread (as each request
    # sets its own, production never notices); the next test starts in the default.
    translation.deactivate()


@pytest.fixture
def mailbox(smtp_sink) -> list[Message]:
    """The messages sent to the SMTP sink during this test."""
    sink, _port = smtp_sink
    with sink.lock:
        sink.messages.clear()
    return sink.messages


@pytest.fixture
def cast(db) -> Cast:
    hq = services.create_department(name="Meridian", code="HQ")
    turkiye = services.create_department(name="Türkiye", code="TR", parent=hq)
    istanbul = services.create_department(name="Istanbul Operations", code="TR-IST", parent=turkiye)
    germany = services.create_department(name="Germany", code="DE", parent=hq)

    def person(email: str, name: str, department: Department, **extra: object) -> User:
        return services.create_person(
            email=email, full_name=name, password=PASSWORD, department=department, **extra
        )

    admin = person("admin@example.com", "Ada Admin", hq, roles=["administrator"])
    manager = person(
        "manager@example.com", "Murat Manager", turkiye, language="tr", time_zone="Europe/Istanbul"
    )
    services.set_department_manager(turkiye, manager)
    manager.refresh_from_db()
    learner = person("learner@example.com", "Leyla Learner", istanbul, time_zone="Europe/Istanbul")
    outsider = person("outsider@example.com", "Otto Outsider", germany, time_zone="Europe/Berlin")
    instructor = person("instructor@example.com", "Irene Instructor", germany, roles=["instructor"])
    return Cast(hq, turkiye, istanbul, germany, admin, manager, learner, outsider, instructor)


# Real media, made once per run when a test asks for it.


@pytest.fixture(scope="session")
def clip(tmp_path_factory) -> Path:
    """Six seconds of 640x360 test picture with a tone."""
    return make_clip(tmp_path_factory.mktemp("media") / "clip.mp4", seconds=6)


@pytest.fixture(scope="session")
def silent_clip(tmp_path_factory) -> Path:
    return make_clip(
        tmp_path_factory.mktemp("media") / "silent.mp4", seconds=2, size="320x240", audio=False
    )


@pytest.fixture(scope="session")
def pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("media") / "handbook.pdf"
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=595, height=842)
    with path.open("wb") as handle:
        writer.write(handle)
    return path
