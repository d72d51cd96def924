from io import BytesIO

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lectio.catalog import services as catalog
from lectio.catalog.models import Course
from tests.helpers import client_for, make_course


def _picture(size=(2400, 1600), fmt="PNG") -> bytes:
    out = BytesIO()
    Image.new("RGB", size, (30, 80, 190)).save(out, fmt)
    return out.getvalue()


def _upload(client, course, data, name="cover.png"):
    return client.post(
        f"/media/courses/{course.pk}/cover/",
        {"cover": SimpleUploadedFile(name, data, content_type="image/png")},
        follow=True,
    )


def test_a_cover_is_resized_re_encoded_and_shown_after_publishing(cast):
    course = make_course(cast.instructor)
    page = _upload(client_for(cast.instructor), course, _picture()).content.decode()
    assert "The cover is saved" in page
    course.refresh_from_db()
    with default_storage.open(course.cover) as handle:
        stored = Image.open(handle)
        assert (stored.format, stored.size) == ("JPEG", (1080, 720))
    # Learners get the published cover: none yet, then this one after publishing.
    learner = client_for(cast.learner)
    assert learner.get(f"/media/covers/{course.key}.jpg").status_code == 404
    assert (
        client_for(cast.instructor).get(f"/media/covers/{course.key}.jpg?draft=1").status_code
        == 200
    )
    catalog.publish_course(course, by=cast.instructor)
    response = learner.get(f"/media/covers/{course.key}.jpg")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert f"/media/covers/{course.key}.jpg" in learner.get("/courses/").content.decode()


def test_anything_but_a_picture_is_refused(cast):
    course = make_course(cast.instructor)
    page = _upload(client_for(cast.instructor), course, b"<svg onload=alert(1)>", "cover.svg")
    assert "This file is not a picture Lectio can read." in page.content.decode()
    assert Course.objects.get(pk=course.pk).cover == ""


def test_covers_of_courses_you_cannot_see_are_404(cast):
    course = make_course(cast.instructor, visibility="assigned")
    _upload(client_for(cast.instructor), course, _picture((640, 360)))
    catalog.publish_course(Course.objects.get(pk=course.pk), by=cast.instructor)
    assert client_for(cast.learner).get(f"/media/covers/{course.key}.jpg").status_code == 404
    assert (
        client_for(cast.learner).get(f"/media/covers/{course.key}.jpg?draft=1").status_code == 404
    )


def test_only_authors_upload_covers(cast):
    course = make_course(cast.instructor)
    assert _upload(client_for(cast.learner), course, _picture()).status_code == 404
