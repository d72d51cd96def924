"""learning.services.record_package_result: the one write path for package lessons."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lectio.catalog import services as catalog
from lectio.learning import services
from lectio.learning.models import LessonProgress
from tests.helpers import make_course


def package_course(cast):
    """A published course whose only lesson is a package lesson (its package imported)."""
    import io

    from lectio.scorm import services as scorm
    from tests.scorm.builders import scorm12

    course = catalog.create_course(title="Packages", by=cast.instructor)
    lesson = catalog.add_lesson(
        catalog.add_module(course, title="M"), title="P", kind_name="package"
    )
    data = scorm12()
    scorm.import_package(
        lesson, io.BytesIO(data), size=len(data), file_name="p.zip", by=cast.instructor
    )
    catalog.publish_course(course, by=cast.instructor)
    course.refresh_from_db()
    return course, lesson, services.enroll(cast.learner, course, source="self")


def record(enrollment, lesson, at, **overrides):
    values = {
        "completed": False,
        "passed": None,
        "score": None,
        "progress": 0.0,
        "active_seconds": 0.0,
        "at": at,
    }
    return services.record_package_result(enrollment, lesson.pk, **{**values, **overrides})


def test_it_moves_the_percent_forward_only_and_completes_when_not_failed(cast):
    _course, lesson, enrollment = package_course(cast)
    now = timezone.now()
    assert record(enrollment, lesson, now, progress=0.5).percent == 50
    assert record(enrollment, lesson, now, progress=0.2).percent == 50
    assert record(enrollment, lesson, now, progress=1.0).percent == 99  # not complete yet
    failed = record(enrollment, lesson, now, completed=True, passed=False, progress=1.0)
    assert failed.status == LessonProgress.Status.IN_PROGRESS
    done = record(enrollment, lesson, now, completed=True, passed=True, score=0.9, progress=1.0)
    assert (done.status, done.percent) == (LessonProgress.Status.COMPLETED, 100)


def test_active_time_adds_no_more_than_the_time_passed(cast):
    _course, lesson, enrollment = package_course(cast)
    start = timezone.now()
    record(enrollment, lesson, start)
    later = record(enrollment, lesson, start + timedelta(seconds=30), active_seconds=3600)
    assert later.active_seconds == 45  # 30 s passed plus 15 s of slack


def test_it_refuses_a_lesson_that_is_not_a_package(cast):
    course = make_course(cast.instructor)
    enrollment = services.enroll(cast.learner, course, source="self")
    page = course.lessons.first()
    with pytest.raises(services.ProgressRefused):
        record(enrollment, page, timezone.now(), completed=True)
