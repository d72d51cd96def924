"""The one write path: accurate video progress, pages, documents, course completion."""

from datetime import UTC, datetime, timedelta

import pytest

from lectio.assets.models import Asset
from lectio.catalog import services as catalog
from lectio.learning import hooks, services
from lectio.learning.models import Enrollment, LessonProgress
from lectio.learning.services import ProgressRefused, Report
from tests.helpers import make_course

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def video_course(cast):
    """A published course: one 100-second video (required) and one text page (required)."""
    course = make_course(cast.instructor, pages=1, publish=False, access_days=30)
    asset = Asset.objects.create(
        course=course, kind="video", original_name="v.mp4", size=1, status="ready", duration=100
    )
    video = catalog.add_lesson(course.modules.get(), title="Video", kind_name="video")
    catalog.update_lesson(video, content={"asset": str(asset.key)})
    catalog.publish_course(course, by=cast.instructor)
    course.refresh_from_db()
    enrollment = services.enroll(cast.learner, course, source="self", at=T0)
    services.open_lesson(enrollment, video.pk, at=T0)
    return course, enrollment, video, course.lessons.get(title="Page 1")


def _report(seq, intervals=(), client="tab-a", **extra):
    return Report(client=client, seq=seq, intervals=[list(i) for i in intervals], **extra)


def _progress(enrollment, lesson):
    return LessonProgress.objects.get(enrollment=enrollment, lesson=lesson)


def test_unique_seconds_count_not_the_position(video_course):
    _course, enrollment, video, _page = video_course
    at = T0 + timedelta(seconds=60)
    services.record_progress(
        enrollment, video.pk, _report(1, [(0, 30), (20, 50)], position=50), at=at
    )
    progress = _progress(enrollment, video)
    assert (progress.watched, progress.watched_seconds, progress.percent) == ([[0, 50]], 50, 50)
    # Jumping to the end and reporting position 100 watches nothing new.
    services.record_progress(
        enrollment, video.pk, _report(2, [], position=100), at=at + timedelta(seconds=5)
    )
    progress.refresh_from_db()
    assert progress.watched_seconds == 50 and progress.status == "in_progress"


def test_the_lesson_completes_at_the_threshold_and_never_goes_back(video_course):
    _course, enrollment, video, _page = video_course
    services.record_progress(
        enrollment, video.pk, _report(1, [(0, 89)]), at=T0 + timedelta(seconds=90)
    )
    assert _progress(enrollment, video).status == "in_progress"
    services.record_progress(
        enrollment, video.pk, _report(2, [(89, 91)]), at=T0 + timedelta(seconds=95)
    )
    progress = _progress(enrollment, video)
    assert (progress.status, progress.percent) == ("completed", 100)
    # Rewatching the start later changes nothing that was earned.
    services.record_progress(enrollment, video.pk, _report(3, [(0, 10)]), at=T0 + timedelta(days=1))
    assert _progress(enrollment, video).status == "completed"


def test_more_seconds_than_time_allows_are_clamped(video_course):
    _course, enrollment, video, _page = video_course
    # Ten seconds after opening, a forged report claims the whole video.
    services.record_progress(
        enrollment, video.pk, _report(1, [(0, 100)]), at=T0 + timedelta(seconds=10)
    )
    progress = _progress(enrollment, video)
    assert progress.watched_seconds == 10 * services.MAX_SPEED + services.SLACK_SECONDS
    assert progress.status == "in_progress"


def test_intervals_beyond_the_media_are_cut_and_nonsense_is_dropped(video_course):
    _course, enrollment, video, _page = video_course
    report = _report(1, [(95, 300), (-20, 3)], position=9999)
    report.intervals += ["junk", [None, 4], [float("nan"), 2]]
    services.record_progress(enrollment, video.pk, report, at=T0 + timedelta(minutes=5))
    progress = _progress(enrollment, video)
    assert progress.watched == [[0, 3], [95, 100]]
    assert progress.position == 100


