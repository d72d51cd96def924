"""The LRS's write surface: clients and credentials, storing statements, documents.

Other apps call these (``learning`` records the platform's own statements with
:func:`store_statements`; ``scorm``/cmi5 use :func:`get_state`/:func:`put_state` and
:func:`issue_temporary_credential`). Every function is one transaction.
"""

import base64
import copy
import functools
import hashlib
import json
import secrets
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from lectio.accounts.models import User
from lectio.xapi import hooks, signatures, validation
from lectio.xapi.models import (
    SCOPES,
    Activity,
    Attachment,
    Document,
    LRSClient,
    Statement,
    StatementLink,
    hash_secret,
)
from lectio.xapi.validation import StatementError

CACHE_SECONDS = 60
_IGNORED_IN_COMPARISON = ("stored", "authority", "version")


class Conflict(Exception):
    """409: the request contradicts what is stored (xAPI: same id, other content)."""


class PreconditionFailed(Exception):
    """412: If-Match / If-None-Match did not hold."""


# --- clients and credentials ---------------------------------------------------------


def _check_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(unknown)}")
    return sorted(set(scopes))


def create_client(
    name: str, *, scopes: list[str] | None = None, by: User | None = None
) -> tuple[LRSClient, str]:
    """A new client; returns it and its secret, which is never stored or shown again."""
    secret = secrets.token_urlsafe(32)
    client = LRSClient.objects.create(
        name=name.strip() or "LRS client",
        key=secrets.token_hex(16),
        secret_hash=hash_secret(secret),
        scopes=_check_scopes(scopes or ["statements/write", "statements/read/mine"]),
        created_by=by,
    )
    return client, secret


def set_client_active(client: LRSClient, active: bool) -> None:
    client.is_active = active
    client.save(update_fields=["is_active"])
    LRSClient.objects.filter(parent=client).update(is_active=active)
    cache.delete_many([_cache_key(client.key)] + [_cache_key(k) for k in _child_keys(client)])


def _child_keys(client: LRSClient) -> list[str]:
    return list(LRSClient.objects.filter(parent=client).values_list("key", flat=True))


def issue_temporary_credential(
    parent: LRSClient,
    *,
    actor: dict[str, Any] | None = None,
    scopes: list[str] | None = None,
    lifetime: timedelta = timedelta(hours=8),
) -> tuple[LRSClient, str]:
    """A short-lived credential speaking with ``parent``'s authority (cmi5 ``fetch``).

    Returns the credential and its ``auth-token`` (base64 of key:secret, as cmi5 wants).
    """
    secret = secrets.token_urlsafe(32)
    wanted = _check_scopes(scopes or ["statements/write", "statements/read/mine", "state"])
    client = LRSClient.objects.create(
        name=f"{parent.name} (temporary)",
        key=secrets.token_hex(16),
        secret_hash=hash_secret(secret),
        scopes=wanted,
        parent=parent,
        expires_at=timezone.now() + lifetime,
        actor=actor,
    )
    token = base64.b64encode(f"{client.key}:{secret}".encode()).decode()
    return client, token


def end_temporary_credential(key: str, at: datetime) -> None:
    """A temporary credential stops working at ``at`` (cmi5: the fetch URL's token "MUST
    be limited to the duration of the session"). Only ever shortens its life."""
    LRSClient.objects.filter(key=key, parent__isnull=False).filter(
        Q(expires_at=None) | Q(expires_at__gt=at)
    ).update(expires_at=at)
    cache.delete(_cache_key(key))
    transaction.on_commit(lambda: cache.delete(_cache_key(key)))


PLATFORM_KEY = "lectio-platform"


_PLATFORM_CACHE = "xapi:platform-client"


