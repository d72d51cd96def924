"""The LRS's read side: statement queries with a stable ``more`` cursor, the three
response formats, activity definitions and Person objects (xAPI Part Three, 2.1 to 2.7)."""

import copy
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from lectio.xapi import validation
from lectio.xapi.models import Activity, LRSClient, Statement, StatementLink
from lectio.xapi.validation import StatementError

FILTERS = {
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
}
MAX_LIMIT = 500
REF_DEPTH = 2
_SALT = "lectio.xapi.more"


def consistent_through() -> datetime:
    """Every statement stored before this instant is visible (a write transaction lasts
    well under the margin)."""
    return timezone.now() - timedelta(seconds=getattr(settings, "XAPI_CONSISTENCY_SECONDS", 2))


def _bool(params: dict[str, str], name: str) -> bool:
    value = params.get(name, "false").lower()
    if value not in ("true", "false"):
        raise StatementError(name, "must be true or false")
    return value == "true"


def _agent_param(text: str, name: str) -> str:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise StatementError(name, "must be an Agent or Group as JSON") from exc
    data = validation.actor(value, name)
    ifi = validation.canonical_ifi(data)
    if ifi is None:
        raise StatementError(name, "must be an Agent or an identified Group")
    return ifi


def parse_agent(text: str | None, name: str = "agent") -> dict[str, Any]:
    if not text:
        raise StatementError(name, "is required")
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise StatementError(name, "must be an Agent as JSON") from exc
    return validation.actor(value, name)


@dataclass
class Query:
    params: dict[str, str]
    format: str = "exact"
    attachments: bool = False
    ascending: bool = False
    limit: int = MAX_LIMIT
    match: Q | None = None  # agent, verb, activity, registration (None: no such filter)
    window: Q = field(default_factory=Q)  # since, until


def parse_query(params: dict[str, str]) -> Query:
    unknown = sorted(set(params) - FILTERS)
    if unknown:
        raise StatementError(unknown[0], "is not a parameter of the Statements resource")
    query = Query(params=dict(params))
    query.format = params.get("format", "exact")
    if query.format not in ("ids", "exact", "canonical"):
        raise StatementError("format", "must be ids, exact or canonical")
    query.attachments = _bool(params, "attachments")
    query.ascending = _bool(params, "ascending")
    if "limit" in params:
        try:
            limit = int(params["limit"])
        except ValueError as exc:
            raise StatementError("limit", "must be a non-negative integer") from exc
        if limit < 0:
            raise StatementError("limit", "must be a non-negative integer")
        query.limit = min(limit or MAX_LIMIT, MAX_LIMIT)
    related_agents = _bool(params, "related_agents")
    related_activities = _bool(params, "related_activities")
    q = Q()
    if "agent" in params:
        ifi = _agent_param(params["agent"], "agent")
        if related_agents:
            q &= Q(Exists(StatementLink.objects.filter(
                statement=OuterRef("pk"), kind=StatementLink.AGENT, value=ifi
            ))) | _authority(ifi)  # fmt: skip
        else:
            q &= Q(actor_ifi=ifi) | Q(object_ifi=ifi) | Q(seq__in=_memberships(ifi))
    if "verb" in params:
        q &= Q(verb_id=validation.iri(params["verb"], "verb"))
    if "activity" in params:
        activity = validation.iri(params["activity"], "activity")
        if related_activities:
            q &= Q(Exists(StatementLink.objects.filter(
                statement=OuterRef("pk"), kind=StatementLink.ACTIVITY, value=activity
            )))  # fmt: skip
        else:
            q &= Q(object_activity=activity)
    if "registration" in params:
        q &= Q(registration=validation.uuid_string(params["registration"], "registration"))
    query.match = q if q else None
    if "since" in params:
        query.window &= Q(stored__gt=validation.timestamp(params["since"], "since"))
    if "until" in params:
        query.window &= Q(stored__lte=validation.timestamp(params["until"], "until"))
    return query


def _authority(ifi: str) -> Q:
    """Statements whose authority is this agent: a client's account on our homepage."""
    prefix = f"account:{settings.SITE_URL}|"
    if not ifi.startswith(prefix):
        return Q(pk__in=[])
    return Q(client__key=ifi.removeprefix(prefix))


def _memberships(ifi: str) -> list[int] | QuerySet[StatementLink, int]:
    """Statements whose Group actor or object has this member. Usually few: a list keeps
    the agent filter on its indexes (an OR with a sub-query would scan the table)."""
    links = StatementLink.objects.filter(kind=StatementLink.MEMBER, value=ifi)
    found = list(links.values_list("statement_id", flat=True)[:1001])
    return found if len(found) <= 1000 else links.values_list("statement_id", flat=True)


