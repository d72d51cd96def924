"""The content origin (LECTIO_CONTENT_ORIGIN) serves packages and nothing else.

Package JavaScript runs there, so it must never reach the platform as the person: on that
host name only the package URLs (authorised by a signed token in the path) and static
files answer, cookies are neither read nor set, and everything else is 404. Browsers keep
cookies per host name, so the platform's session cookie is never sent there anyway; this
also covers someone signing in on the content host by typing its address."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseNotFound
from django.http.response import HttpResponseBase

from lectio.scorm.services import content_host

CONTENT_PREFIXES = ("/scorm/c/", "/static/")


class ContentOriginMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        host = content_host()
        if not host or request.META.get("HTTP_HOST", "") != host:
            return self.get_response(request)
        if not request.path_info.startswith(CONTENT_PREFIXES):
            return HttpResponseNotFound(b"Not found", content_type="text/plain")
        request.COOKIES = {}
        request.META.pop("HTTP_COOKIE", None)
        response = self.get_response(request)
        response.cookies.clear()
        return response


def is_content_request(request: HttpRequest) -> bool:
    host = content_host()
    return bool(host) and request.META.get("HTTP_HOST", "") == host
