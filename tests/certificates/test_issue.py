"""A certificate is issued when a course is completed, once per completion."""

from datetime import UTC, datetime, timedelta

from lectio.certificates import services
from lectio.certificates.models import ALPHABET, Certificate, normalize_code
from lectio.learning import services as learning
from tests.certificates.conftest import T0, complete
from tests.helpers import make_course


def test_completing_a_course_issues_a_certificate(cast, completed):
    certificate = completed
    assert certificate.user == cast.learner
    assert certificate.full_name == "Leyla Learner"
    assert certificate.course_title == "Fire Safety"
    assert certificate.completed_at == T0
    assert certificate.issued_by is None and certificate.replaces is None
    assert len(certificate.code) == 12 and set(certificate.code) <= set(ALPHABET)
    assert certificate.status(T0) == "valid"


def test_it_expires_after_the_courses_valid_months_in_the_persons_calendar(completed):
    # 31 January 09:00 UTC is 12:00 in Istanbul; twelve months later is 31 January 2027.
    assert completed.expires_at == datetime(2027, 1, 31, 9, 0, tzinfo=UTC)
    assert completed.status(datetime(2027, 1, 31, 8, 59, tzinfo=UTC)) == "valid"
    assert completed.status(datetime(2027, 1, 31, 9, 0, tzinfo=UTC)) == "expired"


def test_months_are_calendar_months_clamped_to_the_last_day():
    moment = datetime(2026, 1, 31, 21, 30, tzinfo=UTC)  # 1 February 00:30 in Istanbul
    assert services.add_months(moment, 1) == datetime(2026, 2, 28, 21, 30, tzinfo=UTC)
    assert services.add_months(moment, 1, "Europe/Istanbul") == datetime(
        2026, 2, 28, 21, 30, tzinfo=UTC
    )  # 1 March 00:30 there
    assert services.add_months(datetime(2027, 12, 31, tzinfo=UTC), 2) == datetime(
        2028, 2, 29, tzinfo=UTC
    )
    assert services.add_months(datetime(2026, 5, 15, tzinfo=UTC), 24) == datetime(
        2028, 5, 15, tzinfo=UTC
    )


def test_a_course_without_valid_months_never_expires(cast, django_capture_on_commit_callbacks):
    course = make_course(cast.instructor, "Onboarding", pages=1)
    enrollment = learning.enroll(cast.learner, course, source="self", at=T0)
    with django_capture_on_commit_callbacks(execute=True):
        complete(enrollment, at=T0)
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.expires_at is None
    assert certificate.status(datetime(2099, 1, 1, tzinfo=UTC)) == "valid"


def test_issuing_is_idempotent_and_a_new_completion_gets_a_new_certificate(cast, completed):
    enrollment = completed.enrollment
    services.issue_on_completion(enrollment.pk)
    assert services.issue(enrollment) == completed
    assert Certificate.objects.count() == 1
    # A later recertification cycle: the enrolment completes again at another moment.
    later = T0 + timedelta(days=370)
    enrollment.completed_at = later
    enrollment.save(update_fields=["completed_at"])
    renewed = services.issue(enrollment)
    assert renewed is not None and renewed.pk != completed.pk and renewed.code != completed.code
    assert renewed.expires_at == datetime(2028, 2, 5, 9, 0, tzinfo=UTC)
    assert Certificate.objects.filter(enrollment=enrollment).count() == 2


def test_no_certificate_before_completion(cast):
    course = make_course(cast.instructor, "Fire Safety", pages=2, valid_months=12)
    enrollment = learning.enroll(cast.learner, course, source="self", at=T0)
    lesson = course.lessons.order_by("position").first()
    learning.record_progress(
        enrollment, lesson.pk, learning.Report(client="t", seq=1, completed=True), at=T0
    )
    services.issue_on_completion(enrollment.pk)
    assert not Certificate.objects.exists()


def test_the_title_is_the_published_one_and_the_snapshot_stays(cast, completed):
    from lectio.accounts import services as accounts

    accounts.update_person(cast.learner, full_name="Leyla Yılmaz")
    completed.refresh_from_db()
    assert completed.full_name == "Leyla Learner"


def test_codes_are_read_forgivingly():
    assert normalize_code("7k3m-q9tx-2b4r") == "7K3MQ9TX2B4R"
    assert normalize_code(" 7K3M Q9TX 2B4O ") == "7K3MQ9TX2B40"
    assert normalize_code("ILIL-0000-0000") == "111100000000"
    assert normalize_code("too-short") == ""
    assert normalize_code("7K3M-Q9TX-2B4U") == ""  # U is not in the alphabet


def test_the_hook_never_breaks_the_learners_request(cast, caplog):
    services.issue_on_completion(999_999)  # no such enrolment: nothing to issue
    course = make_course(cast.instructor, "Broken", pages=1, valid_months=12)
    enrollment = learning.enroll(cast.learner, course, source="self", at=T0)
    complete(enrollment, at=T0)  # the hook is not run here (no on-commit capture)
    course.live_version.outline = {"course": {}}  # an outline without a title
    course.live_version.save(update_fields=["outline"])
    from django.core.cache import cache

    cache.clear()
    services.issue_on_completion(enrollment.pk)
    assert not Certificate.objects.filter(enrollment=enrollment).exists()
    assert "No certificate issued for enrolment" in caplog.text