def platform_client() -> LRSClient:
    """The client the platform's own statements are stored with (its authority names
    Lectio); it has no usable secret, so nothing outside can speak as it. Cached once its
    row is committed (the heartbeat should not look it up every time)."""
    cached: LRSClient | None = cache.get(_PLATFORM_CACHE)
    if cached is not None:
        return cached
    client, _ = LRSClient.objects.get_or_create(
        key=PLATFORM_KEY,
        defaults={
            "name": "Lectio",
            "secret_hash": hash_secret(secrets.token_urlsafe(32)),
            "scopes": ["all"],
        },
    )
    transaction.on_commit(lambda: cache.set(_PLATFORM_CACHE, client, 3600))
    return client


def record_statements(statements: list[dict[str, Any]]) -> list[str]:
    """Store statements of the platform's own activity (the one write path calls this
    inside its transaction); the same rules as for any client, except that a statement
    whose id is already stored is skipped whatever its content: the platform derives ids
    from the event (a replayed report, a second launch the same day), so the first wins."""
    return store_statements(statements, client=platform_client(), keep_existing=True)


def _cache_key(key: str) -> str:
    return f"xapi:client:{key}"


def authenticate(key: str, secret: str) -> LRSClient | None:
    """The active client with this key and secret, or None. One cache read when warm."""
    client: LRSClient | None = cache.get(_cache_key(key))
    if client is None:
        client = LRSClient.objects.select_related("parent").filter(key=key).first()
        if client is None:
            return None
        cache.set(_cache_key(key), client, CACHE_SECONDS)
    if not secrets.compare_digest(client.secret_hash, hash_secret(secret)):
        return None
    if not client.is_active or (client.expires_at and client.expires_at <= timezone.now()):
        return None
    return client


# --- statements ----------------------------------------------------------------------


@dataclass
class Part:
    """An attachment's content received in a multipart/mixed request."""

    content_type: str
    content: bytes


def _comparable(body: dict[str, Any], *, timestamp: bool = True) -> dict[str, Any]:
    """A statement less what Statement Comparison ignores (Part Two 2.3.1): what the LRS
    assigns, the timestamp's serialisation, activity definitions, verb display, the order
    of a Group's members and the case of an e-mail address."""
    data: dict[str, Any] = json.loads(json.dumps(body))
    for key in (*_IGNORED_IN_COMPARISON, "id"):
        data.pop(key, None)
    if "timestamp" in data:
        if timestamp:
            data["timestamp"] = validation.timestamp(data["timestamp"], "timestamp").timestamp()
        else:
            del data["timestamp"]
    data["verb"] = {"id": data["verb"]["id"]}

    def agent(value: dict[str, Any]) -> dict[str, Any]:
        if "mbox" in value:
            value["mbox"] = value["mbox"].lower()
        if "member" in value:
            members = [agent(m) for m in value["member"]]
            value["member"] = sorted(members, key=lambda m: json.dumps(m, sort_keys=True))
        return value

    data["actor"] = agent(data["actor"])
    target = data["object"]
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        data["object"] = {"objectType": "Activity", "id": target["id"]}
    elif kind in ("Agent", "Group"):
        data["object"] = agent(target)
    elif kind == "SubStatement":
        data["object"] = {**_comparable(target, timestamp=timestamp), "objectType": kind}
    context = data.get("context", {})
    for key, listed in context.get("contextActivities", {}).items():
        items = listed if isinstance(listed, list) else [listed]
        context["contextActivities"][key] = [item["id"] for item in items]
    for key in ("instructor", "team"):
        if key in context:
            context[key] = agent(context[key])
    return data


def _same(stored: dict[str, Any], received: dict[str, Any]) -> bool:
    both = "timestamp" in received
    left, right = _comparable(stored, timestamp=both), _comparable(received, timestamp=both)
    return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)


def _agents(data: dict[str, Any]) -> list[dict[str, Any]]:
    """An agent or group and, for a group, its members."""
    return [data, *data.get("member", [])]


def _members(data: dict[str, Any]) -> set[str]:
    """The members of a Group actor or object (the ``agent`` filter matches them)."""
    found = set()
    for item in (data["actor"], data["object"]):
        if item.get("objectType") == "Group":
            found |= {validation.canonical_ifi(m) or "" for m in item.get("member", [])}
    return found - {""}


