"""The learner's quiz pages: start, the attempt page (public view only, resumed as
left), autosave, forged requests, submit with confirmation, results, query bounds."""

import pytest
from django.utils import timezone

from lectio.assessments import services
from lectio.assessments.models import Answer, Attempt
from tests.assessments.data import RAW
from tests.assessments.quizzes import make_questions, make_quiz, right
from tests.helpers import client_for


def _start(cast, questions=None, **settings):
    questions = questions or make_questions(cast.instructor, 2)
    course, enrollment, quiz = make_quiz(cast, questions, **settings)
    client = client_for(cast.learner)
    response = client.post(f"/assessments/quiz/{course.slug}/{quiz.pk}/")
    attempt = Attempt.objects.get(enrollment=enrollment)
    assert (
        response.status_code == 302
        and response["Location"] == f"/assessments/attempts/{attempt.pk}/"
    )
    return client, course, quiz, attempt


def test_the_lesson_page_leads_to_the_quiz(cast):
    course, _enrollment, quiz = make_quiz(cast, make_questions(cast.instructor, 1))
    page = client_for(cast.learner).get(f"/learn/courses/{course.slug}/lessons/{quiz.pk}/")
    assert f"/assessments/quiz/{course.slug}/{quiz.pk}/" in page.content.decode()


