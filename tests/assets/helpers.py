from pathlib import Path

from django_tasks_db.management.commands.db_worker import Worker

from lectio.assets.models import Upload


def run_worker() -> None:
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    ).run()


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
