"""SCIM 2.0 (RFC 7643/7644) for identity providers that push people and groups:
``/scim/v2/Users`` and ``/scim/v2/Groups``, plus the discovery documents.

A SCIM client authenticates with an API token that has the ``scim`` scope and belongs to
an administrator. Every write goes through ``accounts.services``; deleting a user
deactivates them (their history stays). People are matched on ``userName`` (the e-mail
address)."""

import json
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from lectio.accounts import services as accounts
from lectio.accounts.models import Group, User
from lectio.accounts.permissions import can_manage_people
from lectio.api import services
from lectio.api.models import Scope
from lectio.api.v1.auth import rate_limit
from lectio.api.v1.errors import ApiError

CONTENT_TYPE = "application/scim+json"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
MAX_RESULTS = 200
FILTER = re.compile(r'^\s*([A-Za-z.]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$')


class ScimError(Exception):
    def __init__(self, status: int, detail: str, scim_type: str = "") -> None:
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type


def _respond(body: dict[str, Any] | None, status: int = 200) -> HttpResponse:
    if body is None:
        return HttpResponse(status=status)
    return JsonResponse(body, status=status, content_type=CONTENT_TYPE)


def _error(exc: ScimError) -> HttpResponse:
    body: dict[str, Any] = {"schemas": [ERROR], "status": str(exc.status), "detail": exc.detail}
    if exc.scim_type:
        body["scimType"] = exc.scim_type
    return _respond(body, exc.status)


View = Callable[..., HttpResponse]


