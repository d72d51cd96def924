"""Regrading after a corrected answer key (or a grading fix) and manual overrides: the
scores, pass/fail and the learner's progress follow, and every change is audited."""

from datetime import timedelta

import pytest

from lectio.assessments import services as bank
from lectio.assessments.models import Answer, Attempt, AuditEntryIsImmutable, GradeAudit
from lectio.learning.models import LessonProgress
from tests.assessments.analysis import RAW, T0, make_analysed_quiz, take
from tests.helpers import client_for

# Q1 picked "Ignore it" (c2): wrong by the first key, right by the corrected one.
ROW = ("c2", "c1", False, "c1")  # 0+1+2+1 = 4/5 = 80 %


def _corrected_key():
    data = {"choices": [dict(c) for c in RAW["single"]["choices"]]}
    data["choices"][1]["fraction"] = 1
    return data


def _progress(enrollment, quiz):
    return LessonProgress.objects.get(enrollment=enrollment, lesson_id=quiz.pk)


def test_a_corrected_key_regrades_the_score_and_the_progress(cast):
    questions, enrollment, quiz = make_analysed_quiz(cast, passing_score=90)
    attempt = take(enrollment, quiz, ROW, at=T0)
    assert (attempt.score, attempt.passed) == (80.0, False)
    assert _progress(enrollment, quiz).status != LessonProgress.Status.COMPLETED
    old = questions[0].current_version
    new = bank.revise_question(questions[0], by=cast.instructor, data=_corrected_key())
    questions[0].refresh_from_db()
    changed = bank.regrade_question(
        questions[0], lesson_id=quiz.pk, by=cast.instructor, reason="Both are right."
    )
    assert changed == 1
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed, attempt.needs_grading) == (100.0, True, False)
    progress = _progress(enrollment, quiz)
    assert (progress.status, progress.percent) == (LessonProgress.Status.COMPLETED, 100)
    answer = Answer.objects.get(attempt=attempt, slot=1)
    assert (answer.version_id, answer.fraction) == (new.pk, 1.0)
    entry = GradeAudit.objects.get()
    assert (entry.kind, entry.by, entry.reason) == ("regrade", cast.instructor, "Both are right.")
    assert (entry.from_version_id, entry.to_version_id) == (old.pk, new.pk)
    assert (entry.old_fraction, entry.new_fraction, entry.old_score, entry.new_score) == (
        0.0,
        1.0,
        80.0,
        100.0,
    )


def test_attempts_on_the_current_version_are_left_alone(cast):
    questions, enrollment, quiz = make_analysed_quiz(cast)
    bank.revise_question(questions[0], by=cast.instructor, data=_corrected_key())
    questions[0].refresh_from_db()
    take(enrollment, quiz, ROW, at=T0)
    assert (
        bank.regrade_question(questions[0], lesson_id=quiz.pk, by=cast.instructor, reason="x") == 0
    )
    assert not GradeAudit.objects.exists()


def test_a_regrade_in_place_reruns_the_version_the_attempt_showed(cast):
    questions, enrollment, quiz = make_analysed_quiz(cast)
    attempt = take(enrollment, quiz, ("c1", "c1", False, "c1"), at=T0)
    # A grading bug had marked the right answer wrong.
    Answer.objects.filter(attempt=attempt, slot=1).update(fraction=0.0)
    Attempt.objects.filter(pk=attempt.pk).update(score=80.0)
    changed = bank.regrade_question(
        questions[0], lesson_id=quiz.pk, by=cast.instructor, reason="Grader fix", in_place=True
    )
    attempt.refresh_from_db()
    assert (changed, attempt.score) == (1, 100.0)
    entry = GradeAudit.objects.get()
    assert entry.from_version_id == entry.to_version_id == questions[0].current_version_id
    # Nothing more to change: a second run writes no entry.
    bank.regrade_question(
        questions[0], lesson_id=quiz.pk, by=cast.instructor, reason="Again", in_place=True
    )
    assert GradeAudit.objects.count() == 1


def test_a_regrade_needs_a_reason(cast):
    questions, enrollment, quiz = make_analysed_quiz(cast)
    take(enrollment, quiz, ROW, at=T0)
    with pytest.raises(bank.AttemptRefused):
        bank.regrade_question(questions[0], lesson_id=quiz.pk, by=cast.instructor, reason=" ")


