"""Video engagement: plays per second with rewatches, viewers, drop-off; authors only."""

from datetime import UTC, datetime, timedelta

import pytest

from lectio.accounts import services as accounts
from lectio.assets.models import Asset
from lectio.catalog import services as catalog
from lectio.learning import services, tasks
from lectio.learning.models import VideoEngagement, WatchSegment
from lectio.learning.services import Report
from tests.helpers import client_for, make_course

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def video(cast):
    course = make_course(cast.instructor, pages=0, publish=False)
    asset = Asset.objects.create(
        course=course, kind="video", original_name="v.mp4", size=1, status="ready", duration=20
    )
    lesson = catalog.add_lesson(course.modules.get(), title="Video", kind_name="video")
    catalog.update_lesson(lesson, content={"asset": str(asset.key)})
    catalog.publish_course(course, by=cast.instructor)
    course.refresh_from_db()
    return course, lesson


def _watch(course, lesson, person, *segments):
    enrollment = services.enroll(person, course, source="self", at=T0)
    for seq, segment in enumerate(segments, start=1):
        at = T0 + timedelta(minutes=seq)
        services.record_progress(
            enrollment, lesson.pk, Report(client="t", seq=seq, intervals=[list(segment)]), at=at
        )


def test_the_worker_folds_plays_and_viewers_per_second(cast, video):
    course, lesson = video
    _watch(course, lesson, cast.learner, (0, 10), (5, 10))  # rewatches 5-10
    _watch(course, lesson, cast.outsider, (0, 4))  # leaves early
    assert WatchSegment.objects.count() == 3
    assert tasks.aggregate_video_engagement.call() == 1
    engagement = VideoEngagement.objects.get(lesson=lesson)
    assert engagement.plays[:10] == [2, 2, 2, 2, 1, 2, 2, 2, 2, 2]
    assert engagement.viewers[:10] == [2, 2, 2, 2, 1, 1, 1, 1, 1, 1]
    assert engagement.people == 2
    assert not WatchSegment.objects.exists()  # folded once, never twice
    # A later run adds to the plays it already has.
    _watch(
        course, lesson, accounts.create_person(email="third@example.com", full_name="Third"), (0, 2)
    )
    tasks.aggregate_video_engagement.call()
    engagement.refresh_from_db()
    assert engagement.plays[:2] == [3, 3] and engagement.people == 3


def test_a_forged_report_does_not_reach_the_log(cast, video):
    course, lesson = video
    enrollment = services.enroll(cast.learner, course, source="self", at=T0)
    services.open_lesson(enrollment, lesson.pk, at=T0)
    services.record_progress(
        enrollment,
        lesson.pk,
        Report(client="t", seq=1, intervals=[[0, 20]]),
        at=T0 + timedelta(seconds=2),
    )
    assert not WatchSegment.objects.exists()


def test_the_analytics_page_is_for_the_courses_authors(cast, video, django_assert_max_num_queries):
    course, lesson = video
    _watch(course, lesson, cast.learner, (0, 10), (10, 20))
    tasks.aggregate_video_engagement.call()
    client = client_for(cast.instructor)
    with django_assert_max_num_queries(8):
        html = client.get(f"/learn/lessons/{lesson.pk}/analytics/").content.decode()
    assert "1 person watched." in html and "<rect" in html and "<polyline" in html
    assert "100% of them reached the end." in html
    assert client_for(cast.learner).get(f"/learn/lessons/{lesson.pk}/analytics/").status_code == 404
