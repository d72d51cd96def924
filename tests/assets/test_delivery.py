"""Media is served only to people allowed to see it, with Range support."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from lectio.assets import delivery
from lectio.assets.models import Asset
from lectio.learning.models import Enrollment
from tests.helpers import client_for, make_course

BYTES = bytes(range(256)) * 40  # 10,240 bytes


@pytest.fixture
def asset(cast):
    course = make_course(cast.instructor)
    asset = Asset.objects.create(
        course=course, kind="video", original_name="intro.mp4", size=len(BYTES), status="ready"
    )
    prefix = asset.output = f"{asset.folder}/r1"
    asset.original = f"{asset.folder}/original.mp4"
    asset.save()
    default_storage.save(f"{prefix}/video.mp4", ContentFile(BYTES))
    default_storage.save(f"{prefix}/hls/master.m3u8", ContentFile(b"#EXTM3U\n360p/index.m3u8\n"))
    default_storage.save(f"{prefix}/hls/360p/seg_00000.ts", ContentFile(b"G" * 188))
    return asset


def _get(person, asset, path="video.mp4", **headers):
    return client_for(person).get(delivery.media_url(asset, person.pk, path), **headers)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_authors_get_the_files(cast, asset):
    response = _get(cast.instructor, asset)
    assert response.status_code == 200
    assert _body(response) == BYTES
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Cache-Control"] == "private, max-age=3600"


def test_hls_segments_resolve_under_the_same_signed_address(cast, asset):
    master = delivery.media_url(asset, cast.instructor.pk, "hls/master.m3u8")
    client = client_for(cast.instructor)
    assert client.get(master)["Content-Type"] == "application/vnd.apple.mpegurl"
    segment = master.replace("master.m3u8", "360p/seg_00000.ts")  # as a player resolves it
    response = client.get(segment)
    assert response.status_code == 200 and response["Content-Type"] == "video/mp2t"


def test_an_enrolled_learner_gets_them_while_access_lasts(cast, asset):
    enrollment = Enrollment.objects.create(user=cast.learner, course=asset.course)
    assert _get(cast.learner, asset).status_code == 200
    Enrollment.objects.filter(pk=enrollment.pk).update(
        access_ends_at=timezone.now() - timedelta(minutes=1)
    )
    assert _get(cast.learner, asset).status_code == 404


def test_someone_not_enrolled_gets_nothing(cast, asset):
    assert _get(cast.learner, asset).status_code == 404
    assert _get(cast.outsider, asset).status_code == 404


def test_an_address_works_only_for_the_person_it_was_made_for(cast, asset):
    Enrollment.objects.create(user=cast.learner, course=asset.course)
    made_for_the_instructor = delivery.media_url(asset, cast.instructor.pk, "video.mp4")
    assert client_for(cast.learner).get(made_for_the_instructor).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, cast, asset):
    response = client.get(delivery.media_url(asset, cast.instructor.pk, "video.mp4"))
    assert response.status_code == 302


def test_an_expired_or_forged_address_gets_nothing(cast, asset, settings):
    url = delivery.media_url(asset, cast.instructor.pk, "video.mp4")
    settings.LECTIO_MEDIA_URL_SECONDS = -1
    assert client_for(cast.instructor).get(url).status_code == 404
    settings.LECTIO_MEDIA_URL_SECONDS = 3600
    forged = url.replace(url.split("/")[3], "eyJhIjoiZm9yZ2VkIn0:abc:def")
    assert client_for(cast.instructor).get(forged).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["../r1/video.mp4", "hls/../../secret.txt", "original.mp4", "x/%2e%2e/y.ts", "no-suffix"],
)
def test_nothing_outside_the_processed_files_is_reachable(cast, asset, path):
    assert _get(cast.instructor, asset, path).status_code == 404


def test_a_video_not_yet_processed_is_not_served_to_learners(cast, asset):
    Enrollment.objects.create(user=cast.learner, course=asset.course)
    Asset.objects.filter(pk=asset.pk).update(status="processing")
    assert _get(cast.learner, asset).status_code == 404


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=10000-", 10000, 10239),
        ("bytes=-40", 10200, 10239),
        ("bytes=10200-99999", 10200, 10239),
    ],
)
def test_range_requests(cast, asset, header, start, end):
    response = _get(cast.instructor, asset, HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(BYTES)}"
    assert response["Content-Length"] == str(end - start + 1)
    assert _body(response) == BYTES[start : end + 1]


def test_an_unsatisfiable_range_is_416(cast, asset):
    response = _get(cast.instructor, asset, HTTP_RANGE="bytes=20000-30000")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(BYTES)}"


def test_a_front_proxy_can_send_the_file(cast, asset, settings):
    settings.LECTIO_MEDIA_ACCEL_PREFIX = "/protected/"
    response = _get(cast.instructor, asset)
    assert response["X-Accel-Redirect"] == f"/protected/{asset.output}/video.mp4"
    assert response.content == b""


def test_documents_are_served_from_their_original(cast):
    course = make_course(cast.instructor)
    asset = Asset.objects.create(
        course=course, kind="document", original_name="h.pdf", size=9, original="", status="ready"
    )
    asset.original = default_storage.save(
        f"{asset.folder}/original.pdf", ContentFile(b"%PDF-1.4\n")
    )
    asset.save()
    response = _get(cast.instructor, asset, "original.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