def visible(client: LRSClient) -> QuerySet[Statement]:
    rows = Statement.objects.all()
    if not client.has_scope("statements/read", "all/read"):
        rows = rows.filter(client=client.authority_client)  # statements/read/mine
    if client.actor:
        # A temporary credential (cmi5 fetch, held by one learner's browser) speaks with
        # its parent's authority, which stored every learner's statements: it reads only
        # its own actor's.
        rows = rows.filter(actor_ifi=validation.canonical_ifi(client.actor) or "")
    return rows


def run_query(
    query: Query,
    client: LRSClient,
    *,
    cursor: tuple[str, int] | None = None,
    top: int | None = None,
) -> tuple[list[Statement], str | None]:
    """One page of statements and the ``more`` token (None when this is the last page).

    ``top`` is the highest ``seq`` seen when the query first ran, so later pages neither
    repeat nor gain statements stored in between.
    """
    if top is None:
        top = Statement.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    window = query.window & Q(seq__lte=top, voided=False)
    if cursor is not None:
        stored, seq = datetime.fromisoformat(cursor[0]), cursor[1]
        after = Q(stored__gt=stored) | Q(stored=stored, seq__gt=seq)
        before = Q(stored__lt=stored) | Q(stored=stored, seq__lt=seq)
        window &= after if query.ascending else before
    order = ["stored", "seq"] if query.ascending else ["-stored", "-seq"]
    page = _page(query, visible(client).filter(window), order)
    if len(page) <= query.limit:
        return page, None
    page = page[: query.limit]
    last = page[-1]
    token = signing.dumps(
        {"p": query.params, "c": [last.stored.isoformat(), last.seq], "t": top, "k": client.pk},
        salt=_SALT,
        compress=True,
    )
    return page, token


def _page(query: Query, rows: QuerySet[Statement], order: list[str]) -> list[Statement]:
    """The page's rows. Statements targeting (StatementRef) a statement that matches the
    filters match too (Part Three 2.1.3 "Filter Conditions for StatementRefs"), followed
    REF_DEPTH levels deep; each branch of the UNION stays on its own index."""
    size = query.limit + 1
    if query.match is None or not rows.filter(object_statement__isnull=False).exists():
        # No filter, or no StatementRef in the window (the usual case: one cheap probe of
        # the stmt_ref index): the filters alone decide.
        return list(_light(rows.filter(query.match or Q())).order_by(*order)[:size])
    branches = [rows.filter(query.match)]
    targets = Statement.objects.filter(query.match).values("statement_id")
    for _ in range(REF_DEPTH):
        branches.append(rows.filter(object_statement__in=targets))
        targets = Statement.objects.filter(object_statement__in=targets).values("statement_id")
    keys = [b.order_by().values_list("seq", "stored") for b in branches]
    chosen = keys[0].union(*keys[1:]).order_by(*order)[:size]
    seqs = [seq for seq, _stored in chosen]
    found = {row.seq: row for row in _light(Statement.objects.filter(seq__in=seqs))}
    return [found[seq] for seq in seqs]


def _light(rows: QuerySet[Statement]) -> QuerySet[Statement]:
    """Only what a page needs, the statement as JSON text: no decoding, nor re-encoding
    for the exact format (most of a long page's time was spent there)."""
    return rows.only("seq", "stored", "object_activity").annotate(
        text=Cast("data", output_field=TextField())
    )


def statement_data(row: Statement) -> dict[str, Any]:
    text = getattr(row, "text", None)
    return json.loads(text) if text is not None else row.data  # type: ignore[no-any-return]


def exact_texts(rows: list[Statement]) -> list[str]:
    return [getattr(row, "text", None) or json.dumps(row.data) for row in rows]


def continue_query(token: str, client: LRSClient) -> tuple[Query, list[Statement], str | None]:
    try:
        state = signing.loads(token, salt=_SALT, max_age=24 * 3600)
    except signing.BadSignature as exc:
        raise StatementError("more", "this more link is not valid (or has expired)") from exc
    if state["k"] != client.pk:
        raise StatementError("more", "this more link belongs to another client")
    query = parse_query(state["p"])
    page, more = run_query(query, client, cursor=(state["c"][0], state["c"][1]), top=state["t"])
    return query, page, more


