"""Media on S3-compatible object storage: the same upload, processing and delivery.

An S3 server (moto's, on 127.0.0.1) speaks the real protocol to django-storages/boto3."""

import socket

import boto3
import pytest
from django.core.files.storage import default_storage
from moto.server import ThreadedMotoServer

from lectio.assets import delivery
from lectio.assets.models import Asset
from lectio.catalog import services as catalog
from tests.assets.helpers import run_worker, send_whole
from tests.helpers import client_for, make_course


@pytest.fixture(scope="module")
def s3_endpoint():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def object_storage(settings, s3_endpoint):
    credentials = {"aws_access_key_id": "lectio", "aws_secret_access_key": "secret"}
    boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name="us-east-1", **credentials
    ).create_bucket(Bucket="lectio-media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "lectio-media",
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "lectio",
                "secret_key": "secret",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    return default_storage


@pytest.mark.django_db(transaction=True)
def test_upload_processing_and_delivery_work_on_object_storage(cast, clip, object_storage):
    assert object_storage.__class__.__name__ == "S3Storage"
    course = make_course(cast.instructor, publish=False)
    lesson = catalog.add_lesson(course.modules.get(), title="Intro", kind_name="video")
    response, _upload = send_whole(client_for(cast.instructor), course, lesson, clip)
    assert response.status_code == 200
    run_worker()
    asset = Asset.objects.get()
    assert asset.status == "ready", asset.error
    assert object_storage.exists(f"{asset.output}/hls/master.m3u8")
    url = delivery.media_url(asset, cast.instructor.pk, "video.mp4")
    ranged = client_for(cast.instructor).get(url, HTTP_RANGE="bytes=0-99")
    assert ranged.status_code == 206
    assert len(b"".join(ranged.streaming_content)) == 100
