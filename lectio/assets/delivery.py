"""Authorised delivery of media files.

A media address carries a signed token in its path: ``/media/<asset key>/<token>/<file>``.
The token names the asset and the person and expires (``LECTIO_MEDIA_URL_SECONDS``), so an
address copied to someone else, or kept too long, does not work. Because the token is a
path segment, the relative addresses inside HLS playlists (renditions, segments) carry it
without rewriting. Files support HTTP Range requests; behind nginx the file itself can be
handed over with X-Accel-Redirect.
"""

import mimetypes
import re
from collections.abc import Iterator

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse

from lectio.assets.models import Asset

SALT = "lectio.assets.media"
SAFE_PATH = re.compile(r"^[A-Za-z0-9_\-]+(/[A-Za-z0-9_\-]+)*\.[a-z0-9]{2,5}$")
CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".mp4": "video/mp4",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".vtt": "text/vtt; charset=utf-8",
    ".pdf": "application/pdf",
}
BLOCK = 256 * 1024
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def media_token(asset: Asset, user_id: int) -> str:
    """The signed token of the asset's addresses for this person (the same for each of
    its files: a page listing several signs once)."""
    return signing.dumps({"a": str(asset.key), "u": user_id}, salt=SALT, compress=True)


def media_url(asset: Asset, user_id: int, path: str, *, token: str = "") -> str:
    token = token or media_token(asset, user_id)
    return reverse("assets:deliver", args=[asset.key, token, path])


def token_is_valid(token: str, asset: Asset, user_id: int) -> bool:
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.LECTIO_MEDIA_URL_SECONDS)
    except signing.BadSignature:
        return False
    return bool(data.get("a") == str(asset.key) and data.get("u") == user_id)


def storage_name(asset: Asset, path: str) -> str | None:
    """The stored file behind a delivery path, or None if the path is not one of ours."""
    if not SAFE_PATH.match(path) or ".." in path:
        return None
    if path == "original.pdf" and asset.kind == Asset.Kind.DOCUMENT:
        # A presentation converted from PowerPoint is served as the PDF it became.
        if asset.details.get("source", {}).get("convert"):
            return f"{asset.output}/document.pdf" if asset.output else None
        return asset.original
    if path.startswith("captions/"):
        return f"{asset.folder}/{path}"
    if not asset.output:
        return None
    return f"{asset.output}/{path}"


def serve(request: HttpRequest, name: str) -> HttpResponseBase:
    """The stored file, whole or the byte range asked for."""
    suffix = "." + name.rsplit(".", 1)[-1]
    content_type = (
        CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    if not default_storage.exists(name):
        return HttpResponse(status=404)
    size = default_storage.size(name)
    response: HttpResponseBase
    if prefix := settings.LECTIO_MEDIA_ACCEL_PREFIX:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{name}"
        return _private(response)
    header = request.headers.get("Range", "")
    match = RANGE.match(header.strip()) if header else None
    if match and (match.group(1) or match.group(2)):
        first, last = match.group(1), match.group(2)
        if first:
            start, end = int(first), int(last) if last else size - 1
        else:  # the final N bytes
            start, end = max(0, size - int(last)), size - 1
        end = min(end, size - 1)
        if start > end or start >= size:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return _private(response)
        response = StreamingHttpResponse(
            _read(name, start, end - start + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    else:
        response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
        response["Content-Length"] = str(size)
    response["Accept-Ranges"] = "bytes"
    return _private(response)


def _read(name: str, start: int, length: int) -> Iterator[bytes]:
    with default_storage.open(name, "rb") as handle:
        handle.seek(start)
        while length > 0:
            block = handle.read(min(BLOCK, length))
            if not block:
                break
            length -= len(block)
            yield block


def _private(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
