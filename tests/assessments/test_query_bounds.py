"""The review and result pages of an attempt and the grading queue run the same number
of queries whatever the size of the attempt or the queue."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lectio.assessments import services
from lectio.assessments.models import Answer
from tests.assessments.quizzes import make_questions, make_quiz, right
from tests.helpers import client_for

T0 = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
REVIEW_ALL = ["score", "answers", "feedback"]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _submitted(cast, size: int):
    questions = make_questions(cast.instructor, size)
    _course, enrollment, quiz = make_quiz(
        cast, questions, review_after_attempt=REVIEW_ALL, review_after_last=REVIEW_ALL
    )
    attempt = services.start_attempt(enrollment, quiz.pk, at=T0)
    answers = list(attempt.answers.select_related("version"))
    services.save_answers(attempt, {a.slot: right(a) for a in answers}, at=T0)
    return services.submit_attempt(attempt, at=T0)


@pytest.mark.parametrize("page", ["result", "review"])
def test_it_bounds_the_attempt_pages_whatever_the_attempt_size(cast, page):
    counts = []
    for size in (2, 40):
        attempt = _submitted(cast, size)
        if page == "result":
            client, url = client_for(cast.learner), f"/assessments/attempts/{attempt.pk}/result/"
        else:
            client, url = client_for(cast.instructor), f"/assessments/attempts/{attempt.pk}/review/"
        shown = client.get(url).content.decode()
        assert shown.count("Question ") >= size  # every question is on the page
        counts.append(_queries(client, url))
    assert counts[0] == counts[1] and counts[1] <= 12


def test_it_bounds_the_grading_queue_whatever_its_length(cast):
    essay = make_questions(cast.instructor, 1, type_name="essay")
    _course, enrollment, quiz = make_quiz(cast, essay)
    client = client_for(cast.instructor)
    counts = []
    for round_, waiting in enumerate((1, 25)):
        while (
            len(counts) == round_
            and Answer.objects.filter(fraction=None, attempt__submitted_at__isnull=False).count()
            < waiting
        ):
            at = T0 + timedelta(minutes=Answer.objects.count())
            attempt = services.start_attempt(enrollment, quiz.pk, at=at)
            services.save_answers(attempt, {1: {"text": "My essay."}}, at=at)
            services.submit_attempt(attempt, at=at)
        page = client.get("/assessments/grading/").content.decode()
        assert page.count("My essay.") == waiting
        counts.append(_queries(client, "/assessments/grading/"))
    assert counts[0] == counts[1] and counts[1] <= 12
