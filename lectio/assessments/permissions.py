"""Who may do what with question banks, quizzes' results and attempts. Default deny.

The bank is shared by the organisation's instructors and administrators; learners,
managers and anyone else get 403 on every page of this app. A quiz's results (its
analysis, regrading, attempt reviews, overrides and the essays waiting for a grade)
belong to the instructors of its course: another instructor gets 404, as if the quiz
did not exist; administrators see every quiz."""

from typing import Any

from django.db.models import QuerySet

from lectio.accounts.permissions import is_administrator, is_instructor, requires
from lectio.assessments.models import Answer, Attempt, QuestionImage
from lectio.catalog.models import Lesson
from lectio.catalog.permissions import courses_editable_by

__all__ = [
    "answers_gradable_by",
    "attempts_visible_to",
    "can_manage_questions",
    "can_view_image",
    "quiz_lessons_for",
    "requires",
]


def can_manage_questions(user: Any) -> bool:
    """Browse the bank, import and export questions."""
    return is_instructor(user)


def quiz_lessons_for(user: Any) -> QuerySet[Lesson]:
    """The quiz lessons whose results this person may see and change."""
    quizzes = Lesson.objects.filter(kind="quiz")
    if is_administrator(user):
        return quizzes
    return quizzes.filter(module__course__in=courses_editable_by(user))


def attempts_visible_to(user: Any) -> QuerySet[Attempt]:
    """Attempts an instructor may review: those of their own courses (administrators: all)."""
    if is_administrator(user):
        return Attempt.objects.all()
    if not is_instructor(user):
        return Attempt.objects.none()
    return Attempt.objects.filter(enrollment__course__in=courses_editable_by(user))


def answers_gradable_by(user: Any) -> QuerySet[Answer]:
    """Answers an instructor may grade or override: those of their own courses' attempts."""
    if is_administrator(user):
        return Answer.objects.all()
    if not is_instructor(user):
        return Answer.objects.none()
    return Answer.objects.filter(attempt__enrollment__course__in=courses_editable_by(user))


def can_view_image(user: Any, image: QuestionImage) -> bool:
    """A bank picture: instructors and administrators (the bank is theirs); a learner
    when a question version showing it is part of one of their attempts."""
    if not (user.is_authenticated and user.is_active):
        return False
    if can_manage_questions(user):
        return True
    return Answer.objects.filter(attempt__enrollment__user=user, version__images=image).exists()
