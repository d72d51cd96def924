import pytest
from playwright.sync_api import expect

from lectio.accounts import services as accounts
from lectio.assets.models import Asset
from lectio.catalog import services as catalog
from lectio.learning import services as learning
from lectio.learning.models import LessonProgress
from tests.assets.helpers import send_whole
from tests.browser.helpers import sign_in
from tests.helpers import PASSWORD, client_for, make_clip, run_worker

pytestmark = pytest.mark.browser


@pytest.fixture
def video_lesson(transactional_db, tmp_path):
    instructor = accounts.create_person(
        email="instructor@example.com", full_name="Irene", password=PASSWORD, roles=["instructor"]
    )
    learner = accounts.create_person(
        email="learner@example.com", full_name="Leyla", password=PASSWORD
    )
    course = catalog.create_course(title="Forklift Safety", by=instructor)
    lesson = catalog.add_lesson(
        catalog.add_module(course, title="Driving"), title="Briefing", kind_name="video"
    )
    response, _upload = send_whole(
        client_for(instructor), course, lesson, make_clip(tmp_path / "b.mp4", seconds=20)
    )
    assert response.status_code == 200
    run_worker()
    assert Asset.objects.get().status == "ready"
    catalog.publish_course(course, by=instructor)
    course.refresh_from_db()
    enrollment = learning.enroll(learner, course, source="self")
    return course, lesson, enrollment


def test_the_learner_plays_hls_and_resumes_after_a_reload(new_page, video_lesson):
    course, lesson, enrollment = video_lesson
    page = sign_in(new_page(bypass_csp=True), "learner@example.com", PASSWORD)
    page.goto(f"/learn/courses/{course.slug}/lessons/{lesson.pk}/")
    video = page.locator("video")
    page.wait_for_function("window.Hls !== undefined")
    page.evaluate("document.querySelector('video').muted = true")
    page.evaluate("document.querySelector('video').play()")
    page.wait_for_function("document.querySelector('video').currentTime > 4", timeout=20_000)
    # The HLS ladder plays (natively, as current Chromium does, or through hls.js's media
    # source), not the MP4 fallback.
    source = page.evaluate("document.querySelector('video').src")
    assert source.endswith("/hls/master.m3u8") or source.startswith("blob:"), source
    page.evaluate("document.querySelector('video').pause()")  # pausing sends a report
    expect(page.get_by_role("status")).to_contain_text("Watched: 2")
    progress = LessonProgress.objects.get(enrollment=enrollment, lesson=lesson)
    assert progress.watched_seconds >= 4 and progress.position >= 4
    saved = progress.position

    page.reload()
    resumed = (
        "document.querySelector('video').readyState >= 1"
        f" && Math.abs(document.querySelector('video').currentTime - {saved}) < 1.5"
    )
    page.wait_for_function(resumed, timeout=20_000)
    assert video.is_visible()


def test_hls_js_plays_where_the_browser_has_no_hls_of_its_own(new_page, video_lesson):
    course, lesson, _enrollment = video_lesson
    page = new_page(bypass_csp=True)
    page.add_init_script(
        "HTMLMediaElement.prototype.canPlayType = function (type) {"
        " return type.includes('mpegurl') ? '' : 'maybe'; };"
    )
    sign_in(page, "learner@example.com", PASSWORD)
    page.goto(f"/learn/courses/{course.slug}/lessons/{lesson.pk}/")
    page.evaluate("document.querySelector('video').muted = true")
    page.evaluate("document.querySelector('video').play()")
    page.wait_for_function("document.querySelector('video').currentTime > 2", timeout=20_000)
    assert page.evaluate("document.querySelector('video').src").startswith("blob:")


def test_on_a_no_skip_lesson_seeking_ahead_is_refused(new_page, video_lesson):
    course, lesson, _enrollment = video_lesson
    catalog.update_lesson(lesson, content={"no_skip": True})
    catalog.publish_course(course, by=course.instructors.first())
    page = sign_in(new_page(bypass_csp=True), "learner@example.com", PASSWORD)
    page.goto(f"/learn/courses/{course.slug}/lessons/{lesson.pk}/")
    page.wait_for_function("document.querySelector('video').readyState >= 1", timeout=20_000)
    page.evaluate("document.querySelector('video').currentTime = 15")
    expect(page.get_by_role("alert")).to_contain_text("cannot skip ahead")
    assert page.evaluate("document.querySelector('video').currentTime") < 2