def test_a_repeated_report_applies_once_and_two_tabs_do_not_double_count(video_course):
    _course, enrollment, video, _page = video_course
    at = T0 + timedelta(seconds=40)
    services.record_progress(enrollment, video.pk, _report(1, [(0, 30)], active_seconds=30), at=at)
    services.record_progress(enrollment, video.pk, _report(1, [(0, 30)], active_seconds=30), at=at)
    # A second tab reports the same seconds and the same time at the same moment.
    services.record_progress(
        enrollment, video.pk, _report(1, [(0, 30)], client="tab-b", active_seconds=30), at=at
    )
    progress = _progress(enrollment, video)
    assert progress.watched_seconds == 30
    assert progress.active_seconds <= 30 + services.SLACK_SECONDS


def test_a_no_skip_lesson_ignores_seconds_past_the_furthest_point(video_course, cast):
    course, enrollment, video, _page = video_course
    catalog.update_lesson(video, content={"no_skip": True})
    catalog.publish_course(course, by=cast.instructor)
    enrollment.course.refresh_from_db()
    at = T0 + timedelta(minutes=10)
    services.record_progress(enrollment, video.pk, _report(1, [(0, 20), (60, 80)]), at=at)
    assert _progress(enrollment, video).watched == [[0, 20]]


def test_a_page_completes_when_read_and_the_course_when_all_required_lessons_are(video_course):
    _course, enrollment, video, page = video_course
    completed = []
    hooks.on_course_completed(completed.append)
    services.record_progress(
        enrollment, page.pk, _report(1, completed=True), at=T0 + timedelta(minutes=1)
    )
    enrollment.refresh_from_db()
    assert (enrollment.progress_percent, enrollment.completed_at) == (50, None)
    services.record_progress(
        enrollment, video.pk, _report(2, [(0, 95)]), at=T0 + timedelta(minutes=2)
    )
    enrollment.refresh_from_db()
    assert enrollment.progress_percent == 100
    assert enrollment.completed_at == T0 + timedelta(minutes=2)
    assert enrollment.last_lesson_id == video.pk


def test_course_completion_hooks_run_after_commit(video_course, django_capture_on_commit_callbacks):
    _course, enrollment, video, page = video_course
    seen = []
    hooks.on_course_completed(seen.append)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_progress(
            enrollment, page.pk, _report(1, completed=True), at=T0 + timedelta(minutes=1)
        )
        services.record_progress(
            enrollment, video.pk, _report(2, [(0, 95)]), at=T0 + timedelta(minutes=2)
        )
    assert seen == [enrollment.pk]


def test_reports_outside_the_access_window_or_the_course_are_refused(video_course, cast):
    _course, enrollment, video, _page = video_course
    other = make_course(cast.instructor, "Other")
    with pytest.raises(ProgressRefused) as refused:
        services.record_progress(enrollment, other.lessons.first().pk, _report(1), at=T0)
    assert refused.value.status == 404
    with pytest.raises(ProgressRefused) as closed:
        services.record_progress(enrollment, video.pk, _report(1), at=T0 + timedelta(days=31))
    assert closed.value.status == 403
    assert not LessonProgress.objects.filter(lesson=other.lessons.first()).exists()


def _document_course(cast, **content):
    """A published course of one three-page document lesson, and the learner's enrolment."""
    course = make_course(cast.instructor, pages=0, publish=False)
    module = course.modules.get()
    asset = Asset.objects.create(
        course=course, kind="document", original_name="h.pdf", size=1, status="ready", page_count=3
    )
    handbook = catalog.add_lesson(module, title="Handbook", kind_name="document")
    catalog.update_lesson(handbook, content={"asset": str(asset.key), **content})
    catalog.publish_course(course, by=cast.instructor)
    course.refresh_from_db()
    return services.enroll(cast.learner, course, source="self", at=T0), handbook


