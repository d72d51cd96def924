"""Attestations: a learner confirms a policy; the evidence names them, the time and
exactly the text they were shown; the lesson completes through the one write path."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from lectio.catalog import services as catalog
from lectio.catalog.kinds import attestation as kind
from lectio.learning import hooks, services
from lectio.learning.models import Attestation, Enrollment, LessonProgress
from tests.helpers import client_for, make_course

POLICY = "<p>Never share your password.</p>"
SENTENCE = "I have read and understood this policy and agree to follow it."


def _course(cast, **settings):
    """One text page, then a policy to confirm; published, the learner enrolled."""
    course = make_course(cast.instructor, "Security Policy", pages=1, publish=False, **settings)
    policy = catalog.add_lesson(
        course.modules.get(), title="Password policy", kind_name="attestation"
    )
    catalog.update_lesson(policy, content={"text": POLICY})
    catalog.publish_course(course, by=cast.instructor)
    course.refresh_from_db()
    enrollment = services.enroll(cast.learner, course, source="self")
    enrollment = Enrollment.objects.select_related("user", "course__live_version").get(
        pk=enrollment.pk
    )
    return course, enrollment, course.lessons.get(title="Page 1"), policy


def _url(course, lesson, action=""):
    return f"/learn/courses/{course.slug}/lessons/{lesson.pk}/{action}"


def _confirm(client, course, lesson, **extra):
    return client.post(_url(course, lesson, "attest/"), {"attest-confirm": "on"}, **extra)


def test_the_page_shows_the_text_the_sentence_and_the_persons_name(cast):
    course, _enrollment, _page, policy = _course(cast)
    html = client_for(cast.learner).get(_url(course, policy)).content.decode()
    assert POLICY in html and SENTENCE in html
    assert 'value="Leyla Learner" readonly' in html
    assert 'type="checkbox" name="attest-confirm"' in html and "required" in html
    assert ">Confirm</button>" in html


def test_confirming_stores_the_evidence_and_completes_the_lesson(cast):
    course, enrollment, _page, policy = _course(cast)
    response = _confirm(
        client_for(cast.learner),
        course,
        policy,
        HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 400,
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    row = Attestation.objects.get()
    assert row.enrollment == enrollment and row.lesson == policy
    assert row.course_version == course.live_version and row.version == 1
    assert (row.text, row.confirmation) == (POLICY, SENTENCE)
    assert row.digest == kind.digest(POLICY, SENTENCE)
    assert (row.full_name, row.email, row.language) == (
        "Leyla Learner",
        "learner@example.com",
        "en",
    )
    assert row.ip_address == "203.0.113.7" and len(row.user_agent) == 300
    assert row.lesson_title == "Password policy"
    progress = LessonProgress.objects.get(enrollment=enrollment, lesson=policy)
    assert progress.status == "completed" and progress.percent == 100
    assert Enrollment.objects.get(pk=enrollment.pk).progress_percent == 50


def test_once_confirmed_the_page_says_when_in_the_learners_time_zone(cast):
    course, enrollment, _page, policy = _course(cast)
    # Half past some hour after the enrolment, whatever the time the suite runs.
    at = (timezone.now() + timedelta(hours=1)).replace(minute=30, second=0, microsecond=0)
    services.attest(enrollment, policy.pk, language="en", ip=None, user_agent="", at=at)
    html = client_for(cast.learner).get(_url(course, policy)).content.decode()
    local = timezone.localtime(at, timezone=timezone.get_fixed_timezone(180))  # Istanbul
    assert "Confirmed on" in html and "(version 1)" in html
    assert f"{local.hour % 12 or 12}:30" in html
    assert 'name="attest-confirm"' not in html


def test_the_evidence_is_the_published_text_even_after_the_author_edits_the_draft(cast):
    course, _enrollment, _page, policy = _course(cast)
    catalog.update_lesson(policy, content={"text": "<p>Draft change.</p>", "confirmation": "Hm."})
    _confirm(client_for(cast.learner), course, policy)
    row = Attestation.objects.get()
    assert (row.text, row.confirmation) == (POLICY, SENTENCE)
    assert row.digest == kind.digest(POLICY, SENTENCE)


def test_the_client_cannot_choose_the_text(cast):
    course, _enrollment, _page, policy = _course(cast)
    client = client_for(cast.learner)
    client.post(
        _url(course, policy, "attest/"),
        {"attest-confirm": "on", "text": "<p>Other</p>", "digest": "0" * 64, "version": "9"},
    )
    row = Attestation.objects.get()
    assert row.text == POLICY and row.version == 1


def test_a_repeated_submit_stores_one_attestation(cast):
    course, _enrollment, _page, policy = _course(cast)
    client = client_for(cast.learner)
    assert _confirm(client, course, policy).status_code == 302
    assert _confirm(client, course, policy).status_code == 302
    assert Attestation.objects.count() == 1


def test_a_new_version_with_a_changed_text_asks_again_and_keeps_the_old_evidence(cast):
    course, _enrollment, _page, policy = _course(cast)
    client = client_for(cast.learner)
    _confirm(client, course, policy)
    catalog.update_lesson(policy, content={"text": "<p>Use a password manager.</p>"})
    catalog.publish_course(course, by=cast.instructor, major=True)
    html = client.get(_url(course, policy)).content.decode()
    assert "You confirmed an earlier text" in html and 'name="attest-confirm"' in html
    _confirm(client, course, policy)
    old, new = Attestation.objects.order_by("pk")
    assert (old.version, old.text) == (1, POLICY)
    assert (new.version, new.text) == (2, "<p>Use a password manager.</p>")
    assert "(version 2)" in client.get(_url(course, policy)).content.decode()


def test_a_new_version_with_the_same_text_keeps_the_confirmation(cast):
    course, _enrollment, page, policy = _course(cast)
    client = client_for(cast.learner)
    _confirm(client, course, policy)
    catalog.update_lesson(page, content={"body": "<p>Another page text.</p>"})
    catalog.publish_course(course, by=cast.instructor)
    html = client.get(_url(course, policy)).content.decode()
    assert "(version 1)" in html and 'name="attest-confirm"' not in html
    _confirm(client, course, policy)
    assert Attestation.objects.count() == 1


def test_the_turkish_learner_attests_the_turkish_text(cast):
    course, _enrollment, _page, policy = _course(cast)
    catalog.set_lesson_variant(
        policy,
        "tr",
        title="Parola politikası",
        content={"text": "<p>Parolanı paylaşma.</p>", "confirmation": "Okudum, anladım."},
    )
    catalog.publish_course(course, by=cast.instructor)
    client = client_for(cast.learner)
    client.cookies["lectio_language"] = "tr"
    cast.learner.language = "tr"
    cast.learner.save(update_fields=["language"])
    html = client.get(_url(course, policy)).content.decode()
    assert "Okudum, anladım." in html
    _confirm(client, course, policy)
    row = Attestation.objects.get()
    assert (row.language, row.text, row.lesson_title) == (
        "tr",
        "<p>Parolanı paylaşma.</p>",
        "Parola politikası",
    )
    assert row.digest == kind.digest("<p>Parolanı paylaşma.</p>", "Okudum, anladım.")


def test_the_course_completes_and_its_hooks_run(
    cast, django_capture_on_commit_callbacks, monkeypatch
):
    course, enrollment, page, policy = _course(cast)
    done: list[int] = []
    monkeypatch.setattr(hooks, "_course_completed", [done.append])
    client = client_for(cast.learner)
    client.post(_url(course, page, "complete/"))
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(client, course, policy)
    assert done == [enrollment.pk]
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None and enrollment.progress_percent == 100


# ---- Refused: nothing is stored ------------------------------------------------------------


def _nothing_stored(enrollment, lesson):
    assert not Attestation.objects.exists()
    assert not LessonProgress.objects.filter(
        enrollment=enrollment, lesson=lesson, status="completed"
    ).exists()


def test_an_unticked_box_is_refused(cast):
    course, enrollment, _page, policy = _course(cast)
    response = client_for(cast.learner).post(_url(course, policy, "attest/"), {})
    assert response.status_code == 400
    assert "Tick the box to confirm." in response.content.decode()
    _nothing_stored(enrollment, policy)


def test_someone_not_enrolled_is_refused(cast):
    course, enrollment, _page, policy = _course(cast)
    assert _confirm(client_for(cast.outsider), course, policy).status_code == 404
    _nothing_stored(enrollment, policy)


def test_a_lesson_of_another_kind_is_refused(cast):
    course, enrollment, page, _policy = _course(cast)
    response = _confirm(client_for(cast.learner), course, page)
    assert response.status_code == 400
    assert "This lesson asks for no confirmation." in response.content.decode()
    _nothing_stored(enrollment, page)


def test_a_lesson_of_another_course_is_refused(cast):
    course, _enrollment, _page, _policy = _course(cast)
    other = make_course(cast.instructor, "Other", pages=1)
    response = _confirm(client_for(cast.learner), course, other.lessons.get())
    assert response.status_code == 404
    assert not Attestation.objects.exists()


def test_a_locked_lesson_is_refused(cast):
    course, enrollment, _page, policy = _course(cast, sequential=True)
    response = _confirm(client_for(cast.learner), course, policy)
    assert response.status_code == 403
    _nothing_stored(enrollment, policy)


def test_a_closed_access_window_is_refused(cast):
    course, enrollment, _page, policy = _course(cast)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        access_ends_at=timezone.now() - timedelta(days=1)
    )
    response = _confirm(client_for(cast.learner), course, policy)
    assert response.status_code == 403
    assert "Your access to this course is closed." in response.content.decode()
    _nothing_stored(enrollment, policy)


def test_the_progress_endpoint_cannot_complete_an_attestation(cast):
    _course_row, enrollment, _page, policy = _course(cast)
    client_for(cast.learner).post(
        f"/learn/lessons/{policy.pk}/progress/", {"client": "x", "seq": "1", "completed": "1"}
    )
    _nothing_stored(enrollment, policy)


def test_an_unusable_ip_address_is_left_out(cast):
    _course_row, enrollment, _page, policy = _course(cast)
    row = services.attest(enrollment, policy.pk, language="en", ip="unix:", user_agent="")
    assert row.ip_address is None


def test_evidence_is_never_changed_or_deleted(cast):
    _course_row, enrollment, _page, policy = _course(cast)
    row = services.attest(enrollment, policy.pk, language="en", ip=None, user_agent="")
    row.text = "forged"
    with pytest.raises(ValueError):
        row.save()
    with pytest.raises(ValueError):
        row.delete()
    assert Attestation.objects.get().text == POLICY


# ---- Evidence for the learner and for auditors ----------------------------------------------


def test_the_transcript_lists_the_learners_attestations(cast, django_assert_max_num_queries):
    _course_row, enrollment, _page, policy = _course(cast)
    services.attest(enrollment, policy.pk, language="en", ip=None, user_agent="")
    client = client_for(cast.learner)
    with django_assert_max_num_queries(6):
        html = client.get("/learn/transcript/").content.decode()
    assert "Attestations" in html and "Password policy" in html
    assert kind.digest(POLICY, SENTENCE) in html
    assert (
        kind.digest(POLICY, SENTENCE)
        not in client_for(cast.outsider).get("/learn/transcript/").content.decode()
    )


def test_the_transcript_pdf_lists_the_learners_attestations(cast):
    from pypdf import PdfReader

    _course_row, enrollment, _page, policy = _course(cast)
    services.attest(enrollment, policy.pk, language="en", ip=None, user_agent="")
    response = client_for(cast.learner).get("/learn/transcript.pdf")
    text = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
    assert "Attestations" in text and "Password policy" in text
    assert kind.digest(POLICY, SENTENCE) in text.replace("\n", "")


def test_the_evidence_page_is_for_administrators(cast):
    course, _enrollment, _page, _policy = _course(cast)
    for person in (cast.learner, cast.instructor, cast.manager):
        client = client_for(person)
        assert client.get(f"/learn/courses/{course.slug}/attestations/").status_code == 403
        assert client.get(f"/learn/courses/{course.slug}/attestations.csv").status_code == 403


def _attest_many(course, policy, numbers):
    from lectio.accounts import services as accounts

    for n in numbers:
        person = accounts.create_person(email=f"p{n}@example.com", full_name=f"Person {n}")
        enrollment = services.enroll(person, course, source="self")
        services.attest(enrollment, policy.pk, language="en", ip="192.0.2.1", user_agent="UA")


def test_the_evidence_page_lists_attestations_in_bounded_queries(
    cast, django_assert_max_num_queries
):
    course, _enrollment, _page, policy = _course(cast)
    client = client_for(cast.admin)
    url = f"/learn/courses/{course.slug}/attestations/"
    _attest_many(course, policy, [0])
    with django_assert_max_num_queries(8) as few:
        client.get(url)
    _attest_many(course, policy, range(1, 6))
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert "Person 0" in html and kind.digest(POLICY, SENTENCE) in html
    enrolments = client.get(f"/learn/courses/{course.slug}/enrolments/").content.decode()
    assert f"/learn/courses/{course.slug}/attestations/" in enrolments


def test_the_evidence_exports_as_csv_with_formulas_neutralised(cast):
    course, enrollment, _page, policy = _course(cast)
    cast.learner.full_name = "=HYPERLINK(1)"
    cast.learner.save(update_fields=["full_name"])
    enrollment.user.refresh_from_db()
    services.attest(enrollment, policy.pk, language="en", ip="198.51.100.4", user_agent="UA/1")
    response = client_for(cast.admin).get(f"/learn/courses/{course.slug}/attestations.csv")
    assert response.streaming
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["Name", "E-mail address", "Lesson", "Version"]
    name, email, lesson, version, language, at, sentence, digest, ip, agent, text = rows[1]
    assert name == "'=HYPERLINK(1)" and email == "learner@example.com"
    assert (lesson, version, language) == ("Password policy", "1", "en")
    assert at.endswith("+00:00") and sentence == SENTENCE
    assert digest == kind.digest(POLICY, SENTENCE)
    assert (ip, agent, text) == ("198.51.100.4", "UA/1", POLICY)


def test_the_lesson_page_runs_a_bounded_number_of_queries(cast, django_assert_max_num_queries):
    course, enrollment, _page, policy = _course(cast)
    client = client_for(cast.learner)
    url = _url(course, policy)
    # Someone opened the lesson before: the platform's LRS client and the activities'
    # definitions exist. The launched statement then costs 8 queries here (the client's
    # row and the definitions are cached after commit in production, leaving 5).
    services.open_lesson(services.enroll(cast.instructor, course, source="self"), policy.pk)
    with django_assert_max_num_queries(14 + 8) as before:
        client.get(url)
    services.attest(enrollment, policy.pk, language="en", ip=None, user_agent="")
    catalog.update_lesson(policy, content={"text": "<p>New.</p>"})
    catalog.publish_course(course, by=cast.instructor)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url)
