"""Item analysis of a quiz lesson: exact statistics on the hand-made data set in
``analysis.py``, flags, versions and languages counted as one question, the page's
permissions and its bounded number of queries."""

from datetime import timedelta

import pytest

from lectio.assessments import analytics
from lectio.assessments import services as bank
from tests.assessments.analysis import PICKS, T0, make_analysed_quiz, take, take_all
from tests.assessments.quizzes import make_questions, make_quiz
from tests.helpers import client_for


def _by_question(stats, questions):
    found = {item.question_id: item for item in stats.questions}
    return [found[q.pk] for q in questions]


def test_it_computes_the_score_distribution(cast):
    _questions, enrollment, quiz = make_analysed_quiz(cast)
    take_all(enrollment, quiz)
    stats = analytics.quiz_stats(quiz.pk)
    assert (stats.attempts, stats.mean) == (4, 60.0)
    assert [b.count for b in stats.bins] == [0, 0, 0, 0, 1, 0, 2, 0, 1, 0]
    assert (stats.bins[0].low, stats.bins[0].high, stats.bins[-1].high) == (0, 9, 100)


def test_it_computes_facility_and_discrimination(cast):
    questions, enrollment, quiz = make_analysed_quiz(cast)
    take_all(enrollment, quiz)
    q1, q2, q3, q4 = _by_question(analytics.quiz_stats(quiz.pk), questions)
    # 4 attempts: the upper and lower 27 % are one attempt each, 80 % and 40 %.
    assert [q.attempts for q in (q1, q2, q3, q4)] == [4, 4, 4, 4]
    assert [q.facility for q in (q1, q2, q3, q4)] == [0.5, 0.5, 0.5, 1.0]
    assert [q.discrimination for q in (q1, q2, q3, q4)] == [1.0, -1.0, 1.0, 0.0]


def test_it_counts_how_often_each_choice_was_picked(cast):
    questions, enrollment, quiz = make_analysed_quiz(cast)
    take_all(enrollment, quiz)
    q1, _q2, q3, _q4 = _by_question(analytics.quiz_stats(quiz.pk), questions)
    assert [(c.key, c.picked, c.correct) for c in q1.choices] == [
        ("c1", 2, True),
        ("c2", 1, False),
        ("c3", 1, False),
    ]
    assert [(c.key, c.picked, c.correct) for c in q3.choices] == [
        ("true", 2, False),
        ("false", 2, True),
    ]


def test_it_flags_questions_with_the_reason(cast):
    questions, enrollment, quiz = make_analysed_quiz(cast)
    take_all(enrollment, quiz)
    q1, q2, _q3, q4 = _by_question(analytics.quiz_stats(quiz.pk), questions)
    assert q1.flags == []
    assert len(q2.flags) == 1 and q2.flags[0].startswith("Negative discrimination")
    assert [f.split(":")[0] for f in q4.flags] == ["Very low discrimination", "Very easy"]


def test_it_flags_very_hard_questions(cast):
    questions, enrollment, quiz = make_analysed_quiz(cast)
    take_all(enrollment, quiz, [("c2", "c2", True, "c2")] * 2)
    q1 = _by_question(analytics.quiz_stats(quiz.pk), questions)[0]
    assert q1.facility == 0.0 and any(f.startswith("Very hard") for f in q1.flags)


def test_it_counts_every_version_of_a_question_as_one(cast):
    questions, enrollment, quiz = make_analysed_quiz(cast)
    take_all(enrollment, quiz, PICKS[:2])
    bank.revise_question(questions[0], by=cast.instructor, prompt="<p>A phishing e-mail.</p>")
    for n, row in enumerate(PICKS[2:]):
        take(enrollment, quiz, row, at=T0 + timedelta(hours=1, minutes=n))
    stats = analytics.quiz_stats(quiz.pk)
    q1 = _by_question(stats, questions)[0]
    assert len(stats.questions) == 4
    assert (q1.attempts, q1.facility, q1.discrimination) == (4, 0.5, 1.0)
    assert q1.text == "A phishing e-mail."  # named by its latest version


