"""The lesson page and the progress endpoint the player reports to."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lectio.assets.models import Asset, Caption
from lectio.catalog import services as catalog
from lectio.learning import services
from lectio.learning.models import Enrollment, LessonProgress
from tests.helpers import client_for, make_course


@pytest.fixture
def course_with_video(cast):
    course = make_course(cast.instructor, pages=1, publish=False)
    asset = Asset.objects.create(
        course=course,
        kind="video",
        original_name="v.mp4",
        size=1,
        status="ready",
        duration=60,
        output="assets/x/r1",
    )
    Caption.objects.create(asset=asset, language="en", file="assets/x/captions/en.vtt")
    video = catalog.add_lesson(course.modules.get(), title="Briefing", kind_name="video")
    catalog.update_lesson(
        video, content={"asset": str(asset.key), "chapters": [{"t": 0, "title": "Start"}]}
    )
    catalog.publish_course(course, by=cast.instructor)
    course.refresh_from_db()
    enrollment = services.enroll(cast.learner, course, source="self")
    return course, enrollment, course.lessons.get(title="Page 1"), video


def _beat(client, lesson, **fields):
    data = {
        "client": "tab",
        "seq": "1",
        "position": "0",
        "intervals": "[]",
        "active_seconds": "0",
        **fields,
    }
    return client.post(f"/learn/lessons/{lesson.pk}/progress/", data)


def test_a_text_page_is_read_and_marked_complete(cast, course_with_video):
    course, enrollment, page, _video = course_with_video
    client = client_for(cast.learner)
    html = client.get(f"/learn/courses/{course.slug}/lessons/{page.pk}/").content.decode()
    assert "<p>Text 1</p>" in html and "I have read this" in html
    response = client.post(f"/learn/courses/{course.slug}/lessons/{page.pk}/complete/")
    assert response.status_code == 302
    assert LessonProgress.objects.get(enrollment=enrollment, lesson=page).status == "completed"
    assert Enrollment.objects.get(pk=enrollment.pk).progress_percent == 50


def test_the_video_page_carries_the_player_and_signed_media(
    cast, course_with_video, django_assert_max_num_queries
):
    course, _enrollment, _page, video = course_with_video
    client = client_for(cast.learner)
    client.get(f"/learn/courses/{course.slug}/lessons/{video.pk}/")
    with django_assert_max_num_queries(14):
        html = client.get(f"/learn/courses/{course.slug}/lessons/{video.pk}/").content.decode()
    assert "data-player" in html and "/hls/master.m3u8" in html and "/video.mp4" in html
    assert '<track kind="captions" srclang="en"' in html
    assert 'data-seek="0"' in html


def test_the_progress_endpoint_records_a_heartbeat_in_a_handful_of_queries(
    cast, course_with_video, django_assert_max_num_queries
):
    _course, enrollment, _page, video = course_with_video
    services.open_lesson(enrollment, video.pk, at=timezone.now() - timedelta(seconds=30))
    client = client_for(cast.learner)
    # 9 (the enrolment found through the lesson in one query), plus the progressed
    # statement: the platform client (cached after commit in production), a savepoint, the
    # id check, the row and its links.
    with django_assert_max_num_queries(9 + 6):
        response = _beat(
            client, video, intervals=json.dumps([[0, 20]]), position="20", active_seconds="20"
        )
    assert response.json() == {
        "status": "in_progress",
        "percent": 33,
        "watched_seconds": 20.0,
        "position": 20.0,
        "active_seconds": 20,
    }
    # The same report again (a retry) changes nothing.
    assert (
        _beat(client, video, intervals=json.dumps([[0, 20]]), position="20").json()[
            "watched_seconds"
        ]
        == 20
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"seq": "x", "position": "nan", "intervals": "{not json", "active_seconds": "1e999"},
        {"intervals": json.dumps([["a", "b"], [1]]), "pages": json.dumps({"1": 2})},
    ],
)
def test_malformed_reports_are_harmless(cast, course_with_video, fields):
    _course, _enrollment, _page, video = course_with_video
    response = _beat(client_for(cast.learner), video, **fields)
    assert response.status_code == 200


def test_someone_not_enrolled_or_a_closed_window_gets_a_clear_refusal(cast, course_with_video):
    course, enrollment, page, video = course_with_video
    not_enrolled = _beat(client_for(cast.outsider), video)
    assert not_enrolled.status_code == 404
    assert not_enrolled.json() == {"error": "You are not enrolled in this course."}
    missing = client_for(cast.learner).post("/learn/lessons/999999/progress/", {"seq": "1"})
    assert missing.status_code == 404 and missing["Content-Type"].startswith("text/html")
    assert (
        client_for(cast.outsider)
        .get(f"/learn/courses/{course.slug}/lessons/{video.pk}/")
        .status_code
        == 404
    )
    Enrollment.objects.filter(pk=enrollment.pk).update(
        access_ends_at=timezone.now() - timedelta(days=1)
    )
    client = client_for(cast.learner)
    refused = _beat(client, video)
    assert refused.status_code == 403 and "closed" in refused.json()["error"]
    page_html = client.get(f"/learn/courses/{course.slug}/lessons/{page.pk}/")
    assert page_html.status_code == 403
    assert "Your access ended on" in page_html.content.decode()
    assert "data-player" not in page_html.content.decode()


def test_a_locked_lesson_says_why(cast):
    course = make_course(cast.instructor, pages=2, sequential=True)
    services.enroll(cast.learner, course, source="self")
    second = course.lessons.get(title="Page 2")
    client = client_for(cast.learner)
    response = client.get(f"/learn/courses/{course.slug}/lessons/{second.pk}/")
    assert response.status_code == 403
    assert "Complete “Page 1” first." in response.content.decode()
    # Nor can it be completed around the page: the endpoint and the form refuse it too.
    refused = _beat(client, second, completed="1")
    assert refused.status_code == 403 and "Page 1" in refused.json()["error"]
    client.post(f"/learn/courses/{course.slug}/lessons/{second.pk}/complete/")
    assert not LessonProgress.objects.filter(lesson=second).exists()


def test_the_course_page_and_dashboard_show_progress_and_resume(cast, course_with_video):
    course, _enrollment, page, video = course_with_video
    client = client_for(cast.learner)
    client.post(f"/learn/courses/{course.slug}/lessons/{page.pk}/complete/")
    client.get(f"/learn/courses/{course.slug}/lessons/{video.pk}/")
    course_page = client.get(f"/courses/{course.slug}/").content.decode()
    assert f'href="/learn/courses/{course.slug}/lessons/{video.pk}/"' in course_page
    assert "Completed" in course_page
    dashboard = client.get("/learn/").content.decode()
    assert 'value="50"' in dashboard
    assert f'href="/learn/courses/{course.slug}/lessons/{video.pk}/">Resume' in dashboard


def test_the_course_page_estimates_the_time_left(cast, course_with_video):
    course, _enrollment, page, _video = course_with_video
    catalog.update_lesson(page, estimated_minutes=5)
    catalog.publish_course(course, by=cast.instructor)
    client = client_for(cast.learner)
    assert "About 6 minutes left" in client.get(f"/courses/{course.slug}/").content.decode()
    client.post(f"/learn/courses/{course.slug}/lessons/{page.pk}/complete/")
    assert "About 1 minute left" in client.get(f"/courses/{course.slug}/").content.decode()


def test_it_refuses_a_heartbeat_without_a_session_with_401_and_records_nothing(
    cast, course_with_video
):
    # An expired session must not be redirected to the sign-in page (which a player's
    # fetch would follow and take for an answer): 401, and the report stays queued.
    from django.test import Client

    _course, enrollment, _page, video = course_with_video
    response = _beat(Client(), video, position="10", intervals="[[0, 10]]")
    assert response.status_code == 401
    assert "sign in" in response.json()["error"]
    assert not LessonProgress.objects.filter(enrollment=enrollment, lesson=video).exists()


def test_a_heartbeat_that_completes_the_course_reads_no_more_of_the_course(cast, course_with_video):
    """The progress endpoint loads only what the write path reads of the course and its
    version: completing the lesson and the course loads neither again."""
    course, enrollment, page, video = course_with_video
    services.record_progress(
        enrollment, page.pk, services.Report(client="f", seq=1, completed=True)
    )
    services.open_lesson(enrollment, video.pk, at=timezone.now() - timedelta(seconds=90))
    client = client_for(cast.learner)
    with CaptureQueriesContext(connection) as queries:
        done = _beat(client, video, intervals="[[0, 60]]", position="60", active_seconds="60")
    assert done.json()["status"] == "completed"
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None and enrollment.progress_percent == 100
    assert enrollment.completions.get().version == course.live_version.number
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert not [sql for sql in reads if 'FROM "catalog_course' in sql], reads
