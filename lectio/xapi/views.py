"""The xAPI resources at /xapi/ (xAPI 1.0.3 Part Three), as typed Django function views.

Every request goes through :func:`resource`: CORS preflight, the alternate request syntax
(``?method=`` with a form body), the version header, HTTP Basic client credentials and
scopes, and the spec's errors (400 naming the rule, 401, 403, 404, 409, 412). Handlers
receive an :class:`XRequest`, the same shape whichever syntax was used.
"""

import base64
import binascii
import hashlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from lectio.xapi import hooks, queries, services, validation
from lectio.xapi.models import Attachment, Document, LRSClient
from lectio.xapi.validation import StatementError

VERSION = "1.0.3"
VERSIONS = ["1.0.3", "1.0.2", "1.0.1", "1.0.0", "2.0.0"]
_ACCEPTED_VERSION = re.compile(r"^(1\.0(\.\d+)?|2\.0\.0)$")
_ALTERNATE_HEADERS = {
    "authorization",
    "x-experience-api-version",
    "content-type",
    "content-length",
    "if-match",
    "if-none-match",
}
_CORS_HEADERS = (
    "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match, "
    "X-Experience-API-Hash, Accept-Language"
)
_EXPOSED = "ETag, Last-Modified, X-Experience-API-Consistent-Through, X-Experience-API-Version"


class Unauthorized(Exception):
    pass


@dataclass
class XRequest:
    method: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes
    client: LRSClient = field(default_factory=LRSClient)
    version: str = VERSION

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def require(self, *scopes: str) -> None:
        if not self.client.has_scope(*scopes):
            raise PermissionDenied(f"this client needs one of the scopes: {', '.join(scopes)}")

    def only(self, *names: str) -> None:
        unknown = sorted(set(self.params) - set(names))
        if unknown:
            raise StatementError(unknown[0], "is not a parameter of this resource")


def _error(status: int, message: str) -> HttpResponse:
    return JsonResponse({"error": message}, status=status)


def _build(request: HttpRequest) -> XRequest:
    headers = {k.lower(): v for k, v in request.headers.items()}
    params = {k: request.GET[k] for k in request.GET}
    if "method" not in params:
        return XRequest(request.method or "GET", params, headers, request.body)
    # Alternate request syntax (Part Three 1.3): only ?method=, a form-encoded POST body
    # carrying the headers, the content and the resource's parameters.
    if request.method != "POST":
        raise StatementError("method", "the alternate syntax is a POST")
    if set(params) != {"method"}:
        raise StatementError(
            "method", "with the alternate syntax, method is the only query parameter"
        )
    method = params["method"].upper()
    if method not in ("GET", "PUT", "POST", "DELETE"):
        raise StatementError("method", "must be GET, PUT, POST or DELETE")
    if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise StatementError("Content-Type", "the alternate syntax needs a form-encoded body")
    form = request.POST
    fields: dict[str, str] = {}
    body = b""
    for key in form:
        if key.lower() in _ALTERNATE_HEADERS:
            headers[key.lower()] = form[key]
        elif key == "content":
            body = form[key].encode()
        else:
            fields[key] = form[key]
    headers.pop("content-length", None)
    if "content-type" not in {k.lower() for k in form}:
        headers["content-type"] = "application/json" if body else ""
    return XRequest(method, fields, headers, body)