def _links(data: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Every agent IFI and activity id in a statement (and its sub-statement)."""
    agents: list[dict[str, Any]] = []
    activities: set[str] = set()

    def walk(body: dict[str, Any]) -> None:
        agents.extend(_agents(body["actor"]))
        target = body["object"]
        kind = target.get("objectType", "Activity")
        if kind == "Activity":
            activities.add(target["id"])
        elif kind in ("Agent", "Group"):
            agents.extend(_agents(target))
        elif kind == "SubStatement":
            walk(target)
        context = body.get("context", {})
        for key in ("instructor", "team"):
            if key in context:
                agents.extend(_agents(context[key]))
        for listed in context.get("contextActivities", {}).values():
            for item in listed:
                activities.add(item["id"])

    walk(data)  # the authority is found by the statement's client, not a link per statement
    ifis = {ifi for ifi in (validation.canonical_ifi(a) for a in agents) if ifi}
    return ifis, activities


def _normalise(data: dict[str, Any]) -> None:
    """contextActivities values are always arrays once stored (xAPI 2.4.6.2)."""
    for body in (
        data,
        data["object"] if data["object"].get("objectType") == "SubStatement" else {},
    ):
        activities = body.get("context", {}).get("contextActivities")
        if activities:
            for key, value in list(activities.items()):
                if isinstance(value, dict):
                    activities[key] = [value]


def _merge_definition(
    activity_id: str, definition: dict[str, Any], now: datetime, *, remember: bool = False
) -> None:
    """Merge ``definition`` into the activity's canonical one. ``remember`` (the
    platform's own statements, which repeat the same definitions on every launch): once
    merged and committed, the same definition is not merged again for an hour."""
    key = ""
    if remember:
        digest = hashlib.sha256(json.dumps([activity_id, definition], sort_keys=True).encode())
        key = f"xapi:definition:{digest.hexdigest()}"
        if cache.get(key):
            return
        transaction.on_commit(lambda: cache.set(key, True, 3600))
    row, created = Activity.objects.select_for_update().get_or_create(
        activity_id=activity_id, defaults={"definition": definition, "updated": now}
    )
    if created:
        return
    merged = copy.deepcopy(row.definition)
    for key, value in definition.items():
        if key in ("name", "description") and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    if merged != row.definition:
        row.definition, row.updated = merged, now
        row.save(update_fields=["definition", "updated"])


def _activities_with_definitions(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    bodies = [data]
    if data["object"].get("objectType") == "SubStatement":
        bodies.append(data["object"])
    for body in bodies:
        items = [body["object"]]
        for listed in body.get("context", {}).get("contextActivities", {}).values():
            items.extend(listed)
        for item in items:
            if item.get("objectType", "Activity") == "Activity" and item.get("definition"):
                found[item["id"]] = item["definition"]
    return found


def store_statements(
    statements: list[Any],
    *,
    client: LRSClient,
    parts: dict[str, Part] | None = None,
    version: str = "1.0.3",
    statement_id: str | None = None,
    keep_existing: bool = False,
    owned: bool = False,
) -> list[str]:
    """Validate and store statements in one transaction; returns their ids in order.

    ``owned``: the statements were parsed for this call alone (a request's body) and may
    be completed in place; otherwise they are copied first, the caller's left as given.

    Raises :class:`StatementError` (400) naming the rule broken and :class:`Conflict` (409)
    when an id is already stored with other content. Statements already stored with the
    same content are a no-op. ``authority`` is always the client's; ``stored``, ``id``,
    ``timestamp`` and ``version`` are filled in.
    """
    parts = parts or {}
    if not isinstance(statements, list) or not statements:
        raise StatementError("statements", "send a statement or a non-empty array of them")
    received: list[dict[str, Any]] = []
    for index, item in enumerate(statements):
        path = "statement" if len(statements) == 1 else f"statements[{index}]"
        received.append(validation.statement(item, path, version=version))
    if statement_id is not None:
        statement_id = validation.uuid_string(statement_id, "statementId")
        if "id" in received[0] and validation.uuid_string(received[0]["id"], "id") != statement_id:
            raise StatementError("statement.id", "must match the statementId parameter")
        received[0] = {**received[0], "id": statement_id}
    if client.actor:
        for data in received:
            if validation.canonical_ifi(data["actor"]) != validation.canonical_ifi(client.actor):
                raise StatementError(
                    "statement.actor", "this credential may only send for its actor"
                )
    ids = [str(uuid.UUID(d["id"])) if "id" in d else str(uuid.uuid4()) for d in received]
    if len(set(ids)) != len(ids):
        raise Conflict("the batch contains the same statement id twice")
    _check_attachments(received, parts)
    now = timezone.now()
    authority = client.authority()
    stored_version = "2.0.0" if version.startswith("2.") else "1.0.0"
    try:
        with transaction.atomic():
            # One query finds the ids already stored and voiding statements that arrived
            # before their target; ids the LRS made up just now are new to both.
            given = [sid for sid, data in zip(ids, received, strict=True) if "id" in data]
            found = (
                Statement.objects.filter(
                    Q(statement_id__in=given)
                    | Q(object_statement__in=given, verb_id=validation.VOIDED)
                )
                if given
                else Statement.objects.none()
            )
            existing: dict[str, Statement] = {}
            late: set[str] = set()
            for row in found:
                if str(row.statement_id) in ids:
                    existing[str(row.statement_id)] = row
                if row.object_statement is not None and row.verb_id == validation.VOIDED:
                    late.add(str(row.object_statement))
            rows: list[dict[str, Any]] = []
            link_sets: list[tuple[set[str], set[str], set[str]]] = []
            voiding: dict[str, str] = {}
            for statement_uuid, original in zip(ids, received, strict=True):
                if statement_uuid in existing:
                    if keep_existing:
                        continue
                    if not _same(existing[statement_uuid].data, {**original, "id": statement_uuid}):
                        raise Conflict(f"statement {statement_uuid} is stored with other content")
                    continue
                data = original if owned else json.loads(json.dumps(original))  # deep copy
                _normalise(data)
                data["id"] = statement_uuid
                data.setdefault("timestamp", now.isoformat())
                data["stored"] = now.isoformat()
                data["authority"] = authority
                data.setdefault("version", stored_version)
                rows.append(_columns(data, now, client))
                link_sets.append((*_links(data), _members(data)))
                if data["verb"]["id"] == validation.VOIDED:
                    voiding[statement_uuid] = str(uuid.UUID(data["object"]["id"]))
            if not rows and keep_existing:
                return ids
            write_rows(rows, link_sets)
            _void(voiding)
            late &= {str(row["statement_id"]) for row in rows}
            if late:
                Statement.objects.filter(statement_id__in=late).exclude(
                    verb_id=validation.VOIDED
                ).update(voided=True)
            _store_parts(parts)
            if rows:
                hooks.statements_stored([row["data"] for row in rows], client)
            if client.has_scope("define"):
                for data in (row["data"] for row in rows):
                    for activity_id, definition in _activities_with_definitions(data).items():
                        _merge_definition(
                            activity_id, definition, now, remember=client.key == PLATFORM_KEY
                        )
    except IntegrityError as exc:  # a concurrent request stored the same id first
        raise Conflict("a statement with this id was stored concurrently") from exc
    return ids


def _columns(data: dict[str, Any], now: datetime, client: LRSClient) -> dict[str, Any]:
    """A statement's row: the statement as stored plus the columns the queries filter on."""
    target = data["object"]
    kind = target.get("objectType", "Activity")
    return {
        "statement_id": data["id"],
        "data": data,
        "stored": now,
        "timestamp": validation.timestamp(data["timestamp"], "timestamp"),
        "actor_ifi": validation.canonical_ifi(data["actor"]) or "",
        "verb_id": data["verb"]["id"],
        "object_type": kind,
        "object_activity": target["id"] if kind == "Activity" else "",
        "object_ifi": (validation.canonical_ifi(target) or "")
        if kind in ("Agent", "Group")
        else "",
        "object_statement": target["id"] if kind == "StatementRef" else None,
        "registration": data.get("context", {}).get("registration"),
        "voided": False,
        "client_id": client.authority_client.pk,
    }


_STATEMENT_COLUMNS = (
    "statement_id",
    "data",
    "stored",
    "timestamp",
    "actor_ifi",
    "verb_id",
    "object_type",
    "object_activity",
    "object_ifi",
    "object_statement",
    "registration",
    "voided",
    "client_id",
)


_COPY_FROM = 10  # rows; fewer go in one INSERT each (COPY costs two more round trips)


def write_rows(
    rows: list[dict[str, Any]], link_sets: list[tuple[set[str], set[str], set[str]]]
) -> None:
    """Insert statement rows (from :func:`_columns`) and their links, in the caller's
    transaction. Batches on PostgreSQL go with ``COPY`` (decision 169): the rows' keys are
    drawn from the sequence first, then both tables are streamed, where an ``INSERT`` of
    the same rows spends most of its time quoting parameters in Python."""
    if not rows:
        return
    if connection.vendor != "postgresql" or len(rows) < _COPY_FROM:
        objects = Statement.objects.bulk_create([Statement(**row) for row in rows])
        _store_links([row.pk for row in objects], link_sets)
        return
    table = Statement._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'seq')) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        keys = sorted(key for (key,) in cursor.fetchall())
        columns = ", ".join(("seq", *_STATEMENT_COLUMNS))
        statements = (
            (key, *(json.dumps(row[c]) if c == "data" else row[c] for c in _STATEMENT_COLUMNS))
            for key, row in zip(keys, rows, strict=True)
        )
        _copy(cursor, f"COPY {table} ({columns}) FROM STDIN", statements)
        links = ((key, *link) for key, link in _link_rows(keys, link_sets))
        _copy(
            cursor,
            f"COPY {StatementLink._meta.db_table} (statement_id, kind, value) FROM STDIN",
            links,
        )


