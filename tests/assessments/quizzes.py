"""Building quizzes for the attempt tests: a bank, a published course whose last lesson
is a quiz, and the learner enrolled; all through the services."""

from typing import Any

from lectio.assessments import services as bank
from lectio.catalog import services as catalog
from lectio.learning import services as learning
from lectio.learning.models import Enrollment
from tests.assessments.data import RAW, prompt
from tests.helpers import make_course


def make_questions(author, count: int = 3, *, type_name: str = "single", category=None):
    category = category or bank.category_path(["Quiz bank"])
    return [
        bank.create_question(
            category=category,
            type=type_name,
            prompt=f"{prompt(type_name)} ({n})",
            data=RAW[type_name],
            by=author,
        )
        for n in range(count)
    ]


def make_quiz(cast, questions, *, pages: int = 0, **settings: Any):
    """A published course (``pages`` text pages, then the quiz) and the learner's
    enrolment; returns (course, enrollment, quiz lesson)."""
    course = make_course(cast.instructor, "Safety Check", pages=pages, publish=False)
    quiz = catalog.add_lesson(course.modules.get(), title="Final quiz", kind_name="quiz")
    content = {"question_ids": [q.pk for q in questions], **settings}
    catalog.update_lesson(quiz, content=content)
    catalog.publish_course(course, by=cast.instructor)
    course.refresh_from_db()
    enrollment = learning.enroll(cast.learner, course, source="self")
    enrollment = Enrollment.objects.select_related("user", "course__live_version").get(
        pk=enrollment.pk
    )
    return course, enrollment, quiz


def right(answer) -> dict[str, Any]:
    from lectio.assessments import grading

    return grading.correct_response(answer.version.type, answer.version.data)
