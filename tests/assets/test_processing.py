"""The worker turns an upload into a playable ladder; failures are explained and retried."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from lectio.assets import services, tasks
from lectio.assets.models import Asset
from lectio.catalog import services as catalog
from tests.assets.helpers import run_worker, send_whole
from tests.helpers import client_for, make_course

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as in production


def _uploaded_video(cast, clip):
    course = make_course(cast.instructor, publish=False)
    lesson = catalog.add_lesson(course.modules.get(), title="Intro", kind_name="video")
    response, _upload = send_whole(client_for(cast.instructor), course, lesson, clip)
    assert response.status_code == 200
    return course, lesson, Asset.objects.get()


def test_the_worker_makes_the_video_ready_and_the_lesson_publishable(cast, clip):
    course, _lesson, asset = _uploaded_video(cast, clip)
    assert catalog.publish_problems(course) == ["Intro: The file is still being processed."]
    run_worker()
    asset.refresh_from_db()
    assert (asset.status, asset.progress, asset.attempts) == ("ready", 100, 1)
    assert asset.output == f"assets/{asset.key}/r1"
    for name in (
        "hls/master.m3u8",
        "hls/360p/index.m3u8",
        "hls/360p/seg_00000.ts",
        "video.mp4",
        "poster.jpg",
    ):
        assert default_storage.exists(f"{asset.output}/{name}"), name
    assert asset.details["renditions"] == [{"height": 360, "bandwidth": 928000, "name": "360p"}]
    assert catalog.publish_problems(course) == []
    version = catalog.publish_course(course, by=cast.instructor)
    video = version.outline["modules"][0]["lessons"][-1]["content"]
    assert (
        video["asset"] == str(asset.key) and video["duration"] == 6.0 and video["kind"] == "video"
    )


def test_a_file_that_breaks_during_processing_fails_with_the_reason_and_can_be_retried(cast, clip):
    course = make_course(cast.instructor, publish=False)
    asset = Asset.objects.create(
        course=course,
        kind="video",
        original_name="x.mp4",
        size=10,
        original="",
        created_by=cast.instructor,
    )
    asset.original = default_storage.save(
        f"{asset.folder}/original.mp4", ContentFile(b"not a video at all")
    )
    asset.save()
    assert tasks.process_asset.call(asset.pk) == "failed"
    asset.refresh_from_db()
    assert asset.status == "failed" and "not a video" in asset.error
    assert not asset.output
    page = client_for(cast.instructor).get(f"/media/{asset.key}/status/").content.decode()
    assert "Processing failed:" in page and "Try again" in page
    # The author replaces the original and tries again.
    default_storage.delete(asset.original)
    asset.original = default_storage.save(asset.original, ContentFile(clip.read_bytes()))
    asset.save()
    client_for(cast.instructor).post(f"/media/{asset.key}/retry/")
    run_worker()
    asset.refresh_from_db()
    assert (asset.status, asset.attempts, asset.error) == ("ready", 2, "")
    assert asset.output.endswith("/r2")


def test_a_job_is_processed_once_even_if_enqueued_twice(cast, clip):
    _course, _lesson, asset = _uploaded_video(cast, clip)
    assert tasks.process_asset.call(asset.pk) == "ready"
    assert tasks.process_asset.call(asset.pk) == "not queued"
    asset.refresh_from_db()
    assert asset.attempts == 1


def test_a_job_whose_worker_died_is_queued_again(cast, clip):
    _course, _lesson, asset = _uploaded_video(cast, clip)
    # A worker claimed it two and a half hours ago and vanished.
    Asset.objects.filter(pk=asset.pk).update(
        status="processing", attempts=1, started_at=timezone.now() - timedelta(hours=2, minutes=30)
    )
    assert tasks.sweep_stuck_assets.call() == 1
    asset.refresh_from_db()
    assert asset.status == "queued"
    run_worker()
    asset.refresh_from_db()
    assert asset.status == "ready" and asset.output.endswith("/r2")


def test_after_several_crashes_the_job_fails_for_a_person_to_look_at(cast, clip):
    _course, _lesson, asset = _uploaded_video(cast, clip)
    Asset.objects.filter(pk=asset.pk).update(
        status="processing", attempts=3, started_at=timezone.now() - timedelta(hours=3)
    )
    assert tasks.sweep_stuck_assets.call() == 0
    asset.refresh_from_db()
    assert asset.status == "failed" and "several times" in asset.error


def test_the_status_panel_polls_while_processing(cast, clip):
    _course, lesson, _asset = _uploaded_video(cast, clip)
    panel = client_for(cast.instructor).get(f"/media/lessons/{lesson.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in panel and "Waiting for the processor" in panel
    run_worker()
    panel = client_for(cast.instructor).get(f"/media/lessons/{lesson.pk}/").content.decode()
    assert "every 2s" not in panel and "<video" in panel and "Replace the file" in panel
    assert client_for(cast.learner).get(f"/media/lessons/{lesson.pk}/").status_code == 404


def test_retry_only_applies_to_failed_jobs(cast, clip):
    _course, _lesson, asset = _uploaded_video(cast, clip)
    run_worker()
    services.retry_asset(asset)
    asset.refresh_from_db()
    assert asset.status == "ready"


def test_a_document_gets_a_thumbnail_of_every_page(cast, pdf):
    from PIL import Image

    course = make_course(cast.instructor, publish=False)
    lesson = catalog.add_lesson(course.modules.get(), title="Handbook", kind_name="document")
    response, _upload = send_whole(
        client_for(cast.instructor), course, lesson, pdf, kind="document"
    )
    assert response.status_code == 200
    run_worker()
    asset = Asset.objects.get()
    assert (asset.status, asset.page_count) == ("ready", 3)
    for page in (1, 2, 3):
        with default_storage.open(f"{asset.output}/pages/{page:04}.jpg") as handle:
            assert Image.open(handle).size[0] == 320
    assert catalog.publish_problems(course) == []
    assert catalog.build_outline(course)["modules"][0]["lessons"][-1]["content"]["page_count"] == 3


def test_a_course_can_be_published_as_soon_as_its_files_are_ready(cast, clip):
    from django_tasks_db.models import DBTaskResult

    from lectio.catalog.tasks import publish_when_ready

    course, _lesson, asset = _uploaded_video(cast, clip)
    assert publish_when_ready.call(course.pk, cast.instructor.pk, "With video") == "waiting"
    again = DBTaskResult.objects.get(task_path="lectio.catalog.tasks.publish_when_ready")
    assert again.run_after > timezone.now()  # checks again a little later
    run_worker()  # processes the video; the re-check is not due yet
    asset.refresh_from_db()
    assert asset.status == "ready"
    assert publish_when_ready.call(course.pk, cast.instructor.pk, "With video") == "published"
    course.refresh_from_db()
    assert course.live_version.notes == "With video"


def test_publishing_when_ready_stops_at_other_problems(cast):
    from lectio.catalog.tasks import publish_when_ready

    course = make_course(cast.instructor, publish=False)
    catalog.add_lesson(course.modules.get(), title="Empty page", kind_name="page")
    assert publish_when_ready.call(course.pk, cast.instructor.pk) == "blocked"
    course.refresh_from_db()
    assert course.live_version is None


def test_a_powerpoint_deck_is_converted_to_pdf_by_libreoffice(cast, tmp_path):
    import shutil

    from pptx import Presentation

    assert shutil.which("soffice"), "LibreOffice (Debian: libreoffice-impress-nogui) is required"
    deck = Presentation()
    for title in ("Welcome", "Fire exits"):
        slide = deck.slides.add_slide(deck.slide_layouts[0])
        slide.shapes.title.text = title
    path = tmp_path / "induction.pptx"
    deck.save(path)

    course = make_course(cast.instructor, publish=False)
    lesson = catalog.add_lesson(course.modules.get(), title="Slides", kind_name="presentation")
    response, _upload = send_whole(
        client_for(cast.instructor), course, lesson, path, kind="document"
    )
    assert response.status_code == 200, response.json()
    run_worker()
    asset = Asset.objects.get()
    assert (asset.status, asset.page_count) == ("ready", 2), asset.error
    from lectio.assets import delivery

    pdf = client_for(cast.instructor).get(
        delivery.media_url(asset, cast.instructor.pk, "original.pdf")
    )
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
