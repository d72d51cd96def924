import io
from dataclasses import dataclass

import pytest
from django.test import Client

from lectio.catalog import services as catalog
from lectio.catalog.models import Course, Lesson
from lectio.learning import services as learning
from lectio.learning.models import Enrollment
from lectio.scorm import services
from lectio.scorm.models import Package
from tests.scorm.builders import scorm12, scorm2004

SITE = "127.0.0.1:8000"
CONTENT = "localhost:8000"


@dataclass
class Played:
    course: Course
    lesson: Lesson
    package: Package
    enrollment: Enrollment


def upload(lesson: Lesson, data: bytes, by, name: str = "package.zip") -> Package:
    return services.import_package(lesson, io.BytesIO(data), size=len(data), file_name=name, by=by)


def package_course(cast, data: bytes, *, title: str = "Package course") -> Played:
    course = catalog.create_course(title=title, by=cast.instructor)
    module = catalog.add_module(course, title="Module")
    lesson = catalog.add_lesson(module, title="Interactive lesson", kind_name="package")
    package = upload(lesson, data, cast.instructor)
    catalog.publish_course(course, by=cast.instructor)
    course.refresh_from_db()
    enrollment = learning.enroll(cast.learner, course, source="self")
    enrollment = Enrollment.objects.select_related("user", "course__live_version").get(
        pk=enrollment.pk
    )
    return Played(course, lesson, package, enrollment)


@pytest.fixture(autouse=True)
def _content_origin(settings):
    settings.SITE_URL = f"http://{SITE}"
    settings.LECTIO_CONTENT_ORIGIN = f"http://{CONTENT}"
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]


@pytest.fixture
def single(cast) -> Played:
    return package_course(cast, scorm12())


@pytest.fixture
def multi(cast) -> Played:
    return package_course(cast, scorm2004(), title="Fire safety")


@pytest.fixture
def content() -> Client:
    """A browser on the content origin: no cookies of the site."""
    return Client(HTTP_HOST=CONTENT)