def _authenticate(xreq: XRequest) -> LRSClient:
    header = xreq.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        raise Unauthorized
    try:
        key, _, secret = base64.b64decode(value.strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise Unauthorized from exc
    client = services.authenticate(key, secret)
    if client is None:
        raise Unauthorized
    return client


def _cors(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    # Content runs in the browser, on our origin or an isolated one; credentials are HTTP
    # Basic sent by the content itself, never cookies, so any origin may call.
    response["Access-Control-Allow-Origin"] = request.headers.get("Origin", "*")
    response["Access-Control-Allow-Methods"] = "GET, PUT, POST, DELETE, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = _CORS_HEADERS
    response["Access-Control-Expose-Headers"] = _EXPOSED
    response["Access-Control-Max-Age"] = "86400"
    response["Vary"] = "Origin"
    return response


def resource(
    handler: Callable[[XRequest], HttpResponse], *, public: bool = False
) -> Callable[[HttpRequest], HttpResponse]:
    @csrf_exempt
    @login_not_required
    def view(request: HttpRequest) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
        else:
            response = _handle(request, handler, public=public)
        response["X-Experience-API-Version"] = (
            "2.0.0" if request.headers.get("X-Experience-API-Version") == "2.0.0" else VERSION
        )
        return _cors(request, response)

    view.__name__ = handler.__name__
    return view


def _handle(
    request: HttpRequest, handler: Callable[[XRequest], HttpResponse], *, public: bool
) -> HttpResponse:
    try:
        xreq = _build(request)
        if not public:
            version = xreq.headers.get("x-experience-api-version", "")
            if not _ACCEPTED_VERSION.match(version):
                raise StatementError(
                    "X-Experience-API-Version", "the header is required: 1.0.x or 2.0.0"
                )
            xreq.version = version
            xreq.client = _authenticate(xreq)
        response = handler(xreq)
        if xreq.method == "HEAD" or request.method == "HEAD":
            response.content = b""
        return response
    except RequestDataTooBig:
        return _error(413, "the request is larger than this LRS accepts")
    except Unauthorized:
        response = _error(401, "send valid LRS client credentials (HTTP Basic key:secret)")
        response["WWW-Authenticate"] = 'Basic realm="Lectio LRS"'
        return response
    except StatementError as exc:
        return _error(400, str(exc))
    except PermissionDenied as exc:
        return _error(403, str(exc) or "not allowed")
    except services.Conflict as exc:
        return _error(409, str(exc))
    except services.PreconditionFailed as exc:
        return _error(412, str(exc))


def _method_not_allowed(allowed: str) -> HttpResponse:
    response = _error(405, f"allowed: {allowed}")
    response["Allow"] = allowed
    return response


# --- /xapi/about ---------------------------------------------------------------------


def _about(xreq: XRequest) -> HttpResponse:
    if xreq.method not in ("GET", "HEAD"):
        return _method_not_allowed("GET, HEAD")
    return JsonResponse({"version": VERSIONS, "extensions": {}})


about = resource(_about, public=True)


# --- /xapi/statements ----------------------------------------------------------------


def _split_multipart(body: bytes, content_type_header: str) -> list[tuple[dict[str, str], bytes]]:
    match = re.search(r'boundary="?([^";]+)"?', content_type_header)
    if not match:
        raise StatementError("Content-Type", "multipart/mixed needs a boundary")
    delimiter = b"--" + match.group(1).encode()
    sections = body.split(delimiter)
    if len(sections) < 3 or not sections[-1].startswith(b"--"):
        raise StatementError("Content-Type", "the multipart/mixed body is malformed")
    parts = []
    for section in sections[1:-1]:
        section = section.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, separator, content = section.partition(b"\r\n\r\n")
        if not separator:
            head, content = (b"", head[2:]) if head.startswith(b"\r\n") else (head, b"")
        headers = {}
        for line in head.decode("latin-1").split("\r\n"):
            name, _, value = line.partition(":")
            if name.strip():
                headers[name.strip().lower()] = value.strip()
        parts.append((headers, content))
    return parts


def _parse_statements_body(xreq: XRequest) -> tuple[Any, dict[str, services.Part]]:
    content_type = xreq.content_type
    parts: dict[str, services.Part] = {}
    raw = xreq.body
    if content_type == "multipart/mixed":
        sections = _split_multipart(raw, xreq.headers.get("content-type", ""))
        first_headers, raw = sections[0]
        if first_headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise StatementError("multipart", "the first part must be application/json statements")
        for headers, content in sections[1:]:
            declared = headers.get("x-experience-api-hash")
            if not declared:
                raise StatementError(
                    "multipart", "each attachment part needs X-Experience-API-Hash"
                )
            if headers.get("content-transfer-encoding", "").lower() != "binary":
                raise StatementError(
                    "multipart", "attachment parts need Content-Transfer-Encoding: binary"
                )
            if not _matches_sha2(content, declared):
                raise StatementError(
                    "multipart", f"the part's content does not match its hash {declared}"
                )
            parts[declared.lower()] = services.Part(
                headers.get("content-type", "application/octet-stream"), content
            )
    elif content_type != "application/json":
        raise StatementError("Content-Type", "statements are application/json or multipart/mixed")
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise StatementError("body", f"is not valid JSON: {exc}") from exc
    return value, parts


def _matches_sha2(content: bytes, declared: str) -> bool:
    algorithms = {56: "sha224", 64: "sha256", 96: "sha384", 128: "sha512"}
    name = algorithms.get(len(declared))
    return name is not None and hashlib.new(name, content).hexdigest() == declared.lower()


def _statements(xreq: XRequest) -> HttpResponse:
    if xreq.method == "PUT":
        xreq.require("statements/write")
        xreq.only("statementId")
        if "statementId" not in xreq.params:
            raise StatementError("statementId", "is required to PUT a statement")
        value, parts = _parse_statements_body(xreq)
        if not isinstance(value, dict):
            raise StatementError("statement", "PUT takes one statement (a JSON object)")
        services.store_statements(
            [value], client=xreq.client, parts=parts, version=xreq.version,
            statement_id=xreq.params["statementId"], owned=True,
        )  # fmt: skip
        return HttpResponse(status=204)
    if xreq.method == "POST":
        xreq.require("statements/write")
        xreq.only()
        value, parts = _parse_statements_body(xreq)
        batch = value if isinstance(value, list) else [value]
        ids = services.store_statements(
            batch, client=xreq.client, parts=parts, version=xreq.version, owned=True
        )
        return JsonResponse(ids, safe=False)
    if xreq.method in ("GET", "HEAD"):
        xreq.require("statements/read", "statements/read/mine", "all/read")
        return _get_statements(xreq)
    return _method_not_allowed("GET, HEAD, PUT, POST")


def _languages(xreq: XRequest) -> list[str]:
    header = xreq.headers.get("accept-language", "")
    ranked = []
    for item in header.split(","):
        tag, _, q = item.strip().partition(";q=")
        if tag and tag != "*":
            ranked.append((float(q) if re.match(r"^[0-9.]+$", q) else 1.0, tag.lower()))
    return [tag for _, tag in sorted(ranked, key=lambda pair: -pair[0])]


def _get_statements(xreq: XRequest) -> HttpResponse:
    params = dict(xreq.params)
    through = queries.consistent_through()
    single = {"statementId", "voidedStatementId"} & set(params)
    if single:
        if len(single) > 1 or set(params) - single - {"format", "attachments"}:
            raise StatementError(
                single.pop(), "only format and attachments may be sent with a statement id"
            )
        query = queries.parse_query({k: v for k, v in params.items() if k not in single})
        voided = "voidedStatementId" in params
        row = queries.get_statement(params[single.pop()], xreq.client, voided=voided)
        if row is None:
            return _error(404, "no such statement")
        statements = queries.formatted([row], query.format, _languages(xreq))
        response = _statement_response(statements[0], query.attachments)
        response["Last-Modified"] = http_date(row.stored.timestamp())
    else:
        if "more" in params:
            if set(params) != {"more"}:
                raise StatementError("more", "is sent alone")
            query, rows, more = queries.continue_query(params["more"], xreq.client)
        else:
            query = queries.parse_query(params)
            rows, more = queries.run_query(query, xreq.client)
        link = f"/xapi/statements?more={more}" if more else ""
        if query.format == "exact" and not query.attachments:
            # The stored JSON text spliced in as it is, not decoded and encoded again.
            body = '{"statements": [' + ", ".join(queries.exact_texts(rows)) + "], "
            body += f'"more": {json.dumps(link)}}}'
            response = HttpResponse(body, content_type="application/json")
        else:
            statements = queries.formatted(rows, query.format, _languages(xreq))
            result = {"statements": statements, "more": link}
            response = _statement_response(result, query.attachments)
    response["X-Experience-API-Consistent-Through"] = through.isoformat()
    return response


def _statement_response(result: Any, attachments: bool) -> HttpResponse:
    if not attachments:
        return JsonResponse(result, safe=False)
    listed = result.get("statements", [result])
    hashes = queries.attachment_hashes(listed)
    stored = {a.sha2: a for a in Attachment.objects.filter(sha2__in=hashes)}
    boundary = secrets.token_hex(16)
    chunks = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        json.dumps(result).encode(),
    ]
    for sha2 in hashes:
        if sha2 in stored:
            item = stored[sha2]
            chunks.append(
                f"\r\n--{boundary}\r\nContent-Type: {item.content_type}\r\n"
                "Content-Transfer-Encoding: binary\r\n"
                f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode()
            )
            chunks.append(bytes(item.content))
    chunks.append(f"\r\n--{boundary}--\r\n".encode())
    return HttpResponse(b"".join(chunks), content_type=f'multipart/mixed; boundary="{boundary}"')


statements = resource(_statements)


# --- documents -----------------------------------------------------------------------


def _since(xreq: XRequest) -> datetime | None:
    return validation.timestamp(xreq.params["since"], "since") if "since" in xreq.params else None


def _document_response(document: Document) -> HttpResponse:
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["ETag"] = f'"{document.etag}"'
    response["Last-Modified"] = http_date(document.updated.timestamp())
    return response


def _documents(
    xreq: XRequest, key: services.DocumentKey, id_name: str, *, profile: bool
) -> HttpResponse:
    document_id = xreq.params.get(id_name)
    if_match = xreq.headers.get("if-match")
    if_none_match = xreq.headers.get("if-none-match")
    if xreq.method in ("GET", "HEAD"):
        if document_id is None:
            return JsonResponse(services.list_documents(key, _since(xreq)), safe=False)
        if "since" in xreq.params:
            raise StatementError("since", f"is only for listing, not with {id_name}")
        document = services.get_document(key, document_id)
        if document is None:
            return _error(404, "no such document")
        return _document_response(document)
    if xreq.method in ("PUT", "POST"):
        if document_id is None:
            raise StatementError(id_name, f"is required to {xreq.method} a document")
        if "since" in xreq.params:
            raise StatementError("since", "is only for listing")
        hooks.document_changing(key, document_id, xreq.client)
        document = services.put_document(
            key, document_id, xreq.body, xreq.headers.get("content-type", ""),
            merge=xreq.method == "POST", if_match=if_match, if_none_match=if_none_match,
            require_precondition=profile and xreq.method == "PUT",
        )  # fmt: skip
        response = HttpResponse(status=204)
        response["ETag"] = f'"{document.etag}"'
        return response
    if xreq.method == "DELETE":
        if "since" in xreq.params:
            raise StatementError("since", "is only for listing")
        if document_id is None and profile:
            raise StatementError(id_name, "is required to DELETE a profile")
        hooks.document_changing(key, document_id, xreq.client)
        services.delete_documents(key, document_id, if_match=if_match)
        return HttpResponse(status=204)
    return _method_not_allowed("GET, HEAD, PUT, POST, DELETE")


def _read_or(xreq: XRequest, scope: str) -> None:
    if xreq.method in ("GET", "HEAD"):
        xreq.require(scope, "all/read")
    else:
        xreq.require(scope)


def _state(xreq: XRequest) -> HttpResponse:
    _read_or(xreq, "state")
    xreq.only("activityId", "agent", "registration", "stateId", "since")
    if "activityId" not in xreq.params:
        raise StatementError("activityId", "is required")
    agent = queries.parse_agent(xreq.params.get("agent"))
    key = services.state_key(xreq.params["activityId"], agent, xreq.params.get("registration"))
    if xreq.client.actor and validation.canonical_ifi(agent) != validation.canonical_ifi(
        xreq.client.actor
    ):
        raise PermissionDenied("this credential may only use its own actor's state")
    return _documents(xreq, key, "stateId", profile=False)


def _activity_profile(xreq: XRequest) -> HttpResponse:
    _read_or(xreq, "profile")
    xreq.only("activityId", "profileId", "since")
    activity_id = validation.iri(xreq.params.get("activityId"), "activityId")
    key = services.DocumentKey(Document.ACTIVITY_PROFILE, activity_id=activity_id)
    return _documents(xreq, key, "profileId", profile=True)


def _agent_profile(xreq: XRequest) -> HttpResponse:
    xreq.only("agent", "profileId", "since")
    agent = queries.parse_agent(xreq.params.get("agent"))
    own = xreq.client.actor and validation.canonical_ifi(agent) == validation.canonical_ifi(
        xreq.client.actor
    )
    # A credential for one actor (cmi5 fetch) reads that actor's profile (cmi5 learner
    # preferences) without the profile scope; writing needs the scope.
    if not (own and xreq.method in ("GET", "HEAD")):
        _read_or(xreq, "profile")
    key = services.DocumentKey(
        Document.AGENT_PROFILE, agent_ifi=validation.canonical_ifi(agent) or ""
    )
    return _documents(xreq, key, "profileId", profile=True)


def _activities(xreq: XRequest) -> HttpResponse:
    if xreq.method not in ("GET", "HEAD"):
        return _method_not_allowed("GET, HEAD")
    xreq.only("activityId")
    if "activityId" not in xreq.params:
        raise StatementError("activityId", "is required")
    return JsonResponse(queries.activity_definition(xreq.params["activityId"]))


def _agents(xreq: XRequest) -> HttpResponse:
    if xreq.method not in ("GET", "HEAD"):
        return _method_not_allowed("GET, HEAD")
    xreq.only("agent")
    return JsonResponse(queries.person(queries.parse_agent(xreq.params.get("agent"))))


state = resource(_state)
activity_profile = resource(_activity_profile)
agent_profile = resource(_agent_profile)
activities = resource(_activities)
agents = resource(_agents)
