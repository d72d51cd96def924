"""The API object: token authentication on every operation, one error body, the routers,
and the interactive docs served from local static files (our CSP allows only 'self')."""

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from lectio.api.v1 import assignments, bulk, courses, enrolments, errors, people, records
from lectio.api.v1.auth import TokenAuth

DESCRIPTION = """The Lectio REST API.

Authenticate with an API token (your profile's "API tokens", or an administrator's service
token): `Authorization: Bearer <token>`. A token acts as its person, with that person's
rights narrowed by its scopes: a manager's token sees only their department subtree.

Lists are paginated with an opaque cursor: pass `next_cursor` back as `cursor` until it
is null. Every error has the body `{"error": {"code", "message", "fields"}}`; invalid
input is `422` with the fields named. Creates accept an `Idempotency-Key` header. Each
token may make a limited number of requests a minute (`429` with `Retry-After`).
"""

api = NinjaAPI(
    title="Lectio API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=TokenAuth(),
    # ninja's own template, with Swagger UI from ninja's static files ("ninja" is an
    # installed app), settings in a JSON block and no inline script.
    docs=Swagger(settings={"persistAuthorization": False}),
)
errors.install(api)
for module in (people, bulk, courses, enrolments, assignments, records):
    api.add_router("/", module.router)


@csrf_exempt
def no_such_endpoint(request: HttpRequest, rest: str) -> JsonResponse:
    """Any other address under /api/v1/ (or an id that is not a number): the API's 404."""
    message = _("No such endpoint: see /api/v1/openapi.json.")
    return JsonResponse(
        {"error": {"code": "not_found", "message": message, "fields": {}}}, status=404
    )


def urlpatterns() -> list[URLPattern | URLResolver]:
    """The API's URLs, open to requests without a session: the token is the credential
    (LoginRequiredMiddleware would send them to the sign-in page)."""
    patterns, _app, _namespace = api.urls
    found = [*patterns, re_path(r"^(?P<rest>.*)$", no_such_endpoint)]
    for pattern in found:
        if isinstance(pattern, URLPattern):
            pattern.callback.login_required = False  # type: ignore[attr-defined]
    return found
