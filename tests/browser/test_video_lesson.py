import pytest
from playwright.sync_api import expect

from lectio.accounts import services as accounts
from lectio.assets.models import Asset
from lectio.catalog import services as catalog
from tests.assets.helpers import run_worker
from tests.browser.helpers import sign_in
from tests.helpers import PASSWORD, make_clip

pytestmark = pytest.mark.browser


def test_an_instructor_uploads_a_video_waits_for_it_and_publishes(
    new_page, transactional_db, tmp_path
):
    instructor = accounts.create_person(
        email="instructor@example.com",
        full_name="Irene Instructor",
        password=PASSWORD,
        roles=["instructor"],
    )
    accounts.create_person(
        email="learner@example.com", full_name="Leyla Learner", password=PASSWORD
    )
    course = catalog.create_course(title="Forklift Safety", by=instructor)
    module = catalog.add_module(course, title="Driving")
    lesson = catalog.add_lesson(module, title="Before you start", kind_name="video")
    clip = make_clip(tmp_path / "briefing.mp4", seconds=5)

    author = sign_in(new_page(), "instructor@example.com", PASSWORD)
    author.goto(f"/author/lessons/{lesson.pk}/")
    author.get_by_label("Choose a file").set_input_files(str(clip))
    author.get_by_role("button", name="Upload").click()
    # After the upload the page shows the job waiting for the worker.
    expect(author.get_by_text("Waiting for the processor")).to_be_visible()

    run_worker()  # the background worker, as `lectio worker` runs it
    # The panel polls by itself and shows the result without a reload.
    expect(author.get_by_text("Ready", exact=True)).to_be_visible(timeout=15_000)
    expect(author.locator("video.preview-video")).to_be_visible()
    assert Asset.objects.get().status == "ready"

    author.goto(f"/author/courses/{course.pk}/publish/")
    author.get_by_role("button", name="Publish now").click()
    expect(author.get_by_text("Version 1 is live.")).to_be_visible()

    learner = sign_in(new_page(), "learner@example.com", PASSWORD)
    learner.goto("/courses/?q=forklift")
    learner.get_by_role("link", name="Forklift Safety").click()
    expect(learner.get_by_text("Before you start")).to_be_visible()