def test_document_pages_count_once_and_complete_the_lesson(cast):
    enrollment, handbook = _document_course(cast)
    services.record_progress(
        enrollment, handbook.pk, _report(1, pages=[1, 2, 2, 7, "x"], position=2), at=T0
    )
    progress = _progress(enrollment, handbook)
    assert (progress.pages_seen, progress.percent, progress.position) == ([1, 2], 66, 2)
    services.record_progress(enrollment, handbook.pk, _report(2, pages=[3]), at=T0)
    assert _progress(enrollment, handbook).status == "completed"
    assert Enrollment.objects.get(pk=enrollment.pk).completed_at is not None


def test_a_document_with_a_minimum_time_completes_only_when_the_time_is_spent(cast):
    enrollment, handbook = _document_course(cast, min_minutes=2)
    outline = enrollment.course.live_version.outline
    assert outline["modules"][0]["lessons"][0]["content"]["min_seconds"] == 120
    services.open_lesson(enrollment, handbook.pk, at=T0)
    at = T0 + timedelta(seconds=60)
    report = _report(1, pages=[1, 2, 3], active_seconds=60, page_seconds={"1": 20, "3": 40})
    services.record_progress(enrollment, handbook.pk, report, at=at)
    progress = _progress(enrollment, handbook)
    assert (progress.status, progress.percent) == ("in_progress", 99)
    assert (progress.active_seconds, progress.page_seconds) == (60, {"1": 20, "3": 40})
    at += timedelta(seconds=60)
    report = _report(2, active_seconds=60, page_seconds={"3": 60})
    services.record_progress(enrollment, handbook.pk, report, at=at)
    progress = _progress(enrollment, handbook)
    assert (progress.status, progress.percent, progress.page_seconds) == (
        "completed",
        100,
        {"1": 20, "3": 100},
    )


def test_time_per_page_is_clamped_to_real_pages_and_to_the_time_that_passed(cast):
    enrollment, handbook = _document_course(cast)
    services.open_lesson(enrollment, handbook.pk, at=T0)
    forged = {"9": 50, "x": 5, "2": "NaN", "1": 500, "3": 500, "0": 10}
    report = _report(1, active_seconds=9000, page_seconds=forged)
    services.record_progress(enrollment, handbook.pk, report, at=T0 + timedelta(seconds=30))
    progress = _progress(enrollment, handbook)
    # 30 seconds passed, plus the slack for late reports: no more than that is counted.
    assert progress.active_seconds == 30 + services.SLACK_SECONDS
    assert sum(progress.page_seconds.values()) == 30 + services.SLACK_SECONDS
    assert set(progress.page_seconds) <= {"1", "3"}


def test_a_locked_lesson_takes_no_progress(cast):
    course = make_course(cast.instructor, pages=2, sequential=True)
    enrollment = services.enroll(cast.learner, course, source="self", at=T0)
    second = course.lessons.get(title="Page 2")
    with pytest.raises(ProgressRefused) as refused:
        services.record_progress(enrollment, second.pk, _report(1, completed=True), at=T0)
    assert refused.value.status == 403 and "Page 1" in str(refused.value)
    assert not LessonProgress.objects.filter(lesson=second).exists()
    first = course.lessons.get(title="Page 1")
    services.record_progress(enrollment, first.pk, _report(1, completed=True), at=T0)
    services.record_progress(enrollment, second.pk, _report(2, completed=True), at=T0)
    assert Enrollment.objects.get(pk=enrollment.pk).completed_at == T0


def test_a_lesson_before_its_drip_date_takes_no_progress(cast):
    course = make_course(cast.instructor, pages=1, publish=False)
    catalog.update_lesson(course.lessons.get(), opens_after_days=7)
    catalog.publish_course(course, by=cast.instructor)
    course.refresh_from_db()
    enrollment = services.enroll(cast.learner, course, source="self", at=T0)
    with pytest.raises(ProgressRefused):
        services.record_progress(
            enrollment, course.lessons.get().pk, _report(1, completed=True), at=T0
        )
    later = T0 + timedelta(days=7)
    services.record_progress(
        enrollment, course.lessons.get().pk, _report(2, completed=True), at=later
    )