def _copy(cursor: Any, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
    """``COPY … FROM STDIN`` on psycopg's own cursor, seen as one query by Django's execute
    wrappers and query log (the query counts of tests and of ``LECTIO_BENCH``)."""

    def stream(sql: str, params: Any, many: bool, context: dict[str, Any]) -> None:
        with cursor.cursor.copy(sql) as copy_in:
            for row in rows:
                copy_in.write_row(row)

    executor: Callable[..., None] = stream
    for wrapper in reversed(connection.execute_wrappers):
        executor = functools.partial(wrapper, executor)
    with connection.wrap_database_errors:
        executor(sql, None, False, {"connection": connection, "cursor": cursor})
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": "0.000"})


def _link_rows(
    keys: list[int], link_sets: list[tuple[set[str], set[str], set[str]]]
) -> Iterator[tuple[int, tuple[str, str]]]:
    for key, (agents, activities, members) in zip(keys, link_sets, strict=True):
        for kind, values in (
            (StatementLink.MEMBER, members),
            (StatementLink.AGENT, agents),
            (StatementLink.ACTIVITY, activities),
        ):
            for value in values:
                yield key, (kind, value)


def _void(voiding: dict[str, str]) -> None:
    """Voiding statements cannot be voided; a target may arrive later (xAPI 2.3.2)."""
    if not voiding:
        return
    if set(voiding.values()) & set(voiding):
        raise StatementError("statement.object", "a voiding statement cannot be voided")
    targets = Statement.objects.filter(statement_id__in=set(voiding.values()))
    if targets.filter(verb_id=validation.VOIDED).exists():
        raise StatementError("statement.object", "a voiding statement cannot be voided")
    targets.update(voided=True)


def _store_links(keys: list[int], link_sets: list[tuple[set[str], set[str], set[str]]]) -> None:
    _insert(
        StatementLink,
        [
            StatementLink(statement_id=key, kind=kind, value=value)
            for key, (kind, value) in _link_rows(keys, link_sets)
        ],
    )


_CHUNK = 200


def _insert(model: type[models.Model], objects: list[Any]) -> None:
    """Multi-row ``INSERT … VALUES``, values prepared by each field as the ORM does: one
    statement per 200 rows, where ``executemany`` sent one per row."""
    if not objects:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]  # automatic keys
    columns = ", ".join(connection.ops.quote_name(f.column or f.name) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(objects), _CHUNK):
            chunk = objects[start : start + _CHUNK]
            values = ", ".join([row] * len(chunk))
            params = [
                f.get_db_prep_save(getattr(o, f.attname), connection) for o in chunk for f in fields
            ]
            cursor.execute(f"INSERT INTO {meta.db_table} ({columns}) VALUES {values}", params)  # noqa: S608 - our own table and column names


