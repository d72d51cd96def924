from django.core.files.storage import default_storage
from django_tasks_db.models import DBTaskResult

from lectio.assets import services
from lectio.assets.models import Asset, Upload
from lectio.catalog import services as catalog
from tests.assets.helpers import put, send_whole, start
from tests.helpers import client_for, make_course


def _video_lesson(cast):
    course = make_course(cast.instructor, publish=False)
    lesson = catalog.add_lesson(course.modules.get(), title="Intro", kind_name="video")
    return course, lesson


def test_a_file_goes_up_in_chunks_and_resumes_after_an_interruption(
    cast, clip, django_capture_on_commit_callbacks
):
    course, lesson = _video_lesson(cast)
    client = client_for(cast.instructor)
    data = clip.read_bytes()
    begun = start(client, course, lesson, clip).json()
    key, total = begun["key"], len(data)
    assert (begun["received"], begun["chunk_size"]) == (0, 8 * 1024 * 1024)

    half = total // 2
    assert put(client, key, data[:half], 0, total).json()["received"] == half
    # The connection drops part-way through the next chunk: what arrived is kept.
    upload = Upload.objects.get(key=key)
    services.receive_chunk(
        upload, start=half, stream=_Dropping(data[half:], after=1000), length=total - half
    )
    status = client.get(f"/media/uploads/{key}/").json()
    assert status["received"] == half + 1000
    # A chunk sent from the wrong place is refused with where to resume.
    conflict = put(client, key, data[half:], half, total)
    assert conflict.status_code == 409 and conflict.json()["received"] == half + 1000
    with django_capture_on_commit_callbacks(execute=True):
        done = put(client, key, data[half + 1000 :], half + 1000, total).json()
    assert done["received"] == total and done["asset"]["status"] == "queued"

    asset = Asset.objects.get()
    assert default_storage.open(asset.original).read() == data  # byte for byte
    assert (asset.duration, asset.width, asset.height) == (6.0, 640, 360)
    lesson.refresh_from_db()
    assert lesson.content["asset"] == str(asset.key)
    assert DBTaskResult.objects.filter(task_path="lectio.assets.tasks.process_asset").count() == 1
    assert not services.part_path(Upload.objects.get(key=key)).exists()


class _Dropping:
    def __init__(self, data: bytes, after: int) -> None:
        self.data, self.left = data, after

    def read(self, size: int = -1) -> bytes:
        block = self.data[: min(size, self.left)]
        self.data, self.left = self.data[len(block) :], self.left - len(block)
        return block


def test_a_file_that_is_not_a_video_is_refused_and_leaves_nothing(cast, tmp_path):
    course, lesson = _video_lesson(cast)
    fake = tmp_path / "holiday.mp4"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 5000)  # an executable, named .mp4
    response, upload = send_whole(client_for(cast.instructor), course, lesson, fake)
    assert response.status_code == 422
    assert "not a video" in response.json()["error"]
    assert not Upload.objects.exists() and not Asset.objects.exists()
    assert not services.part_path(upload).exists()
    lesson.refresh_from_db()
    assert "asset" not in lesson.content


def test_a_document_lesson_takes_a_pdf(cast, pdf):
    course = make_course(cast.instructor, publish=False)
    lesson = catalog.add_lesson(course.modules.get(), title="Handbook", kind_name="document")
    response, _upload = send_whole(
        client_for(cast.instructor), course, lesson, pdf, kind="document"
    )
    assert response.status_code == 200
    assert Asset.objects.get().page_count == 3


def test_an_oversized_file_is_refused_before_anything_is_stored(cast, settings):
    settings.LECTIO_UPLOAD_MAX_BYTES = 1024 * 1024
    course, lesson = _video_lesson(cast)
    response = client_for(cast.instructor).post(
        "/media/uploads/",
        {
            "course": course.pk,
            "lesson": lesson.pk,
            "kind": "video",
            "file_name": "big.mp4",
            "size": 2 * 1024 * 1024,
        },
    )
    assert response.status_code == 400
    assert "largest allowed is 1 MB" in response.json()["error"]
    assert not Upload.objects.exists()


def test_bad_announcements_get_a_reason(cast):
    course, _lesson = _video_lesson(cast)
    client = client_for(cast.instructor)
    for data, message in [
        ({"size": "lots"}, "size is missing"),
        ({"size": 0}, "empty"),
        ({"size": 10, "kind": "spreadsheet"}, "Unknown kind"),
    ]:
        response = client.post(
            "/media/uploads/", {"course": course.pk, "kind": "video", "file_name": "a.mp4", **data}
        )
        assert response.status_code == 400 and message in response.json()["error"]


def test_chunks_need_a_matching_content_range(cast, clip):
    course, lesson = _video_lesson(cast)
    client = client_for(cast.instructor)
    key = start(client, course, lesson, clip).json()["key"]
    no_range = client.generic(
        "PUT", f"/media/uploads/{key}/", b"abc", content_type="application/octet-stream"
    )
    assert no_range.status_code == 400 and "Content-Range" in no_range.json()["error"]
    wrong_total = client.generic(
        "PUT",
        f"/media/uploads/{key}/",
        b"abc",
        content_type="application/octet-stream",
        HTTP_CONTENT_RANGE="bytes 0-2/3",
    )
    assert wrong_total.status_code == 400


def test_only_the_courses_authors_upload(cast, clip):
    course, lesson = _video_lesson(cast)
    for person in (cast.learner, cast.manager):
        assert start(client_for(person), course, lesson, clip).status_code == 403
    key = start(client_for(cast.instructor), course, lesson, clip).json()["key"]
    # Someone else cannot continue or inspect another person's upload.
    assert client_for(cast.admin).get(f"/media/uploads/{key}/").status_code == 404
    assert put(client_for(cast.admin), key, b"x", 0, clip.stat().st_size).status_code == 404


def test_a_lesson_of_another_course_is_refused(cast, clip):
    course, _lesson = _video_lesson(cast)
    _other_course, other_lesson = _video_lesson(cast)
    response = start(client_for(cast.instructor), course, other_lesson, clip)
    assert response.status_code == 400


def test_abandoned_uploads_are_pruned(cast, clip):
    from datetime import timedelta

    course, lesson = _video_lesson(cast)
    key = start(client_for(cast.instructor), course, lesson, clip).json()["key"]
    upload = Upload.objects.get(key=key)
    Upload.objects.filter(pk=upload.pk).update(created_at=upload.created_at - timedelta(days=3))
    assert services.prune_stale_uploads(older_than=timedelta(days=2)) == 1
    assert not services.part_path(upload).exists()


def test_nonsense_form_values_get_a_clear_answer_not_an_error(cast):
    client = client_for(cast.instructor)
    response = client.post("/media/uploads/", {"course": "abc", "kind": "video", "size": 10})
    assert response.status_code == 403
    course, _lesson = _video_lesson(cast)
    response = client.post(
        "/media/uploads/", {"course": course.pk, "lesson": "x", "kind": "video", "size": 10}
    )
    assert response.status_code == 400
    assert client.post("/media/captions/1/remove/", {"lesson": "nope"}).status_code == 404
