"""One error body for every failure: ``{"error": {"code", "message", "fields"}}``."""

import functools
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.params.models import QueryModel


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    error: ErrorDetail


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields = fields or {}
        self.headers = headers or {}


# The error responses every operation may give, for the OpenAPI document.
ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


M = TypeVar("M", bound=Model)


def not_found() -> ApiError:
    return ApiError(404, "not_found", _("No such object, or you may not see it."))


def visible_one(rows: QuerySet[M], pk: int) -> M:
    """The row ``pk`` of ``rows`` (what the token's person may see), or the API's 404 —
    the same answer whether it does not exist or is out of sight."""
    found = rows.filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def _body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _field_name(loc: list[Any]) -> str:
    """``["body", "payload", "people", 0]`` → ``people.0``; ``["query", "since"]`` → ``since``."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "form", "cookie"}:
        source = parts.pop(0)
        if source == "body" and len(parts) > 1:
            parts.pop(0)  # the view's parameter name
    return ".".join(parts) or "body"


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        response = respond(request, exc.status, _body(exc.code, exc.message, exc.fields))
        for name, value in exc.headers.items():
            response[name] = value
        return response

    def validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            message = str(error.get("msg", ""))
            if error.get("type") == "extra_forbidden":
                message = _("Unknown field.")
            fields.setdefault(_field_name(list(error.get("loc", []))), []).append(message)
        return respond(request, 422, _body("invalid", _("Some fields are not valid."), fields))

    def django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            fields = {
                ("body" if name == "__all__" else name): [str(m) for m in messages]
                for name, messages in exc.message_dict.items()
            }
            return respond(request, 422, _body("invalid", _("Some fields are not valid."), fields))
        return respond(request, 422, _body("refused", " ".join(str(m) for m in exc.messages)))

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(
            request,
            401,
            _body("unauthenticated", _("Send a valid API token: Authorization: Bearer <token>.")),
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {400: "bad_request", 405: "method_not_allowed"}.get(exc.status_code, "error")
        return respond(request, exc.status_code, _body(code, exc.message))

    def missing(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api_error(request, not_found())

    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 403, _body("forbidden", _("You may not do this.")))

    handlers: list[tuple[type[Exception], Any]] = [
        (ApiError, api_error),
        (NinjaValidationError, validation),
        (DjangoValidationError, django_validation),
        (AuthenticationError, unauthenticated),
        (HttpError, http_error),
        (Http404, missing),
        (ObjectDoesNotExist, missing),
        (PermissionDenied, forbidden),
    ]
    for exception, handler in handlers:
        api.add_exception_handler(exception, handler)


def _query_names(models: list[Any]) -> frozenset[str]:
    """The query parameters an operation declares (its flattened query models' keys)."""
    names: set[str] = set()
    for model in models:
        if isinstance(model, type) and issubclass(model, QueryModel):
            flat = getattr(model, "__ninja_flatten_map__", None)
            names |= set(flat) if flat else set(model.model_fields)
            names |= {f.alias for f in model.model_fields.values() if f.alias}
    return frozenset(names)


def _refuse_unknown_query_parameters(run: Any) -> Any:
    """Wraps an operation's ``run`` (a ninja "view" decorator): a query parameter the
    operation does not declare is a 422 naming it, as an unknown body field is, so a
    misspelt filter never silently returns everything. Authentication and the rate limit
    still answer first."""
    operation = run.__self__
    allowed = _query_names(list(operation.models))

    @functools.wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        unknown = sorted(set(request.GET) - allowed)
        if not unknown:
            return run(request, *args, **kwargs)
        refused = operation._run_checks(request)
        if refused is not None:
            return refused
        message = _("Unknown query parameter.")
        error = ApiError(
            422, "invalid", _("Some fields are not valid."), {name: [message] for name in unknown}
        )
        return operation.api.on_exception(request, error)

    return checked


def forbid_unknown_query_parameters(api: NinjaAPI) -> None:
    api.add_decorator(_refuse_unknown_query_parameters, mode="view")