def scim_view(view: View) -> View:
    """Token auth (scope ``scim``, an administrator's token), JSON errors, no session."""

    @csrf_exempt
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
        token = services.token_for(secret.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            response = _error(ScimError(401, "Send a valid API token as a bearer token."))
            response["WWW-Authenticate"] = "Bearer"
            return response
        if Scope.SCIM not in token.scopes or not can_manage_people(token.user):
            return _error(ScimError(403, "This token may not provision people."))
        try:
            rate_limit(token)
            request.user = token.user
            return view(request, *args, **kwargs)
        except ApiError as exc:
            response = _error(ScimError(exc.status, exc.message))
            for name, value in exc.headers.items():
                response[name] = value
            return response
        except ScimError as exc:
            return _error(exc)
        except ValidationError as exc:
            detail = (
                "; ".join(
                    f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
                )
                if hasattr(exc, "error_dict")
                else " ".join(exc.messages)
            )
            return _error(ScimError(400, detail, "invalidValue"))

    wrapper.login_required = False  # type: ignore[attr-defined]
    return wrapper


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ScimError(400, "The body is not JSON.", "invalidSyntax") from exc
    if not isinstance(body, dict):
        raise ScimError(400, "The body must be a JSON object.", "invalidSyntax")
    return body


def _page(request: HttpRequest) -> tuple[int, int]:
    try:
        start = max(1, int(request.GET.get("startIndex", "1")))
        count = min(MAX_RESULTS, max(0, int(request.GET.get("count", "100"))))
    except ValueError as exc:
        raise ScimError(400, "startIndex and count are numbers.", "invalidValue") from exc
    return start, count


def _filter(request: HttpRequest, fields: dict[str, str]) -> dict[str, str]:
    """``attribute eq "value"`` for the attributes in ``fields`` (SCIM name → lookup)."""
    raw = request.GET.get("filter", "").strip()
    if not raw:
        return {}
    match = FILTER.match(raw)
    if not match or match.group(1) not in fields:
        raise ScimError(
            400,
            f"Only filters of the form 'attribute eq \"value\"' on {', '.join(fields)}.",
            "invalidFilter",
        )
    return {fields[match.group(1)]: match.group(2).replace('\\"', '"')}


def _list(resources: list[dict[str, Any]], total: int, start: int) -> dict[str, Any]:
    return {
        "schemas": [LIST],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


# ---- Users -----------------------------------------------------------------------------


def user_resource(user: User) -> dict[str, Any]:
    return {
        "schemas": [USER, ENTERPRISE],
        "id": str(user.pk),
        "externalId": user.external_id or None,
        "userName": user.email,
        "name": {"formatted": user.full_name},
        "displayName": user.full_name,
        "emails": [{"value": user.email, "type": "work", "primary": True}],
        "title": user.job_title or None,
        "preferredLanguage": user.language,
        "timezone": user.time_zone,
        "active": user.is_active,
        ENTERPRISE: {
            "employeeNumber": user.employee_id or None,
            "department": user.department.code if user.department else None,
        },
        "meta": {
            "resourceType": "User",
            "created": user.date_joined.isoformat(),
            "location": f"/scim/v2/Users/{user.pk}",
        },
    }


def _full_name(data: dict[str, Any]) -> str:
    name = data.get("name") or {}
    if not isinstance(name, dict):
        name = {}
    parts = [name.get("givenName"), name.get("familyName")]
    joined = " ".join(str(p) for p in parts if p)
    return str(name.get("formatted") or data.get("displayName") or joined or "").strip()


def _person_fields(data: dict[str, Any]) -> dict[str, Any]:
    """SCIM attributes → the fields ``accounts.services`` takes (only those given)."""
    fields: dict[str, Any] = {}
    if "userName" in data:
        fields["email"] = str(data["userName"] or "")
    if full_name := _full_name(data):
        fields["full_name"] = full_name
    simple = {
        "externalId": "external_id",
        "title": "job_title",
        "preferredLanguage": "language",
        "timezone": "time_zone",
    }
    for scim, field in simple.items():
        if scim in data:
            fields[field] = str(data[scim] or "")
    if "preferredLanguage" in fields and not fields.get("language"):
        fields.pop("language")
    enterprise = data.get(ENTERPRISE)
    if isinstance(enterprise, dict) and "employeeNumber" in enterprise:
        fields["employee_id"] = str(enterprise["employeeNumber"] or "")
    return fields


def _active(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def _user(pk: str) -> User:
    found: User | None = (
        User.objects.select_related("department").filter(pk=pk).first() if pk.isdigit() else None
    )
    if found is None:
        raise ScimError(404, f"No user {pk}.")
    return found


@scim_view
def users(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        start, count = _page(request)
        lookup = _filter(
            request,
            {
                "userName": "email__iexact",
                "externalId": "external_id",
                "emails.value": "email__iexact",
            },
        )
        found = User.objects.select_related("department").filter(**lookup).order_by("pk")
        total = found.count()
        rows = list(found[start - 1 : start - 1 + count])
        return _respond(_list([user_resource(u) for u in rows], total, start))
    if request.method != "POST":
        raise ScimError(405, "Use GET or POST.")
    data = _body(request)
    fields = _person_fields(data)
    if not fields.get("email"):
        raise ScimError(400, "userName (the e-mail address) is required.", "invalidValue")
    if User.objects.filter(email__iexact=fields["email"].strip()).exists():
        raise ScimError(409, "A user with this userName exists.", "uniqueness")
    fields.setdefault("full_name", fields["email"])
    try:
        with transaction.atomic():
            user = accounts.create_person(**fields)
            if "active" in data and not _active(data["active"]):
                accounts.deactivate_person(user)
    except IntegrityError as exc:
        raise ScimError(409, "A user with this userName exists.", "uniqueness") from exc
    return _respond(user_resource(_user(str(user.pk))), 201)


@transaction.atomic
def _apply_to_user(user: User, fields: dict[str, Any], active: bool | None) -> None:
    if fields:
        accounts.update_person(user, **fields)
    if active is False:
        accounts.deactivate_person(user)
    elif active is True:
        accounts.reactivate_person(user)


PATCH_PATHS = {
    "active",
    "userName",
    "displayName",
    "name.formatted",
    "name.givenName",
    "name.familyName",
    "title",
    "externalId",
    "preferredLanguage",
    "timezone",
    f"{ENTERPRISE}:employeeNumber",
}


def _user_patch(user: User, data: dict[str, Any]) -> None:
    if PATCH not in (data.get("schemas") or []):
        raise ScimError(400, "A PatchOp message is expected.", "invalidSyntax")
    merged: dict[str, Any] = {}
    given, family = "", ""
    for operation in data.get("Operations") or []:
        op = str(operation.get("op", "")).lower()
        if op not in {"add", "replace"}:
            raise ScimError(400, f"Operation {op!r} is not supported on users.", "invalidPath")
        target, value = operation.get("path"), operation.get("value")
        values = value if target is None and isinstance(value, dict) else {target: value}
        for attribute, item in values.items():
            if attribute not in PATCH_PATHS:
                raise ScimError(400, f"Attribute {attribute!r} cannot be changed.", "invalidPath")
            if attribute == "name.givenName":
                given = str(item or "")
            elif attribute == "name.familyName":
                family = str(item or "")
            elif attribute == "name.formatted":
                merged["name"] = {"formatted": item}
            elif attribute.startswith(ENTERPRISE):
                merged[ENTERPRISE] = {"employeeNumber": item}
            else:
                merged[attribute] = item
    if given or family:
        merged.setdefault("name", {"formatted": f"{given} {family}".strip()})
    active = _active(merged.pop("active")) if "active" in merged else None
    _apply_to_user(user, _person_fields(merged), active)


@scim_view
def user(request: HttpRequest, pk: str) -> HttpResponse:
    found = _user(pk)
    if request.method == "GET":
        return _respond(user_resource(found))
    if request.method == "DELETE":
        accounts.deactivate_person(found)
        return _respond(None, 204)
    if request.method == "PUT":
        data = _body(request)
        fields = _person_fields(data)
        active = _active(data["active"]) if "active" in data else None
        _apply_to_user(found, fields, active)
    elif request.method == "PATCH":
        _user_patch(found, _body(request))
    else:
        raise ScimError(405, "Use GET, PUT, PATCH or DELETE.")
    return _respond(user_resource(_user(pk)))


# ---- Groups ----------------------------------------------------------------------------


def group_resource(group: Group) -> dict[str, Any]:
    return {
        "schemas": [GROUP],
        "id": str(group.pk),
        "displayName": group.name,
        "members": [
            {"value": str(m.pk), "display": m.full_name, "$ref": f"/scim/v2/Users/{m.pk}"}
            for m in group.members.all()
        ],
        "meta": {
            "resourceType": "Group",
            "created": group.created_at.isoformat(),
            "location": f"/scim/v2/Groups/{group.pk}",
        },
    }


def _members(values: Any) -> list[User]:
    ids = [str(item.get("value", "")) for item in values or [] if isinstance(item, dict)]
    wanted = {int(i) for i in ids if i.isdigit()}
    found = list(User.objects.filter(pk__in=wanted))
    if len(found) != len(set(ids)):
        raise ScimError(400, "Some members are not known users.", "invalidValue")
    return found


def _group(pk: str) -> Group:
    found = (
        Group.objects.prefetch_related("members").filter(pk=pk).first() if pk.isdigit() else None
    )
    if found is None:
        raise ScimError(404, f"No group {pk}.")
    return found


@scim_view
def groups(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        start, count = _page(request)
        lookup = _filter(request, {"displayName": "name__iexact"})
        found = Group.objects.prefetch_related("members").filter(**lookup).order_by("pk")
        total = found.count()
        rows = list(found[start - 1 : start - 1 + count])
        return _respond(_list([group_resource(g) for g in rows], total, start))
    if request.method != "POST":
        raise ScimError(405, "Use GET or POST.")
    data = _body(request)
    name = str(data.get("displayName") or "").strip()
    if not name:
        raise ScimError(400, "displayName is required.", "invalidValue")
    if Group.objects.filter(name__iexact=name).exists():
        raise ScimError(409, "A group with this displayName exists.", "uniqueness")
    with transaction.atomic():
        group = accounts.save_group(None, name=name)
        accounts.add_group_members(group, _members(data.get("members")))
    return _respond(group_resource(_group(str(group.pk))), 201)


MEMBER_PATH = re.compile(r'^members\[value eq "(\d+)"\]$')


@transaction.atomic
def _group_patch(group: Group, data: dict[str, Any]) -> None:
    if PATCH not in (data.get("schemas") or []):
        raise ScimError(400, "A PatchOp message is expected.", "invalidSyntax")
    for operation in data.get("Operations") or []:
        op = str(operation.get("op", "")).lower()
        target, value = operation.get("path") or "", operation.get("value")
        if target == "members" and op == "add":
            accounts.add_group_members(group, _members(value))
        elif target == "members" and op == "remove":
            people = _members(value) if value else list(group.members.all())
            accounts.remove_group_members(group, people)
        elif (match := MEMBER_PATH.match(target)) and op == "remove":
            accounts.remove_group_members(group, User.objects.filter(pk=match.group(1)))
        elif target == "members" and op == "replace":
            _replace_members(group, _members(value))
        elif op == "replace" and (target == "displayName" or isinstance(value, dict)):
            name = value if target else (value or {}).get("displayName")
            if name:
                accounts.save_group(group, name=str(name), description=group.description)
        else:
            raise ScimError(400, f"Unsupported operation {op} on {target!r}.", "invalidPath")


def _replace_members(group: Group, people: list[User]) -> None:
    current = set(group.members.all())
    accounts.remove_group_members(group, current - set(people))
    accounts.add_group_members(group, set(people) - current)


@scim_view
def group(request: HttpRequest, pk: str) -> HttpResponse:
    found = _group(pk)
    if request.method == "GET":
        return _respond(group_resource(found))
    if request.method == "PATCH":
        _group_patch(found, _body(request))
    elif request.method == "PUT":
        data = _body(request)
        with transaction.atomic():
            if name := str(data.get("displayName") or "").strip():
                accounts.save_group(found, name=name, description=found.description)
            _replace_members(found, _members(data.get("members")))
    elif request.method == "DELETE":
        raise ScimError(
            400,
            "Groups are not deleted in Lectio (assignments refer to them); remove "
            "their members instead.",
            "mutability",
        )
    else:
        raise ScimError(405, "Use GET, PUT or PATCH.")
    return _respond(group_resource(_group(pk)))


# ---- Discovery -------------------------------------------------------------------------


@scim_view
def service_provider_config(request: HttpRequest) -> HttpResponse:
    return _respond(
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": {"supported": True},
            "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": True, "maxResults": MAX_RESULTS},
            "changePassword": {"supported": False},
            "sort": {"supported": False},
            "etag": {"supported": False},
            "authenticationSchemes": [
                {
                    "type": "oauthbearertoken",
                    "name": "API token",
                    "description": "A Lectio API token with the scim scope",
                    "primary": True,
                }
            ],
        }
    )


@scim_view
def resource_types(request: HttpRequest) -> HttpResponse:
    types: list[dict[str, Any]] = [
        {
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "schema": USER,
            "schemaExtensions": [{"schema": ENTERPRISE, "required": False}],
        },
        {"id": "Group", "name": "Group", "endpoint": "/Groups", "schema": GROUP},
    ]
    resources = [
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"], **t} for t in types
    ]
    return _respond(_list(resources, len(resources), 1))


urlpatterns = [
    path("Users", users, name="users"),
    path("Users/<str:pk>", user, name="user"),
    path("Groups", groups, name="groups"),
    path("Groups/<str:pk>", group, name="group"),
    path("ServiceProviderConfig", service_provider_config, name="config"),
    path("ResourceTypes", resource_types, name="resource_types"),
]
