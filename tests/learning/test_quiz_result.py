"""record_quiz_result: a quiz lesson's result through the one write path."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lectio.catalog import services as catalog
from lectio.learning import services
from lectio.learning.models import Enrollment, LessonProgress
from tests.helpers import make_course


def _course(cast, pages=1):
    course = make_course(cast.instructor, "Safety", pages=pages, publish=False)
    quiz = catalog.add_lesson(course.modules.get(), title="Quiz", kind_name="quiz")
    catalog.update_lesson(quiz, content={"question_ids": [1]})
    catalog.publish_course(course, by=cast.instructor)
    course.refresh_from_db()
    enrollment = services.enroll(cast.learner, course, source="self")
    page = course.lessons.filter(kind="page").first()
    return Enrollment.objects.select_related("course").get(pk=enrollment.pk), page, quiz


def test_a_passed_quiz_completes_the_lesson_and_the_course(cast):
    enrollment, _page, quiz = _course(cast, pages=0)
    at = timezone.now() + timedelta(minutes=5)
    progress = services.record_quiz_result(enrollment, quiz.pk, score=85, passed=True, at=at)
    assert (progress.status, progress.percent) == (LessonProgress.Status.COMPLETED, 100)
    enrollment.refresh_from_db()
    assert enrollment.completed_at == at and enrollment.progress_percent == 100


def test_a_failed_quiz_keeps_its_score_and_the_lesson_open(cast):
    enrollment, _page, quiz = _course(cast)
    at = timezone.now() + timedelta(minutes=5)
    progress = services.record_quiz_result(enrollment, quiz.pk, score=40, passed=False, at=at)
    assert (progress.status, progress.percent) == (LessonProgress.Status.IN_PROGRESS, 40)
    assert Enrollment.objects.get(pk=enrollment.pk).completed_at is None


def test_only_a_quiz_takes_a_quiz_result(cast):
    enrollment, page, _quiz = _course(cast)
    with pytest.raises(services.ProgressRefused):
        services.record_quiz_result(enrollment, page.pk, score=100, passed=True, at=timezone.now())