def test_the_start_page_shows_the_rules(cast):
    course, _enrollment, quiz = make_quiz(
        cast, make_questions(cast.instructor, 1), time_limit=15, attempts_allowed=2
    )
    page = client_for(cast.learner).get(f"/assessments/quiz/{course.slug}/{quiz.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "15 minutes" in text and "2 attempts allowed" in text


def test_only_enrolled_people_see_a_quiz(cast):
    course, _enrollment, quiz = make_quiz(cast, make_questions(cast.instructor, 1))
    assert (
        client_for(cast.outsider).get(f"/assessments/quiz/{course.slug}/{quiz.pk}/").status_code
        == 404
    )


@pytest.mark.parametrize("type_name", list(RAW))
def test_the_attempt_page_shows_no_answers_or_feedback(cast, type_name):
    questions = make_questions(cast.instructor, 1, type_name=type_name)
    client, _course, _quiz, attempt = _start(cast, questions)
    text = client.get(f"/assessments/attempts/{attempt.pk}/").content.decode()
    data = questions[0].current_version.data
    secrets = [c["feedback"] for c in data.get("choices", []) if c.get("feedback")]
    secrets += [a["feedback"] for a in data.get("answers", []) if a.get("feedback")]
    secrets += [data[k] for k in ("feedback_true", "feedback_false", "rubric") if data.get(k)]
    assert secrets or type_name in ("matching", "ordering", "cloze", "numeric")
    for secret in secrets:
        assert secret not in text
    assert "fraction" not in text


def test_a_reload_resumes_the_same_attempt_with_its_answers(cast):
    client, course, quiz, attempt = _start(cast, time_limit=30)
    answer = Answer.objects.select_related("version").get(attempt=attempt, slot=2)
    choice = right(answer)["choice"]
    response = client.post(
        f"/assessments/attempts/{attempt.pk}/save/",
        {"s2-shown": "1", "s2-choice": choice},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "Saved" in response.content.decode()
    page = client.get(f"/assessments/attempts/{attempt.pk}/").content.decode()
    assert f'name="s2-choice" value="{choice}" checked' in page
    assert "data-seconds=" in page
    # Starting again leads back to the open attempt.
    again = client.post(f"/assessments/quiz/{course.slug}/{quiz.pk}/")
    assert again["Location"] == f"/assessments/attempts/{attempt.pk}/"
    assert Attempt.objects.count() == 1


def test_the_plain_form_saves_and_leads_to_the_confirmation(cast):
    client, _course, _quiz, attempt = _start(cast)
    response = client.post(
        f"/assessments/attempts/{attempt.pk}/save/",
        {"s1-shown": "1", "s1-choice": "c1", "s2-shown": "1", "finish": ""},
    )
    assert response["Location"] == f"/assessments/attempts/{attempt.pk}/submit/"
    confirm = client.get(response["Location"]).content.decode()
    assert "1 question is not answered" in confirm and "Question 2" in confirm
    assert Attempt.objects.get().submitted_at is None


def test_submitting_shows_the_result_by_the_review_policy(cast):
    client, _course, _quiz, attempt = _start(
        cast, passing_score=50, review_after_attempt=["score"], attempts_allowed=2
    )
    client.post(f"/assessments/attempts/{attempt.pk}/save/", {"s1-shown": "1", "s1-choice": "c1"})
    response = client.post(f"/assessments/attempts/{attempt.pk}/submit/")
    assert response["Location"] == f"/assessments/attempts/{attempt.pk}/result/"
    text = client.get(response["Location"]).content.decode()
    assert "Your score: 50%" in text and "Correct answer" not in text


def test_the_last_attempt_shows_the_answers(cast):
    client, _course, _quiz, attempt = _start(cast, attempts_allowed=1)
    client.post(f"/assessments/attempts/{attempt.pk}/submit/")
    text = client.get(f"/assessments/attempts/{attempt.pk}/result/").content.decode()
    assert "Correct answer: Report it to security" in text


def test_an_expired_attempt_is_submitted_when_loaded(cast):
    client, _course, _quiz, attempt = _start(cast, time_limit=5)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now())
    response = client.get(f"/assessments/attempts/{attempt.pk}/")
    assert response["Location"] == f"/assessments/attempts/{attempt.pk}/result/"
    assert Attempt.objects.get().auto_submitted


# Forged requests: 4xx and nothing changed ------------------------------------------------


def _unchanged(attempt):
    return [(a.slot, a.response, a.saved_at) for a in Answer.objects.filter(attempt=attempt)]


def test_an_answer_to_a_question_not_in_the_attempt_is_refused(cast):
    client, _course, _quiz, attempt = _start(cast)
    before = _unchanged(attempt)
    response = client.post(
        f"/assessments/attempts/{attempt.pk}/save/",
        {"s1-shown": "1", "s1-choice": "c1", "s9-choice": "c1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400 and _unchanged(attempt) == before


def test_another_persons_attempt_is_not_found(cast):
    _client, _course, _quiz, attempt = _start(cast)
    before = _unchanged(attempt)
    other = client_for(cast.outsider)
    for url in ("", "save/", "submit/", "result/"):
        assert other.post(
            f"/assessments/attempts/{attempt.pk}/{url}", {"s1-choice": "c1"}
        ).status_code in (404, 405)
    assert other.get(f"/assessments/attempts/{attempt.pk}/").status_code == 404
    assert _unchanged(attempt) == before and Attempt.objects.get().submitted_at is None


def test_an_answer_to_a_submitted_attempt_is_refused(cast):
    client, _course, _quiz, attempt = _start(cast)
    client.post(f"/assessments/attempts/{attempt.pk}/submit/")
    before = _unchanged(attempt)
    response = client.post(
        f"/assessments/attempts/{attempt.pk}/save/",
        {"s1-shown": "1", "s1-choice": "c1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 409 and _unchanged(attempt) == before


def test_an_answer_after_the_deadline_is_refused(cast):
    client, _course, _quiz, attempt = _start(cast, time_limit=5)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now())
    before = _unchanged(attempt)
    response = client.post(
        f"/assessments/attempts/{attempt.pk}/save/",
        {"s1-shown": "1", "s1-choice": "c1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 409 and _unchanged(attempt) == before


# Query bounds ----------------------------------------------------------------------------


@pytest.mark.parametrize("bank_size", [5, 60])
def test_the_attempt_pages_run_a_bounded_number_of_queries(
    cast, bank_size, django_assert_max_num_queries
):
    from lectio.assessments.services import category_path

    category = category_path(["Big bank"])
    make_questions(cast.instructor, bank_size, category=category)
    fixed = make_questions(cast.instructor, 3)
    course, enrollment, quiz = make_quiz(cast, fixed, draw_category=category.pk, draw_count=5)
    client = client_for(cast.learner)
    # 21, plus the lesson's launched statement on a cold LRS (platform client, activities).
    with django_assert_max_num_queries(21 + 17):
        client.post(f"/assessments/quiz/{course.slug}/{quiz.pk}/")
    attempt = Attempt.objects.get(enrollment=enrollment)
    with django_assert_max_num_queries(12):
        assert client.get(f"/assessments/attempts/{attempt.pk}/").status_code == 200
    form = {f"s{n}-shown": "1" for n in range(1, 9)} | {f"s{n}-choice": "c1" for n in range(1, 9)}
    with django_assert_max_num_queries(12):
        assert (
            client.post(
                f"/assessments/attempts/{attempt.pk}/save/", form, headers={"HX-Request": "true"}
            ).status_code
            == 200
        )
    # 20, plus the answered and passed/failed statements (two batches, whatever the size).
    with django_assert_max_num_queries(20 + 12):
        assert client.post(f"/assessments/attempts/{attempt.pk}/submit/").status_code == 302
    assert services.combined_score(list(Attempt.objects.all()), "highest") is not None


def test_it_loads_the_course_and_the_person_once_to_start_and_submit(cast):
    """Starting and submitting reuse the course, its live version, the person and the
    enrolment the view has loaded (issue 8: they were loaded twice)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    course, enrollment, quiz = make_quiz(cast, make_questions(cast.instructor, 5))
    client = client_for(cast.learner)

    def selects(captured: CaptureQueriesContext) -> dict[str, int]:
        counts: dict[str, int] = {}
        for table in ("catalog_course", "catalog_courseversion", "accounts_user"):
            counts[table] = sum(
                1
                for q in captured.captured_queries
                if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"]
            )
        counts["enrolment"] = sum(
            1
            for q in captured.captured_queries
            if q["sql"].startswith("SELECT")
            and 'FROM "learning_enrollment"' in q["sql"]
            and "FOR UPDATE" not in q["sql"]
        )
        return counts

    with CaptureQueriesContext(connection) as started:
        assert client.post(f"/assessments/quiz/{course.slug}/{quiz.pk}/").status_code == 302
    attempt = Attempt.objects.get(enrollment=enrollment)
    with CaptureQueriesContext(connection) as submitted:
        assert client.post(f"/assessments/attempts/{attempt.pk}/submit/").status_code == 302
    # Start: the course (with its live version joined) once, the signed-in person once
    # (by the session middleware), the enrolment once besides the service's lock (a plain
    # SELECT where the database has no FOR UPDATE, as SQLite).
    lock = 0 if connection.features.has_select_for_update else 1
    assert selects(started) == {
        "catalog_course": 1,
        "catalog_courseversion": 0,
        "accounts_user": 1,
        "enrolment": 1 + lock,
    }
    # Submit: the attempt comes with its enrolment, course and live version in one query.
    assert selects(submitted) == {
        "catalog_course": 0,
        "catalog_courseversion": 0,
        "accounts_user": 1,
        "enrolment": 0,
    }
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None and attempt.score is not None


def test_one_question_per_page(cast):
    client, _course, _quiz, attempt = _start(
        cast, make_questions(cast.instructor, 3), one_per_page=True
    )
    first = client.get(f"/assessments/attempts/{attempt.pk}/").content.decode()
    assert "Question 1 of 3" in first and 'data-slot="1"' in first and 'data-slot="2"' not in first
    response = client.post(
        f"/assessments/attempts/{attempt.pk}/save/", {"s1-shown": "1", "s1-choice": "c2", "go": "2"}
    )
    assert response["Location"] == f"/assessments/attempts/{attempt.pk}/?page=2"
    second = client.get(response["Location"]).content.decode()
    assert 'data-slot="2"' in second and 'data-slot="1"' not in second
    assert Answer.objects.get(attempt=attempt, slot=1).response == {"choice": "c2"}
    # A page out of range shows the nearest one.
    assert (
        'data-slot="3"'
        in client.get(f"/assessments/attempts/{attempt.pk}/?page=9").content.decode()
    )


def test_the_review_shows_the_feedback_of_the_picked_choice(cast):
    client, _course, _quiz, attempt = _start(cast, review_after_attempt=["score", "feedback"])
    client.post(f"/assessments/attempts/{attempt.pk}/save/", {"s1-shown": "1", "s1-choice": "c2"})
    client.post(f"/assessments/attempts/{attempt.pk}/submit/")
    text = client.get(f"/assessments/attempts/{attempt.pk}/result/").content.decode()
    assert "Never ignore it." in text and "Right: security must know." not in text


def test_time_travel_past_the_deadline_submits_what_was_saved(cast):
    """The clock is moved forward (every page reads django.utils.timezone.now): before
    the deadline the page counts down what is left; after it the attempt is closed at
    its deadline with the saved answers, and a late save is refused, changing nothing."""
    from datetime import timedelta
    from unittest import mock

    client, _course, _quiz, attempt = _start(
        cast, make_questions(cast.instructor, 2), time_limit=10, passing_score=50
    )
    first = Answer.objects.get(attempt=attempt, slot=1)
    form = {"s1-shown": "1", "s1-choice": right(first)["choice"]}
    assert client.post(f"/assessments/attempts/{attempt.pk}/save/", form).status_code == 302
    started = attempt.started_at
    with mock.patch("django.utils.timezone.now", return_value=started + timedelta(minutes=7)):
        page = client.get(f"/assessments/attempts/{attempt.pk}/")
        assert page.status_code == 200 and page.context["remaining"] == 180
    late = started + timedelta(minutes=11)
    with mock.patch("django.utils.timezone.now", return_value=late):
        response = client.get(f"/assessments/attempts/{attempt.pk}/")
        assert response["Location"] == f"/assessments/attempts/{attempt.pk}/result/"
        attempt.refresh_from_db()
        assert (attempt.submitted_at, attempt.auto_submitted) == (attempt.deadline, True)
        assert (attempt.score, attempt.passed) == (50.0, True)
        refused = client.post(
            f"/assessments/attempts/{attempt.pk}/save/",
            {"s2-shown": "1", "s2-choice": "c1"},
            headers={"HX-Request": "true"},
        )
        assert refused.status_code == 409
    assert Answer.objects.get(attempt=attempt, slot=2).response in (None, {})
