"""Quiz attempts through the services: start, autosave, submit, expiry, grading methods,
and the quiz result reaching the learner's progress (the one write path)."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from lectio.assessments import services
from lectio.assessments.models import Answer, Attempt
from lectio.catalog.kinds import quiz as quiz_kind
from lectio.learning.models import Enrollment, LessonProgress
from tests.assessments.quizzes import make_questions, make_quiz, right

# After the enrolment (made at the real time): the access window is open.
T0 = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)


def _answers(attempt):
    return list(Answer.objects.filter(attempt=attempt).select_related("version"))


def _answer_all(attempt, at, *, correct=True):
    responses = {a.slot: right(a) if correct else {} for a in _answers(attempt)}
    services.save_answers(attempt, responses, at=at)


# Settings ------------------------------------------------------------------------------


def _form(**data):
    base = {
        "content-draw_count": "0",
        "content-attempts_allowed": "0",
        "content-grading": "highest",
        "content-wait_minutes": "0",
    }
    base.update({f"content-{k}": v for k, v in data.items()})
    return quiz_kind.ContentForm(base, prefix="content")


def test_the_settings_form_reads_question_numbers(cast):
    first, second = (q.pk for q in make_questions(cast.instructor, 2))
    form = _form(question_ids=f"#{second}, {first},{second}", passing_score="80", time_limit="20")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["question_ids"] == [second, first]
    assert form.cleaned_data["passing_score"] == 80


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"question_ids": "1, two"}, "question_ids"),
        ({"draw_count": "5"}, "draw_category"),
        ({"passing_score": "101"}, "passing_score"),
        ({"time_limit": "0"}, "time_limit"),
        ({"grading": "best"}, "grading"),
        ({"attempts_allowed": "-1"}, "attempts_allowed"),
    ],
)
def test_the_settings_form_refuses_bad_settings(db, data, field):
    form = _form(**data)
    assert not form.is_valid()
    assert field in form.errors


def test_a_quiz_without_questions_cannot_be_published():
    assert quiz_kind.problems({}) == ["The quiz has no questions yet."]
    assert quiz_kind.problems({"draw_category": 3, "draw_count": 0}) != []
    assert quiz_kind.problems({"question_ids": [1]}) == []
    assert quiz_kind.problems({"draw_category": 3, "draw_count": 2}) == []


# Lifecycle -----------------------------------------------------------------------------


def test_an_attempt_fixes_its_questions_and_deadline_at_start(cast):
    questions = make_questions(cast.instructor, 3)
    _course, enrollment, quiz = make_quiz(cast, questions, time_limit=20)
    attempt = services.start_attempt(enrollment, quiz.pk, at=T0)
    assert (attempt.number, attempt.started_at, attempt.deadline) == (
        1,
        T0,
        T0 + timedelta(minutes=20),
    )
    assert [a.version.question_id for a in _answers(attempt)] == [q.pk for q in questions]
    progress = LessonProgress.objects.get(enrollment=enrollment, lesson_id=quiz.pk)
    assert progress.status == LessonProgress.Status.IN_PROGRESS


def test_a_second_start_is_refused_while_one_is_open(cast):
    _course, enrollment, quiz = make_quiz(cast, make_questions(cast.instructor, 1))
    services.start_attempt(enrollment, quiz.pk, at=T0)
    with pytest.raises(services.AttemptRefused, match="resume it"):
        services.start_attempt(enrollment, quiz.pk, at=T0 + timedelta(minutes=1))
    assert Attempt.objects.count() == 1


def test_starting_is_refused_when_attempts_are_used_up(cast):
    _course, enrollment, quiz = make_quiz(
        cast, make_questions(cast.instructor, 1), attempts_allowed=1
    )
    services.submit_attempt(services.start_attempt(enrollment, quiz.pk, at=T0), at=T0)
    with pytest.raises(services.AttemptRefused, match="used all your attempts"):
        services.start_attempt(enrollment, quiz.pk, at=T0 + timedelta(days=1))


def test_a_recertification_cycle_gives_the_attempts_again(cast):
    from lectio.learning import cycles

    _course, enrollment, quiz = make_quiz(
        cast, make_questions(cast.instructor, 1), attempts_allowed=1
    )
    services.submit_attempt(services.start_attempt(enrollment, quiz.pk, at=T0), at=T0)
    Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=T0)
    renewed = cycles.start_new_cycle(enrollment, at=T0 + timedelta(days=1))
    second = services.start_attempt(renewed, quiz.pk, at=T0 + timedelta(days=1))
    assert (second.number, second.cycle) == (2, 2)
    assert Attempt.objects.filter(cycle=1).count() == 1  # the first cycle's stays on record


def test_starting_waits_for_the_time_between_attempts(cast):
    _course, enrollment, quiz = make_quiz(cast, make_questions(cast.instructor, 1), wait_minutes=30)
    services.submit_attempt(services.start_attempt(enrollment, quiz.pk, at=T0), at=T0)
    with pytest.raises(services.AttemptRefused, match="in 10 minutes"):
        services.start_attempt(enrollment, quiz.pk, at=T0 + timedelta(minutes=20))
    second = services.start_attempt(enrollment, quiz.pk, at=T0 + timedelta(minutes=30))
    assert second.number == 2


def test_questions_are_drawn_from_a_category_and_below(cast):
    from lectio.assessments.services import category_path

    parent = category_path(["Safety"])
    child = category_path(["Safety", "Fire"])
    pool = make_questions(cast.instructor, 3, category=parent) + make_questions(
        cast.instructor, 3, category=child
    )
    fixed = make_questions(cast.instructor, 1, category=category_path(["Other"]))
    _course, enrollment, quiz = make_quiz(cast, fixed, draw_category=parent.pk, draw_count=4)
    attempt = services.start_attempt(enrollment, quiz.pk, at=T0)
    drawn = [a.version.question_id for a in _answers(attempt)]
    assert drawn[0] == fixed[0].pk and len(drawn) == 5 and len(set(drawn)) == 5
    assert set(drawn[1:]) <= {q.pk for q in pool}


def test_shuffling_is_fixed_per_attempt(cast):
    questions = make_questions(cast.instructor, 6)
    _course, enrollment, quiz = make_quiz(
        cast, questions, shuffle_questions=True, shuffle_choices=True
    )
    attempt = services.start_attempt(enrollment, quiz.pk, at=T0, rng=random.Random(4))
    first = [(a.version_id, a.order) for a in _answers(attempt)]
    assert [v for v, _o in first] != [q.current_version_id for q in questions]
    assert all(
        sorted(o) == sorted(c["id"] for c in questions[0].current_version.data["choices"])
        for _v, o in first
    )
    # Read again (a reload): the same order, whatever the random source does now.
    assert [(a.version_id, a.order) for a in _answers(attempt)] == first


def test_a_revised_question_does_not_change_a_started_attempt(cast):
    questions = make_questions(cast.instructor, 1)
    _course, enrollment, quiz = make_quiz(cast, questions)
    attempt = services.start_attempt(enrollment, quiz.pk, at=T0)
    shown = _answers(attempt)[0].version_id
    services.revise_question(questions[0], by=cast.instructor, prompt="<p>Changed</p>")
    assert _answers(attempt)[0].version_id == shown


# Saving answers --------------------------------------------------------------------------


def test_answers_are_saved_as_given(cast):
    _course, enrollment, quiz = make_quiz(cast, make_questions(cast.instructor, 2))
    attempt = services.start_attempt(enrollment, quiz.pk, at=T0)
    services.save_answers(attempt, {2: {"choice": "c2"}}, at=T0 + timedelta(seconds=5))
    saved = {a.slot: (a.response, a.saved_at) for a in _answers(attempt)}
    assert saved == {1: (None, None), 2: ({"choice": "c2"}, T0 + timedelta(seconds=5))}


@pytest.mark.parametrize("case", ["unknown slot", "submitted", "after deadline"])
def test_a_refused_answer_changes_nothing(cast, case):
    _course, enrollment, quiz = make_quiz(cast, make_questions(cast.instructor, 1), time_limit=10)
    attempt = services.start_attempt(enrollment, quiz.pk, at=T0)
    services.save_answers(attempt, {1: {"choice": "c2"}}, at=T0)
    at, responses = T0 + timedelta(minutes=1), {1: {"choice": "c1"}}
    if case == "unknown slot":
        responses = {1: {"choice": "c1"}, 7: {"choice": "c1"}}
    elif case == "submitted":
        services.submit_attempt(attempt, at=at)
    else:
        at = T0 + timedelta(minutes=10)
    with pytest.raises(services.AttemptRefused) as refused:
        services.save_answers(attempt, responses, at=at)
    assert refused.value.status in (400, 409)
    answer = _answers(attempt)[0]
    assert (answer.response, answer.saved_at) == ({"choice": "c2"}, T0)


# Submitting, expiry, grading --------------------------------------------------------------


def test_submitting_grades_the_answers_and_completes_the_course(cast):
    _course, enrollment, quiz = make_quiz(
        cast, make_questions(cast.instructor, 2), passing_score=50
    )
    attempt = services.start_attempt(enrollment, quiz.pk, at=T0)
    first = _answers(attempt)[0]
    services.save_answers(attempt, {1: right(first)}, at=T0)
    done = services.submit_attempt(attempt, at=T0 + timedelta(minutes=3))
    assert (done.score, done.passed, done.auto_submitted) == (50.0, True, False)
    progress = LessonProgress.objects.get(enrollment=enrollment, lesson_id=quiz.pk)
    assert (progress.status, progress.completed_at) == (
        LessonProgress.Status.COMPLETED,
        T0 + timedelta(minutes=3),
    )
    enrollment.refresh_from_db()
    assert enrollment.completed_at == T0 + timedelta(minutes=3)
    assert enrollment.progress_percent == 100
    # Submitting again changes nothing.
    assert (
        services.submit_attempt(attempt, at=T0 + timedelta(hours=1)).submitted_at
        == done.submitted_at
    )


def test_a_failed_attempt_does_not_complete_the_lesson(cast):
    _course, enrollment, quiz = make_quiz(
        cast, make_questions(cast.instructor, 2), passing_score=80
    )
    attempt = services.start_attempt(enrollment, quiz.pk, at=T0)
    done = services.submit_attempt(attempt, at=T0)
    assert (done.score, done.passed) == (0.0, False)
    progress = LessonProgress.objects.get(enrollment=enrollment, lesson_id=quiz.pk)
    assert progress.status == LessonProgress.Status.IN_PROGRESS
    assert Enrollment.objects.get(pk=enrollment.pk).completed_at is None


def test_without_a_passing_score_submitting_completes_the_lesson(cast):
    _course, enrollment, quiz = make_quiz(cast, make_questions(cast.instructor, 1))
    services.submit_attempt(services.start_attempt(enrollment, quiz.pk, at=T0), at=T0)
    progress = LessonProgress.objects.get(enrollment=enrollment, lesson_id=quiz.pk)
    assert progress.status == LessonProgress.Status.COMPLETED


def test_an_expired_attempt_is_submitted_with_what_was_saved(cast):
    _course, enrollment, quiz = make_quiz(
        cast, make_questions(cast.instructor, 2), time_limit=10, passing_score=50
    )
    attempt = services.start_attempt(enrollment, quiz.pk, at=T0)
    services.save_answers(attempt, {1: right(_answers(attempt)[0])}, at=T0 + timedelta(minutes=2))
    assert services.submit_expired(at=T0 + timedelta(minutes=9)) == 0
    assert services.submit_expired(at=T0 + timedelta(minutes=12)) == 1
    attempt.refresh_from_db()
    assert (attempt.submitted_at, attempt.auto_submitted, attempt.score) == (
        T0 + timedelta(minutes=10),
        True,
        50.0,
    )
    assert services.submit_expired(at=T0 + timedelta(minutes=13)) == 0


def test_starting_again_closes_an_expired_attempt_first(cast):
    _course, enrollment, quiz = make_quiz(cast, make_questions(cast.instructor, 1), time_limit=5)
    first = services.start_attempt(enrollment, quiz.pk, at=T0)
    second = services.start_attempt(enrollment, quiz.pk, at=T0 + timedelta(minutes=6))
    first.refresh_from_db()
    assert first.auto_submitted and second.number == 2


def test_the_periodic_task_is_registered(settings):
    tasks = {entry["task"] for entry in settings.LECTIO_PERIODIC_TASKS.values()}
    assert "lectio.assessments.tasks.submit_expired_attempts" in tasks


@pytest.mark.parametrize(
    ("method", "expected"), [("highest", 100.0), ("last", 50.0), ("average", 66.67)]
)
def test_grading_methods(cast, method, expected):
    _course, enrollment, quiz = make_quiz(cast, make_questions(cast.instructor, 2), grading=method)
    at = T0
    for correct in (1, 2, 1):
        attempt = services.start_attempt(enrollment, quiz.pk, at=at)
        answers = _answers(attempt)
        services.save_answers(attempt, {a.slot: right(a) for a in answers[:correct]}, at=at)
        services.submit_attempt(attempt, at=at)
        at += timedelta(minutes=1)
    attempts = list(Attempt.objects.filter(enrollment=enrollment))
    assert services.combined_score(attempts, method) == expected
    progress = LessonProgress.objects.get(enrollment=enrollment, lesson_id=quiz.pk)
    assert progress.percent == 100  # completed on the first submit (no passing score)


def test_an_essay_waits_for_a_person(cast):
    essay = make_questions(cast.instructor, 1, type_name="essay")
    _course, enrollment, quiz = make_quiz(cast, essay, passing_score=50)
    attempt = services.start_attempt(enrollment, quiz.pk, at=T0)
    services.save_answers(attempt, {1: {"text": "Fire and floods."}}, at=T0)
    done = services.submit_attempt(attempt, at=T0)
    assert (done.needs_grading, done.score, done.passed) == (True, None, None)
    progress = LessonProgress.objects.get(enrollment=enrollment, lesson_id=quiz.pk)
    assert progress.status == LessonProgress.Status.IN_PROGRESS
