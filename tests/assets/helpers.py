from pathlib import Path

from lectio.assets.models import Upload
from tests.helpers import run_worker  # noqa: F401 - re-exported for the asset tests


def start(client, course, lesson, path: Path, kind: str = "video"):
    return client.post(
        "/media/uploads/",
        {
            "course": course.pk,
            "lesson": lesson.pk,
            "kind": kind,
            "file_name": path.name,
            "size": path.stat().st_size,
        },
    )


def put(client, key: str, data: bytes, start: int, total: int):
    return client.generic(
        "PUT",
        f"/media/uploads/{key}/",
        data,
        content_type="application/octet-stream",
        HTTP_CONTENT_RANGE=f"bytes {start}-{start + len(data) - 1}/{total}",
    )


def send_whole(client, course, lesson, path: Path, kind: str = "video"):
    response = start(client, course, lesson, path, kind)
    assert response.status_code == 201, response.json()
    key, data = response.json()["key"], path.read_bytes()
    upload = Upload.objects.get(key=key)
    return put(client, key, data, 0, len(data)), upload