def get_statement(statement_id: str, client: LRSClient, *, voided: bool) -> Statement | None:
    """statementId finds a statement not voided; voidedStatementId only a voided one."""
    uid = validation.uuid_string(statement_id, "voidedStatementId" if voided else "statementId")
    return visible(client).filter(statement_id=uid, voided=voided).first()


# --- formats -----------------------------------------------------------------------


def _agent_ids(data: dict[str, Any]) -> dict[str, Any]:
    result = {k: v for k, v in data.items() if k in ("objectType", *validation.IFIS)}
    if data.get("objectType") == "Group" and not any(k in data for k in validation.IFIS):
        result["member"] = [_agent_ids(m) for m in data.get("member", [])]
    return result


def _pick_language(mapping: dict[str, str], languages: list[str]) -> dict[str, str]:
    for wanted in languages:
        for key in mapping:
            if key.lower() == wanted or key.lower().split("-")[0] == wanted.split("-")[0]:
                return {key: mapping[key]}
    if "und" in mapping:
        return {"und": mapping["und"]}
    first = next(iter(mapping), None)
    return {first: mapping[first]} if first is not None else {}


def _body(data: dict[str, Any], fmt: str, languages: list[str], known: dict[str, Any]) -> None:
    def agent(value: dict[str, Any]) -> dict[str, Any]:
        return _agent_ids(value) if fmt == "ids" else value

    def activity(value: dict[str, Any]) -> dict[str, Any]:
        if fmt == "ids":
            return {"objectType": "Activity", "id": value["id"]}
        definition = copy.deepcopy(known.get(value["id"], value.get("definition")))
        if not definition:
            return value
        for key in ("name", "description"):
            if key in definition:
                definition[key] = _pick_language(definition[key], languages)
        return {**value, "definition": definition}

    data["actor"] = agent(data["actor"])
    if fmt == "ids":
        data["verb"] = {"id": data["verb"]["id"]}
    elif "display" in data["verb"]:
        data["verb"]["display"] = _pick_language(data["verb"]["display"], languages)
    target = data["object"]
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        data["object"] = activity(target)
    elif kind in ("Agent", "Group"):
        data["object"] = agent(target)
    elif kind == "SubStatement":
        _body(target, fmt, languages, known)
    context = data.get("context")
    if context:
        for key in ("instructor", "team"):
            if key in context:
                context[key] = agent(context[key])
        for key, listed in context.get("contextActivities", {}).items():
            context["contextActivities"][key] = [activity(item) for item in listed]
    if "authority" in data:
        data["authority"] = agent(data["authority"])


def formatted(rows: list[Statement], fmt: str, languages: list[str]) -> list[dict[str, Any]]:
    if fmt == "exact":
        return [statement_data(row) for row in rows]
    known: dict[str, Any] = {}
    if fmt == "canonical":
        ids = {row.object_activity for row in rows if row.object_activity}
        known = dict(
            Activity.objects.filter(activity_id__in=ids).values_list("activity_id", "definition")
        )
    result = []
    for row in rows:
        data = statement_data(row)  # a fresh copy
        _body(data, fmt, languages, known)
        result.append(data)
    return result


def attachment_hashes(statements: list[dict[str, Any]]) -> list[str]:
    seen: list[str] = []
    for data in statements:
        bodies = [data]
        if data["object"].get("objectType") == "SubStatement":
            bodies.append(data["object"])
        for body in bodies:
            for item in body.get("attachments", []):
                if "fileUrl" not in item and item["sha2"] not in seen:
                    seen.append(item["sha2"])
    return seen


def activity_definition(activity_id: str) -> dict[str, Any]:
    """The full Activity object the LRS knows (an id alone when never defined)."""
    validation.iri(activity_id, "activityId")
    row = Activity.objects.filter(activity_id=activity_id).first()
    result: dict[str, Any] = {"objectType": "Activity", "id": activity_id}
    if row is not None and row.definition:
        result["definition"] = row.definition
    return result


def person(agent: dict[str, Any]) -> dict[str, Any]:
    """The Person object for an Agent: every identifier and name the LRS knows it by."""
    result: dict[str, Any] = {"objectType": "Person"}
    if "name" in agent:
        result["name"] = [agent["name"]]
    for key in validation.IFIS:
        if key in agent:
            result[key] = [agent[key]]
    ifi = validation.canonical_ifi(agent)
    row = Statement.objects.filter(actor_ifi=ifi).order_by("-stored").only("data").first()
    if row is not None:
        name = row.data["actor"].get("name")
        if name and name not in result.setdefault("name", []):
            result["name"].append(name)
    return result
