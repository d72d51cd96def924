"""What the benchmark suite (``bench/suite.py``) needs from the server, only when the
``LECTIO_BENCH`` setting is on: a no-database baseline view and an SQL query count per
response. Off (the default), the view answers 404 and the middleware is not installed."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

QUERY_HEADER = "X-Lectio-Queries"


@login_not_required
@never_cache
@require_safe
def baseline(request: HttpRequest) -> HttpResponse:
    """The smallest response the whole stack can give: no database, no session, no
    template. The load driver measures it in the same run as every learner step."""
    if not settings.LECTIO_BENCH:
        raise Http404
    return HttpResponse(b"ok", content_type="text/plain")


class QueryCountMiddleware:
    """Counts the SQL statements a request runs (every database alias, this thread) and
    sends the number in the ``X-Lectio-Queries`` header. For a streamed response the
    header holds what ran before the first byte (the export's own chunked reads follow)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        wrappers = [connections[alias].execute_wrapper(counter) for alias in connections]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response[QUERY_HEADER] = str(count)
        return response