def test_a_translated_question_is_one_question(cast):
    """Learners in any language answer the same question version: the Turkish prompt is a
    translation on it, not another question, so there is one row of statistics."""
    questions, enrollment, quiz = make_analysed_quiz(cast)
    take_all(enrollment, quiz)
    assert "tr" in questions[0].current_version.translations
    ids = [item.question_id for item in analytics.quiz_stats(quiz.pk).questions]
    assert ids.count(questions[0].pk) == 1


def test_ungraded_attempts_are_left_out(cast):
    _questions, enrollment, quiz = make_analysed_quiz(cast)
    bank.start_attempt(enrollment, quiz.pk, at=T0)
    stats = analytics.quiz_stats(quiz.pk)
    assert (stats.attempts, stats.mean, stats.questions) == (0, None, [])


def test_the_page_shows_the_histogram_table_and_flags(cast):
    _questions, enrollment, quiz = make_analysed_quiz(cast)
    take_all(enrollment, quiz)
    page = client_for(cast.instructor).get(f"/assessments/lessons/{quiz.pk}/analytics/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in text and "<rect" in text and "style=" not in text
    assert "60\u201369%" in text and "Negative discrimination" in text and "data-flags" in text


def test_the_grading_queue_links_to_the_analysis(cast):
    essay = bank.create_question(
        category=bank.category_path(["Essays"]),
        type="essay",
        prompt="<p>Describe a hazard.</p>",
        data={},
        by=cast.instructor,
    )
    from tests.assessments.quizzes import make_quiz

    _course, enrollment, quiz = make_quiz(cast, [essay])
    attempt = bank.start_attempt(enrollment, quiz.pk, at=T0)
    bank.submit_attempt(attempt, at=T0)
    text = client_for(cast.instructor).get("/assessments/grading/").content.decode()
    assert f"/assessments/lessons/{quiz.pk}/analytics/" in text


@pytest.mark.parametrize("who", ["learner", "manager", "outsider"])
def test_it_requires_an_instructor(cast, who):
    _questions, enrollment, quiz = make_analysed_quiz(cast)
    take_all(enrollment, quiz)
    response = client_for(getattr(cast, who)).get(f"/assessments/lessons/{quiz.pk}/analytics/")
    assert response.status_code == 403


def test_administrators_may_see_it(cast):
    _questions, _enrollment, quiz = make_analysed_quiz(cast)
    page = client_for(cast.admin).get(f"/assessments/lessons/{quiz.pk}/analytics/")
    assert page.status_code == 200 and "No graded attempts yet." in page.content.decode()


def test_it_is_404_for_a_lesson_that_is_not_a_quiz(cast):
    _questions, _enrollment, quiz = make_analysed_quiz(cast, pages=1)
    other = quiz.module.lessons.exclude(pk=quiz.pk).get()
    assert (
        client_for(cast.instructor).get(f"/assessments/lessons/{other.pk}/analytics/").status_code
        == 404
    )


def test_the_statistics_take_two_queries(cast, django_assert_num_queries):
    _questions, enrollment, quiz = make_analysed_quiz(cast)
    take_all(enrollment, quiz)
    with django_assert_num_queries(2):
        analytics.quiz_stats(quiz.pk)


def test_the_page_runs_a_bounded_number_of_queries(cast, django_assert_max_num_queries):
    _questions, enrollment, quiz = make_analysed_quiz(cast)
    client = client_for(cast.instructor)
    url = f"/assessments/lessons/{quiz.pk}/analytics/"
    for round_ in range(3):
        take_all(enrollment, quiz, [row for _ in range(round_ + 1) for row in PICKS])
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200


def test_the_quiz_page_links_instructors_to_the_analysis(cast):
    from lectio.learning import services as learning

    _questions, enrollment, quiz = make_analysed_quiz(cast)
    url = f"/assessments/quiz/{enrollment.course.slug}/{quiz.pk}/"
    learning.enroll(cast.instructor, enrollment.course, source="self")
    analysis = f"/assessments/lessons/{quiz.pk}/analytics/"
    assert analysis in client_for(cast.instructor).get(url).content.decode()
    assert analysis not in client_for(cast.learner).get(url).content.decode()


def test_the_page_speaks_the_instructors_language(cast):
    _questions, enrollment, quiz = make_analysed_quiz(cast)
    take_all(enrollment, quiz)
    cast.instructor.language = "tr"
    cast.instructor.save(update_fields=["language"])
    text = (
        client_for(cast.instructor)
        .get(f"/assessments/lessons/{quiz.pk}/analytics/")
        .content.decode()
    )
    assert "Puan dağılımı" in text and "Negatif ayırt edicilik" in text


def test_it_counts_pairings_positions_and_gap_answers(cast):
    from lectio.assessments.models import Answer

    questions = [
        make_questions(cast.instructor, 1, type_name=kind)[0]
        for kind in ("matching", "ordering", "cloze")
    ]
    _course, enrollment, quiz = make_quiz(cast, questions)
    matching, ordering, cloze = (q.current_version.data for q in questions)
    pairs = {p["answer"]: p["id"] for p in matching["pairs"]}
    items = [i["id"] for i in ordering["items"]]
    liquid, gas = (c["id"] for c in cloze["gaps"][3]["choices"])
    given = [
        (
            {pairs["Extinguisher"]: "Extinguisher", pairs["Bandage"]: "Umbrella"},
            items,
            {"temp": "100", "freeze": " 0 ", "formula": "H2O", "state": liquid},
        ),
        (
            {pairs["Extinguisher"]: "Bandage", pairs["Bandage"]: "Umbrella"},
            [items[1], items[0], *items[2:]],
            {"temp": "90", "formula": "h2o", "state": gas},
        ),
    ]
    for n, (matches, order, gaps) in enumerate(given):
        at = T0 + timedelta(minutes=n)
        attempt = bank.start_attempt(enrollment, quiz.pk, at=at)
        slots = {a.version.question_id: a.slot for a in Answer.objects.filter(attempt=attempt)}
        bank.save_answers(
            attempt,
            {
                slots[questions[0].pk]: {"matches": matches},
                slots[questions[1].pk]: {"order": order},
                slots[questions[2].pk]: {"gaps": gaps},
            },
            at=at,
        )
        bank.submit_attempt(attempt, at=at)
    found = {s.question_id: s for s in analytics.quiz_stats(quiz.pk).questions}
    rows = {
        q.pk: {(c.group, c.text): (c.picked, c.correct) for c in found[q.pk].choices}
        for q in questions
    }
    assert rows[questions[0].pk] == {
        ("Fire", "Extinguisher"): (1, True),
        ("Fire", "Bandage"): (1, False),
        ("Cut", "Bandage"): (0, True),
        ("Cut", "Umbrella"): (2, False),
        ("Fall", "Harness"): (0, True),
    }
    ordering_rows = rows[questions[1].pk]
    assert ordering_rows[("Raise the alarm", "position 1")] == (1, True)
    assert ordering_rows[("Raise the alarm", "position 2")] == (1, False)
    assert ordering_rows[("Leave the building", "position 1")] == (1, False)
    assert ordering_rows[("Report to the warden", "position 4")] == (2, True)
    assert rows[questions[2].pk] == {
        ("Gap temp", "100"): (1, True),
        ("Gap temp", "90"): (1, False),
        ("Gap freeze", "0"): (1, True),
        ("Gap formula", "H2O"): (1, True),
        ("Gap formula", "h2o"): (1, False),
        ("Gap state", "liquid"): (1, True),
        ("Gap state", "gas"): (1, False),
    }
    page = client_for(cast.instructor).get(f"/assessments/lessons/{quiz.pk}/analytics/")
    assert "Cut → Umbrella" in page.content.decode()