def _check_attachments(received: list[dict[str, Any]], parts: dict[str, Part]) -> None:
    """Each attachment without fileUrl has its content; each part is declared; signatures
    are valid JWS of the statement (xAPI 2.4.11, 2.6)."""
    declared: set[str] = set()
    for index, data in enumerate(received):
        path = "statement" if len(received) == 1 else f"statements[{index}]"
        for number, item in enumerate(data.get("attachments", [])):
            declared.add(item["sha2"])
            if "fileUrl" not in item and item["sha2"] not in parts:
                raise StatementError(
                    f"{path}.attachments[{number}]",
                    "no fileUrl and no multipart part with this sha2 (X-Experience-API-Hash)",
                )
            if item["usageType"] == validation.SIGNATURE:
                part = parts.get(item["sha2"])
                if part is None:
                    raise StatementError(
                        f"{path}.attachments[{number}]", "a signature must be sent as a part"
                    )
                if part.content_type.split(";")[0].strip() != "application/octet-stream":
                    raise StatementError(
                        f"{path}.attachments[{number}]",
                        "a signature part must be application/octet-stream",
                    )
                signatures.verify(data, part.content, f"{path}.attachments[{number}]")
        target = data["object"]
        if target.get("objectType") == "SubStatement":
            for number, item in enumerate(target.get("attachments", [])):
                declared.add(item["sha2"])
                if "fileUrl" not in item and item["sha2"] not in parts:
                    raise StatementError(
                        f"{path}.object.attachments[{number}]",
                        "no fileUrl and no multipart part with this sha2 (X-Experience-API-Hash)",
                    )
    extra = sorted(set(parts) - declared)
    if extra:
        raise StatementError("attachments", f"parts not declared by any statement: {extra[0]}")


