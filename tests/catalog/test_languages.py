"""One course, several languages: lesson variants with fallback to the course's own."""

import pytest
from django.core.exceptions import ValidationError

from lectio.accounts import services as accounts
from lectio.assets.models import Asset
from lectio.catalog import services
from lectio.learning.models import Enrollment
from tests.helpers import client_for, make_course


def _lesson_titles(outline) -> list[str]:
    return [lesson["title"] for module in outline["modules"] for lesson in module["lessons"]]


def test_a_lesson_carries_its_text_in_another_language(cast):
    course = make_course(cast.instructor, pages=2, publish=False)
    page = course.lessons.get(title="Page 1")
    services.set_lesson_variant(page, "tr", title="Sayfa 1", content={"body": "<p>Metin</p>"})
    outline = services.build_outline(course)
    turkish = services.localize(outline, "tr")
    assert _lesson_titles(turkish) == ["Sayfa 1", "Page 2"]  # Page 2 falls back
    assert turkish["modules"][0]["lessons"][0]["content"]["body"] == "<p>Metin</p>"
    assert turkish["modules"][0]["lessons"][0]["id"] == page.pk  # one lesson, one progress
    assert _lesson_titles(services.localize(outline, "en")) == ["Page 1", "Page 2"]


def test_an_empty_variant_title_keeps_the_lessons_title(cast):
    course = make_course(cast.instructor, pages=1, publish=False)
    page = course.lessons.get()
    services.set_lesson_variant(page, "tr", title="", content={"body": "<p>Metin</p>"})
    assert _lesson_titles(services.localize(services.build_outline(course), "tr")) == ["Page 1"]


def test_the_course_language_has_no_variant(cast):
    course = make_course(cast.instructor, pages=1, publish=False)
    with pytest.raises(ValidationError):
        services.set_lesson_variant(course.lessons.get(), "en", title="Again")
    with pytest.raises(ValidationError):
        services.set_lesson_variant(course.lessons.get(), "xx", title="Nope")


def test_a_variant_video_must_be_ready_before_publishing(cast):
    course = make_course(cast.instructor, pages=1, publish=False)
    video = services.add_lesson(course.modules.get(), title="Intro", kind_name="video")
    ready = Asset.objects.create(
        course=course, kind="video", original_name="en.mp4", size=1, status="ready"
    )
    waiting = Asset.objects.create(
        course=course, kind="video", original_name="tr.mp4", size=1, status="processing"
    )
    services.set_lesson_file(video, str(ready.key))
    services.set_lesson_file(video, str(waiting.key), "tr")
    assert services.publish_problems(course) == [
        "Intro (Turkish): The file is still being processed."
    ]
    assert services.media_pending(course)
    Asset.objects.filter(pk=waiting.pk).update(status="ready")
    version = services.publish_course(course, by=cast.instructor)
    lesson = version.outline["modules"][0]["lessons"][-1]
    assert lesson["content"]["asset"] == str(ready.key)
    assert lesson["variants"]["tr"]["content"]["asset"] == str(waiting.key)


def test_learners_see_the_course_in_their_language(cast):
    course = make_course(cast.instructor, "Information Security", pages=1, publish=False)
    services.set_course_variants(course, {"tr": {"title": "Bilgi Güvenliği", "summary": "Özet"}})
    services.set_lesson_variant(course.lessons.get(), "tr", title="Sayfa 1")
    services.publish_course(course, by=cast.instructor)
    accounts.set_preferences(cast.learner, language="tr", time_zone="Europe/Istanbul")
    client = client_for(cast.learner)
    catalogue = client.get("/courses/").content.decode()
    assert "Bilgi Güvenliği" in catalogue and "Özet" in catalogue
    assert "Bilgi Güvenliği" in [
        c["title"] for c in client.get("/courses/", {"q": "güvenliği"}).context["cards"]
    ]
    page = client.get(f"/courses/{course.slug}/").content.decode()
    assert "Sayfa 1" in page and "Bilgi Güvenliği" in page
    english = client_for(cast.outsider).get(f"/courses/{course.slug}/").content.decode()
    assert "Page 1" in english and "Information Security" in english


def test_authors_edit_a_lesson_per_language(cast):
    course = make_course(cast.instructor, pages=1, publish=False)
    page = course.lessons.get()
    client = client_for(cast.instructor)
    form = client.get(f"/author/lessons/{page.pk}/?language=tr").content.decode()
    assert "Title in this language" in form
    client.post(
        f"/author/lessons/{page.pk}/?language=tr",
        {"lesson-title": "Sayfa 1", "content-body": "<p>Türkçe metin</p><script>x</script>"},
    )
    page.refresh_from_db()
    assert page.variants == {"tr": {"title": "Sayfa 1", "content": {"body": "<p>Türkçe metin</p>"}}}
    assert page.title == "Page 1" and page.content == {"body": "<p>Text 1</p>"}
    client.post(f"/author/lessons/{page.pk}/languages/tr/remove/")
    page.refresh_from_db()
    assert page.variants == {}


def test_course_titles_per_language_are_set_in_the_settings(cast):
    course = make_course(cast.instructor, publish=False)
    client_for(cast.instructor).post(
        f"/author/courses/{course.pk}/",
        {
            "title": course.title,
            "language": "en",
            "visibility": "open",
            "access": "relative",
            "access_days": "90",
            "instructors": [cast.instructor.pk],
            "title_tr": "Bilgi Güvenliği Farkındalığı",
            "summary_tr": "",
        },
    )
    course.refresh_from_db()
    assert course.variants == {"tr": {"title": "Bilgi Güvenliği Farkındalığı"}}


def test_a_variant_upload_attaches_to_the_variant(cast, clip, django_capture_on_commit_callbacks):
    from tests.assets.helpers import put

    course = make_course(cast.instructor, publish=False)
    video = services.add_lesson(course.modules.get(), title="Intro", kind_name="video")
    client = client_for(cast.instructor)
    data = clip.read_bytes()
    begun = client.post(
        "/media/uploads/",
        {
            "course": course.pk,
            "lesson": video.pk,
            "kind": "video",
            "language": "tr",
            "file_name": "tr.mp4",
            "size": len(data),
        },
    ).json()
    with django_capture_on_commit_callbacks(execute=True):
        put(client, begun["key"], data, 0, len(data))
    video.refresh_from_db()
    assert "asset" not in video.content
    assert video.variants["tr"]["content"]["asset"] == str(Asset.objects.get().key)
    panel = client.get(f"/media/lessons/{video.pk}/?language=tr").content.decode()
    assert "tr.mp4" in panel and 'data-language="tr"' in panel
    assert "tr.mp4" not in client.get(f"/media/lessons/{video.pk}/").content.decode()
    assert not Enrollment.objects.exists()
