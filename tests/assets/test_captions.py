import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from lectio.assets import captions, delivery, services
from lectio.assets.models import Asset, Caption
from lectio.catalog import services as catalog
from lectio.learning.models import Enrollment
from tests.helpers import client_for, make_course

VTT = (
    b"WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nWelcome.\n\n"
    b"00:02.500 --> 00:04.000 align:start\nLook around.\n"
)
SRT = (
    "1\r\n00:00:00,500 --> 00:00:02,000\r\nHoş geldiniz.\r\n\r\n"
    "2\r\n00:00:02,500 --> 00:00:04,000\r\nEtrafınıza bakın.\r\n"
).encode()


def test_webvtt_is_kept_and_srt_becomes_webvtt():
    assert captions.to_webvtt(VTT).startswith("WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nWelcome.")
    assert "00:02.500 --> 00:04.000 align:start" in captions.to_webvtt(VTT)
    converted = captions.to_webvtt(SRT)
    assert converted.startswith("WEBVTT")
    assert "00:00:00.500 --> 00:00:02.000\nHoş geldiniz." in converted
    assert "," not in converted.split("\n")[2]


def test_every_problem_is_reported_with_its_line():
    bad = (
        b"WEBVTT\n\n"
        b"00:00:05.000 --> 00:00:04.000\nBackwards.\n\n"
        b"00:00:01.000 --> 00:00:02.000\nOut of order.\n\n"
        b"00:00:03 --> 00:00:04\nNo milliseconds.\n\n"
        b"00:09:00.000 --> 00:09:01.000\nAfter the end.\n"
    )
    with pytest.raises(captions.CaptionError) as error:
        captions.to_webvtt(bad, duration=60)
    assert [str(p) for p in error.value.problems] == [
        "Line 3: The cue ends before it starts.",
        "Line 6: The cue starts before the one above it.",
        "Line 9: The cue timing is not in the form 00:00:01.000 --> 00:00:04.000.",
        "Line 12: The cue starts after the video ends.",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Hello, this is a letter.\n", "neither WebVTT"),
        (b"WEBVTT\n\n", "no captions"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nçok\n".encode("cp1254"), "not UTF-8"),
        (b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\n", "no text"),
    ],
)
def test_malformed_files_are_refused(data, message):
    with pytest.raises(captions.CaptionError, match=message):
        captions.to_webvtt(data)


@pytest.fixture
def video_lesson(cast):
    course = make_course(cast.instructor)
    lesson = catalog.add_lesson(course.modules.get(), title="Intro", kind_name="video")
    asset = Asset.objects.create(
        course=course, kind="video", original_name="a.mp4", size=1, status="ready", duration=30
    )
    catalog.update_lesson(lesson, content={"asset": str(asset.key)})
    return lesson, asset


def test_an_author_adds_captions_per_language_and_learners_get_them(cast, video_lesson):
    lesson, asset = video_lesson
    client = client_for(cast.instructor)
    panel = client.post(
        f"/media/lessons/{lesson.pk}/captions/",
        {"caption_language": "tr", "file": SimpleUploadedFile("tr.srt", SRT)},
    ).content.decode()
    assert "Türkçe" in panel or "Turkish" in panel
    caption = Caption.objects.get(asset=asset, language="tr")
    assert default_storage.open(caption.file).read().decode().startswith("WEBVTT")
    # Replacing keeps one file per language.
    client.post(
        f"/media/lessons/{lesson.pk}/captions/",
        {"caption_language": "tr", "file": SimpleUploadedFile("tr.vtt", VTT)},
    )
    assert Caption.objects.filter(asset=asset).count() == 1
    assert catalog.build_outline(lesson.course)["modules"][0]["lessons"][-1]["content"][
        "captions"
    ] == ["tr"]
    Enrollment.objects.create(user=cast.learner, course=lesson.course)
    response = client_for(cast.learner).get(
        delivery.media_url(asset, cast.learner.pk, "captions/tr.vtt")
    )
    assert response.status_code == 200 and response["Content-Type"] == "text/vtt; charset=utf-8"


def test_a_bad_caption_file_is_explained_in_the_panel_and_nothing_is_stored(cast, video_lesson):
    lesson, _asset = video_lesson
    panel = (
        client_for(cast.instructor)
        .post(
            f"/media/lessons/{lesson.pk}/captions/",
            {
                "caption_language": "en",
                "file": SimpleUploadedFile(
                    "en.vtt", b"WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nx\n"
                ),
            },
        )
        .content.decode()
    )
    assert "Line 3: The cue ends before it starts." in panel
    assert not Caption.objects.exists()


def test_captions_can_be_removed(cast, video_lesson):
    lesson, asset = video_lesson
    caption = services.set_caption(asset, language="en", data=VTT)
    client_for(cast.instructor).post(f"/media/captions/{caption.pk}/remove/", {"lesson": lesson.pk})
    assert not Caption.objects.exists()
    assert not default_storage.exists(caption.file)


def test_only_authors_manage_captions(cast, video_lesson):
    lesson, _asset = video_lesson
    response = client_for(cast.learner).post(
        f"/media/lessons/{lesson.pk}/captions/",
        {"caption_language": "en", "file": SimpleUploadedFile("en.vtt", VTT)},
    )
    assert response.status_code == 404
    assert not Caption.objects.exists()


def test_chapters_are_edited_as_lines_and_checked(cast, video_lesson):
    lesson, _asset = video_lesson
    client = client_for(cast.instructor)
    base = {"lesson-title": "Intro", "lesson-required": "on", "content-threshold": "90"}
    page = client.post(
        f"/author/lessons/{lesson.pk}/",
        {**base, "content-chapters": "0:00 Welcome\n0:20 Hazards\n0:10 Back\nsoon Later"},
    ).content.decode()
    assert "Line 3: chapters must be in time order." in page
    assert "Line 4: write a time and a title" in page
    client.post(
        f"/author/lessons/{lesson.pk}/", {**base, "content-chapters": "0:00 Welcome\n0:20 Hazards"}
    )
    lesson.refresh_from_db()
    assert lesson.content["chapters"] == [
        {"t": 0, "title": "Welcome"},
        {"t": 20, "title": "Hazards"},
    ]
    assert "asset" in lesson.content  # the file stays attached
    form_page = client.get(f"/author/lessons/{lesson.pk}/").content.decode()
    assert "0:00 Welcome\n0:20 Hazards" in form_page
    outline = catalog.build_outline(lesson.course)
    assert outline["modules"][0]["lessons"][-1]["content"]["chapters"][1]["title"] == "Hazards"


def test_a_chapter_past_the_end_blocks_publishing(cast, video_lesson):
    lesson, _asset = video_lesson
    catalog.update_lesson(lesson, content={"chapters": [{"t": 45, "title": "Too late"}]})
    assert catalog.publish_problems(lesson.course) == [
        "Intro: A chapter starts after the video ends."
    ]


def test_captions_of_a_variant_video_are_managed_on_the_variant(cast, video_lesson):
    lesson, _asset = video_lesson
    turkish = Asset.objects.create(
        course=lesson.course,
        kind="video",
        original_name="tr.mp4",
        size=1,
        status="ready",
        duration=30,
    )
    catalog.set_lesson_file(lesson, str(turkish.key), "tr")
    client = client_for(cast.instructor)
    client.post(
        f"/media/lessons/{lesson.pk}/captions/",
        {"language": "tr", "caption_language": "tr", "file": SimpleUploadedFile("tr.vtt", VTT)},
    )
    caption = Caption.objects.get()
    assert caption.asset == turkish
    # The lesson's own video does not own it: removing it from there finds nothing.
    assert (
        client.post(f"/media/captions/{caption.pk}/remove/", {"lesson": lesson.pk}).status_code
        == 404
    )
    client.post(f"/media/captions/{caption.pk}/remove/", {"lesson": lesson.pk, "language": "tr"})
    assert not Caption.objects.exists()


def test_the_completion_threshold_and_no_skip_are_set_per_video(cast, video_lesson):
    lesson, _asset = video_lesson
    client_for(cast.instructor).post(
        f"/author/lessons/{lesson.pk}/",
        {"lesson-title": "Intro", "content-threshold": "75", "content-no_skip": "on"},
    )
    lesson.refresh_from_db()
    assert (lesson.content["threshold"], lesson.content["no_skip"]) == (0.75, True)
    outline = catalog.build_outline(lesson.course)
    assert outline["modules"][0]["lessons"][-1]["content"]["no_skip"] is True
    page = client_for(cast.instructor).post(
        f"/author/lessons/{lesson.pk}/", {"lesson-title": "Intro", "content-threshold": "20"}
    )
    assert "greater than or equal to 50" in page.content.decode()