def _store_parts(parts: dict[str, Part]) -> None:
    if not parts:  # most requests: no attachment content (building the query costs)
        return
    known = set(Attachment.objects.filter(sha2__in=list(parts)).values_list("sha2", flat=True))
    Attachment.objects.bulk_create(
        [
            Attachment(sha2=sha2, content_type=part.content_type, content=part.content)
            for sha2, part in parts.items()
            if sha2 not in known
        ],
        ignore_conflicts=True,
    )


def sha2(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- documents (State, Activity Profile, Agent Profile) ------------------------------


@dataclass(frozen=True)
class DocumentKey:
    kind: str
    activity_id: str = ""
    agent_ifi: str = ""
    registration: str = ""

    def filter(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "activity_id": self.activity_id,
            "agent_ifi": self.agent_ifi,
            "registration": self.registration,
        }


def state_key(
    activity_id: str, agent: dict[str, Any], registration: str | None = None
) -> DocumentKey:
    """The key of one learner's state for one activity (and registration)."""
    validation.iri(activity_id, "activityId")
    validation.actor(agent, "agent")
    ifi = validation.canonical_ifi(agent) or ""
    reg = validation.uuid_string(registration, "registration") if registration else ""
    return DocumentKey(Document.STATE, activity_id, ifi, reg)


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content).hexdigest()  # noqa: S324 - the spec's ETag is a SHA-1


