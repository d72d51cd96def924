"""A quiz's results belong to the instructors of its course: another instructor gets 404
for its analysis, regrade, attempt reviews, overrides and essays (and sees none of them
in the grading queue); administrators see every quiz."""

from datetime import UTC, datetime, timedelta

import pytest

from lectio.accounts import services as accounts
from lectio.assessments import services
from lectio.assessments.models import Answer, Attempt, GradeAudit
from tests.assessments.quizzes import make_questions, make_quiz
from tests.helpers import PASSWORD, client_for

T0 = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)


@pytest.fixture
def other_instructor(cast):
    return accounts.create_person(
        email="other@example.com",
        full_name="Oscar Other",
        password=PASSWORD,
        department=cast.germany,
        roles=["instructor"],
    )


def _essay_quiz(cast):
    essay = make_questions(cast.instructor, 1, type_name="essay")
    _course, enrollment, quiz = make_quiz(cast, essay)
    attempt = services.start_attempt(enrollment, quiz.pk, at=T0)
    services.save_answers(attempt, {1: {"text": "Only my instructor reads this."}}, at=T0)
    services.submit_attempt(attempt, at=T0)
    return quiz, attempt, Answer.objects.get(attempt=attempt)


def test_it_hides_the_grading_queue_of_other_instructors_courses(cast, other_instructor):
    _quiz, _attempt, _answer = _essay_quiz(cast)
    assert (
        "Only my instructor"
        in client_for(cast.instructor).get("/assessments/grading/").content.decode()
    )
    assert (
        "Only my instructor" in client_for(cast.admin).get("/assessments/grading/").content.decode()
    )
    page = client_for(other_instructor).get("/assessments/grading/")
    assert page.status_code == 200 and "Only my instructor" not in page.content.decode()


def test_it_refuses_a_grade_from_another_instructor(cast, other_instructor):
    _quiz, attempt, answer = _essay_quiz(cast)
    response = client_for(other_instructor).post(
        f"/assessments/grading/{answer.pk}/", {f"a{answer.pk}-mark": "100"}
    )
    assert response.status_code == 404
    answer.refresh_from_db()
    assert answer.manual_fraction is None and Attempt.objects.get(pk=attempt.pk).needs_grading


def test_it_hides_the_analysis_and_reviews_from_another_instructor(cast, other_instructor):
    quiz, attempt, answer = _essay_quiz(cast)
    other = client_for(other_instructor)
    assert other.get(f"/assessments/lessons/{quiz.pk}/analytics/").status_code == 404
    assert other.get(f"/assessments/attempts/{attempt.pk}/review/").status_code == 404
    question = answer.version.question
    response = other.post(
        f"/assessments/lessons/{quiz.pk}/questions/{question.pk}/regrade/",
        {f"q{question.pk}-mode": "in_place", f"q{question.pk}-reason": "Mine now"},
    )
    assert response.status_code == 404
    response = other.post(
        f"/assessments/answers/{answer.pk}/override/",
        {f"a{answer.pk}-mark": "100", f"a{answer.pk}-reason": "Mine now"},
    )
    assert response.status_code == 404
    answer.refresh_from_db()
    assert answer.manual_fraction is None and not GradeAudit.objects.exists()


def test_it_shows_the_owner_and_administrators_the_analysis(cast):
    quiz, attempt, _answer = _essay_quiz(cast)
    for person in (cast.instructor, cast.admin):
        client = client_for(person)
        assert client.get(f"/assessments/lessons/{quiz.pk}/analytics/").status_code == 200
        assert client.get(f"/assessments/attempts/{attempt.pk}/review/").status_code == 200


def test_it_refuses_learners_everywhere(cast):
    quiz, attempt, _answer = _essay_quiz(cast)
    learner = client_for(cast.learner)
    assert learner.get(f"/assessments/lessons/{quiz.pk}/analytics/").status_code == 403
    assert learner.get(f"/assessments/attempts/{attempt.pk}/review/").status_code == 403
    assert learner.get("/assessments/grading/").status_code == 403