def test_an_override_changes_the_mark_and_is_audited(cast):
    _questions, enrollment, quiz = make_analysed_quiz(cast, passing_score=90)
    attempt = take(enrollment, quiz, ROW, at=T0)
    answer = Answer.objects.get(attempt=attempt, slot=1)
    bank.override_answer(answer, fraction=1.0, reason="Also acceptable.", by=cast.instructor)
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (100.0, True)
    assert _progress(enrollment, quiz).status == LessonProgress.Status.COMPLETED
    entry = GradeAudit.objects.get()
    assert (entry.kind, entry.old_fraction, entry.new_fraction) == ("override", 0.0, 1.0)
    assert (entry.old_score, entry.new_score, entry.reason) == (80.0, 100.0, "Also acceptable.")


def test_an_override_needs_a_reason_and_a_submitted_attempt(cast):
    _questions, enrollment, quiz = make_analysed_quiz(cast)
    attempt = take(enrollment, quiz, ROW, at=T0)
    answer = Answer.objects.get(attempt=attempt, slot=1)
    with pytest.raises(bank.AttemptRefused):
        bank.override_answer(answer, fraction=1.0, reason="", by=cast.instructor)
    open_attempt = bank.start_attempt(enrollment, quiz.pk, at=T0 + timedelta(minutes=5))
    with pytest.raises(bank.AttemptRefused):
        bank.override_answer(
            Answer.objects.get(attempt=open_attempt, slot=1),
            fraction=1.0,
            reason="Early",
            by=cast.instructor,
        )
    assert not GradeAudit.objects.exists()


def test_an_audit_entry_is_never_edited(cast):
    _questions, enrollment, quiz = make_analysed_quiz(cast)
    attempt = take(enrollment, quiz, ROW, at=T0)
    answer = Answer.objects.get(attempt=attempt, slot=1)
    bank.override_answer(answer, fraction=1.0, reason="Fine.", by=cast.instructor)
    entry = GradeAudit.objects.get()
    entry.reason = "Rewritten"
    with pytest.raises(AuditEntryIsImmutable):
        entry.save()


# Pages ---------------------------------------------------------------------------------


def test_the_regrade_form_regrades(cast):
    questions, enrollment, quiz = make_analysed_quiz(cast)
    attempt = take(enrollment, quiz, ROW, at=T0)
    bank.revise_question(questions[0], by=cast.instructor, data=_corrected_key())
    q = questions[0].pk
    response = client_for(cast.instructor).post(
        f"/assessments/lessons/{quiz.pk}/questions/{q}/regrade/",
        {f"q{q}-mode": "key", f"q{q}-reason": "Key fixed"},
    )
    assert response.status_code == 302
    assert Attempt.objects.get(pk=attempt.pk).score == 100.0
    assert GradeAudit.objects.get().by == cast.instructor


def test_the_regrade_form_needs_a_reason(cast):
    questions, enrollment, quiz = make_analysed_quiz(cast)
    attempt = take(enrollment, quiz, ROW, at=T0)
    bank.revise_question(questions[0], by=cast.instructor, data=_corrected_key())
    q = questions[0].pk
    client_for(cast.instructor).post(
        f"/assessments/lessons/{quiz.pk}/questions/{q}/regrade/", {f"q{q}-mode": "key"}
    )
    assert Attempt.objects.get(pk=attempt.pk).score == 80.0 and not GradeAudit.objects.exists()


def test_the_override_form_and_the_review_page(cast):
    _questions, enrollment, quiz = make_analysed_quiz(cast)
    attempt = take(enrollment, quiz, ROW, at=T0)
    answer = Answer.objects.get(attempt=attempt, slot=1)
    client = client_for(cast.instructor)
    response = client.post(
        f"/assessments/answers/{answer.pk}/override/",
        {f"a{answer.pk}-mark": "50", f"a{answer.pk}-reason": "Half right."},
    )
    assert response.status_code == 302
    assert Attempt.objects.get(pk=attempt.pk).score == 90.0
    text = client.get(f"/assessments/attempts/{attempt.pk}/review/").content.decode()
    assert "Half right." in text and "80.0 → 90.0" in text


def test_the_override_form_needs_a_reason(cast):
    _questions, enrollment, quiz = make_analysed_quiz(cast)
    attempt = take(enrollment, quiz, ROW, at=T0)
    answer = Answer.objects.get(attempt=attempt, slot=1)
    client_for(cast.instructor).post(
        f"/assessments/answers/{answer.pk}/override/", {f"a{answer.pk}-mark": "50"}
    )
    assert Attempt.objects.get(pk=attempt.pk).score == 80.0 and not GradeAudit.objects.exists()