def get_document(key: DocumentKey, document_id: str) -> Document | None:
    return Document.objects.filter(**key.filter(), document_id=document_id).first()


def list_documents(key: DocumentKey, since: datetime | None = None) -> list[str]:
    rows = Document.objects.filter(**key.filter())
    if since is not None:
        rows = rows.filter(updated__gt=since)
    return list(rows.order_by("document_id").values_list("document_id", flat=True))


def _precondition(
    current: Document | None, if_match: str | None, if_none_match: str | None
) -> None:
    if if_match is not None:
        tags = {t.strip().strip('"') for t in if_match.split(",")}
        if current is None or ("*" not in tags and current.etag not in tags):
            raise PreconditionFailed("If-Match does not match the document's ETag")
    if if_none_match is not None and current is not None:
        tags = {t.strip().strip('"') for t in if_none_match.split(",")}
        if "*" in tags or current.etag in tags:
            raise PreconditionFailed("If-None-Match: the document exists")


def _json_object(content: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise StatementError(what, "must be a JSON object to be merged") from exc
    if not isinstance(value, dict):
        raise StatementError(what, "must be a JSON object to be merged")
    return value


def put_document(
    key: DocumentKey,
    document_id: str,
    content: bytes,
    content_type: str,
    *,
    merge: bool = False,
    if_match: str | None = None,
    if_none_match: str | None = None,
    require_precondition: bool = False,
) -> Document:
    """PUT (replace) or POST (``merge``: JSON objects merged at the top level)."""
    content_type = content_type.split(";")[0].strip() or "application/octet-stream"
    with transaction.atomic():
        current = (
            Document.objects.select_for_update()
            .filter(**key.filter(), document_id=document_id)
            .first()
        )
        _precondition(current, if_match, if_none_match)
        if (
            require_precondition
            and current is not None
            and if_match is None
            and if_none_match is None
        ):
            raise Conflict(
                "this document exists: check its current state and send If-Match with its ETag"
            )
        now = timezone.now()
        if merge and current is not None:
            if current.content_type != "application/json" or content_type != "application/json":
                raise StatementError(
                    "Content-Type", "both documents must be application/json to be merged"
                )
            merged = {**_json_object(bytes(current.content), "stored document")}
            merged.update(_json_object(content, "document"))
            content = json.dumps(merged).encode()
        elif merge and content_type == "application/json":
            _json_object(content, "document")
        if current is None:
            current = Document(**key.filter(), document_id=document_id)
        current.content, current.content_type = content, content_type
        current.etag, current.updated = etag_of(content), now
        current.save()
        return current


def delete_documents(
    key: DocumentKey, document_id: str | None = None, *, if_match: str | None = None
) -> int:
    with transaction.atomic():
        rows = Document.objects.select_for_update().filter(**key.filter())
        if document_id is not None:
            rows = rows.filter(document_id=document_id)
            _precondition(rows.first(), if_match, None)
        deleted, _ = rows.delete()
        return deleted


def get_state(
    activity_id: str, agent: dict[str, Any], state_id: str, *, registration: str | None = None
) -> Any | None:
    """A state document's JSON value (None when absent), e.g. cmi5 LMS.LaunchData."""
    document = get_document(state_key(activity_id, agent, registration), state_id)
    if document is None:
        return None
    return json.loads(bytes(document.content))


def put_state(
    activity_id: str,
    agent: dict[str, Any],
    state_id: str,
    value: Any,
    *,
    registration: str | None = None,
) -> Document:
    """Store a JSON state document (replacing it)."""
    key = state_key(activity_id, agent, registration)
    return put_document(key, state_id, json.dumps(value).encode(), "application/json")
