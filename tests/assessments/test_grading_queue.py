"""The manual grading queue: essays wait for a person; the grade completes the attempt
and moves the learner's progress."""

from datetime import UTC, datetime, timedelta

from lectio.assessments import services
from lectio.assessments.models import Answer, Attempt
from lectio.learning.models import LessonProgress
from tests.assessments.quizzes import make_questions, make_quiz
from tests.helpers import client_for

T0 = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)


def _essay_submitted(cast, **settings):
    essay = make_questions(cast.instructor, 1, type_name="essay")
    _course, enrollment, quiz = make_quiz(cast, essay, **settings)
    attempt = services.start_attempt(enrollment, quiz.pk, at=T0)
    services.save_answers(attempt, {1: {"text": "Wet floors and cables."}}, at=T0)
    services.submit_attempt(attempt, at=T0)
    return enrollment, quiz, attempt


def test_the_queue_lists_answers_waiting_for_a_grade(cast):
    _essay_submitted(cast)
    page = client_for(cast.instructor).get("/assessments/grading/")
    assert page.status_code == 200 and "Wet floors and cables." in page.content.decode()


def test_learners_cannot_see_the_queue_or_grade(cast):
    _enrollment, _quiz, attempt = _essay_submitted(cast)
    answer = Answer.objects.get(attempt=attempt)
    learner = client_for(cast.learner)
    assert learner.get("/assessments/grading/").status_code == 403
    assert (
        learner.post(
            f"/assessments/grading/{answer.pk}/", {f"a{answer.pk}-mark": "100"}
        ).status_code
        == 403
    )
    assert Answer.objects.get(pk=answer.pk).manual_fraction is None


def test_a_grade_scores_the_attempt_and_completes_the_lesson(cast):
    enrollment, quiz, attempt = _essay_submitted(cast, passing_score=60)
    answer = Answer.objects.get(attempt=attempt)
    response = client_for(cast.instructor).post(
        f"/assessments/grading/{answer.pk}/",
        {f"a{answer.pk}-mark": "80", f"a{answer.pk}-comment": "Good."},
    )
    assert response.status_code == 302
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert (attempt.score, attempt.passed, attempt.needs_grading) == (80.0, True, False)
    answer.refresh_from_db()
    assert (answer.manual_fraction, answer.manual_comment, answer.graded_by) == (
        0.8,
        "Good.",
        cast.instructor,
    )
    progress = LessonProgress.objects.get(enrollment=enrollment, lesson_id=quiz.pk)
    assert progress.status == LessonProgress.Status.COMPLETED
    # Graded answers leave the queue.
    assert (
        "Wet floors"
        not in client_for(cast.instructor).get("/assessments/grading/").content.decode()
    )


def test_a_mark_out_of_range_changes_nothing(cast):
    _enrollment, _quiz, attempt = _essay_submitted(cast)
    answer = Answer.objects.get(attempt=attempt)
    client_for(cast.instructor).post(
        f"/assessments/grading/{answer.pk}/", {f"a{answer.pk}-mark": "120"}
    )
    assert Answer.objects.get(pk=answer.pk).manual_fraction is None
    assert Attempt.objects.get(pk=attempt.pk).needs_grading


def test_the_learner_sees_the_graders_comment_when_feedback_is_shown(cast):
    _enrollment, _quiz, attempt = _essay_submitted(cast, review_after_attempt=["score", "feedback"])
    answer = Answer.objects.get(attempt=attempt)
    services.grade_answer(answer, fraction=0.5, comment="Name a control too.", by=cast.instructor)
    text = (
        client_for(cast.learner).get(f"/assessments/attempts/{attempt.pk}/result/").content.decode()
    )
    assert "Name a control too." in text and "Your score: 50%" in text


def test_the_queue_pages_past_its_first_page(cast, monkeypatch):
    from lectio.assessments import grading_views

    monkeypatch.setattr(grading_views, "QUEUE_LENGTH", 2)
    essay = make_questions(cast.instructor, 1, type_name="essay")
    _course, enrollment, quiz = make_quiz(cast, essay)
    for n in range(3):
        at = T0 + timedelta(minutes=n)
        attempt = services.start_attempt(enrollment, quiz.pk, at=at)
        services.save_answers(attempt, {1: {"text": f"Essay number {n}."}}, at=at)
        services.submit_attempt(attempt, at=at)
    client = client_for(cast.instructor)
    first = client.get("/assessments/grading/").content.decode()
    assert "Essay number 0." in first and "Essay number 1." in first
    assert "Essay number 2." not in first and "page=2" in first
    second = client.get("/assessments/grading/?page=2").content.decode()
    assert "Essay number 2." in second and "Essay number 0." not in second