def test_learners_cannot_regrade_override_or_review(cast):
    questions, enrollment, quiz = make_analysed_quiz(cast)
    attempt = take(enrollment, quiz, ROW, at=T0)
    answer = Answer.objects.get(attempt=attempt, slot=1)
    q = questions[0].pk
    learner = client_for(cast.learner)
    assert learner.get(f"/assessments/attempts/{attempt.pk}/review/").status_code == 403
    assert (
        learner.post(
            f"/assessments/answers/{answer.pk}/override/",
            {f"a{answer.pk}-mark": "100", f"a{answer.pk}-reason": "Me"},
        ).status_code
        == 403
    )
    assert (
        learner.post(
            f"/assessments/lessons/{quiz.pk}/questions/{q}/regrade/",
            {f"q{q}-mode": "in_place", f"q{q}-reason": "Me"},
        ).status_code
        == 403
    )
    assert Attempt.objects.get(pk=attempt.pk).score == 80.0 and not GradeAudit.objects.exists()


def test_the_review_page_is_404_for_an_open_attempt(cast):
    _questions, enrollment, quiz = make_analysed_quiz(cast)
    attempt = bank.start_attempt(enrollment, quiz.pk, at=T0)
    response = client_for(cast.instructor).get(f"/assessments/attempts/{attempt.pk}/review/")
    assert response.status_code == 404


# A regrade that lowers a result (decision 91) ------------------------------------------


def _wrong_key():
    """The corrected key: "Ignore it" is right after all, "Report it" is not."""
    data = {"choices": [dict(c) for c in RAW["single"]["choices"]]}
    data["choices"][0]["fraction"] = 0
    data["choices"][1]["fraction"] = 1
    return data


def test_a_lowering_regrade_is_announced_and_keeps_the_completion(cast):
    from lectio.certificates.models import Certificate
    from lectio.learning.models import Enrollment

    questions, enrollment, quiz = make_analysed_quiz(cast, passing_score=90)
    attempt = take(enrollment, quiz, ("c1", "c1", False, "c1"), at=T0)  # 5/5
    assert (attempt.score, attempt.passed) == (100.0, True)
    completed = Enrollment.objects.get(pk=enrollment.pk).completed_at
    assert completed is not None and _progress(enrollment, quiz).status == "completed"
    certificates = Certificate.objects.filter(enrollment=enrollment).count()
    bank.revise_question(questions[0], by=cast.instructor, data=_wrong_key())
    q = questions[0].pk
    client = client_for(cast.instructor)
    page = client.get(f"/assessments/lessons/{quiz.pk}/questions/{q}/regrade/")
    assert page.status_code == 200
    text = page.content.decode()
    # Corrected key: one attempt graded again, its score changes, one learner falls.
    assert "<td>1</td><td>1</td><td data-falling>1</td><td>0</td>" in text
    # In place (the version shown): nothing changes.
    assert "<td>1</td><td>0</td><td data-falling>0</td><td>0</td>" in text
    assert Attempt.objects.get(pk=attempt.pk).score == 100.0  # the preview wrote nothing
    response = client.post(
        f"/assessments/lessons/{quiz.pk}/questions/{q}/regrade/",
        {f"q{q}-mode": "key", f"q{q}-reason": "The key was wrong."},
        follow=True,
    )
    assert "1 learner(s) are now below the passing score" in response.content.decode()
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (80.0, False)
    entry = GradeAudit.objects.get()
    assert (entry.old_score, entry.new_score, entry.old_fraction, entry.new_fraction) == (
        100.0,
        80.0,
        1.0,
        0.0,
    )
    # Nothing the learner did is lost: the lesson, the course and the certificate stand.
    assert _progress(enrollment, quiz).status == "completed"
    assert Enrollment.objects.get(pk=enrollment.pk).completed_at == completed
    assert Certificate.objects.filter(enrollment=enrollment).count() == certificates


def test_the_regrade_page_is_refused_to_learners(cast):
    questions, enrollment, quiz = make_analysed_quiz(cast)
    take(enrollment, quiz, ROW, at=T0)
    q = questions[0].pk
    response = client_for(cast.learner).get(
        f"/assessments/lessons/{quiz.pk}/questions/{q}/regrade/"
    )
    assert response.status_code == 403
