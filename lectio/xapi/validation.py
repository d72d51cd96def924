"""Statement validation: small typed validators, one per xAPI 1.0.3 data type.

Each raises :class:`StatementError` naming the property path and the rule broken, so a
``400`` tells the sender exactly what to fix. Section numbers refer to xAPI 1.0.3 Part Two
(Data); where xAPI 2.0 differs a little (context agents and groups) the ``version`` of the
request decides.
"""

import re
import uuid
from datetime import UTC, datetime
from typing import Any

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
INTERACTION_TYPES = {
    "true-false": (),
    "choice": ("choices",),
    "fill-in": (),
    "long-fill-in": (),
    "matching": ("source", "target"),
    "performance": ("steps",),
    "sequencing": ("choices",),
    "likert": ("scale",),
    "numeric": (),
    "other": (),
}
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
_MAILTO = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_SHA2 = re.compile(r"^[0-9a-fA-F]{56}$|^[0-9a-fA-F]{64}$|^[0-9a-fA-F]{96}$|^[0-9a-fA-F]{128}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# RFC 5646 language tags: language[-script][-region](-variant)*(-extension)*[-privateuse].
_LANGUAGE = re.compile(
    r"^(?:(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z]{4})?"
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*(?:-x(?:-[A-Za-z0-9]{1,8})+)?"
    r"|x(?:-[A-Za-z0-9]{1,8})+|i-[A-Za-z]{2,8})$"
)
# ISO 8601 durations (xAPI 4.6: result.duration), e.g. PT1H30M, P1DT2.5S, P3W.
_DURATION = re.compile(
    r"^P(?!$)(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?W)?(?:\d+(?:\.\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?$"
)
_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$"
)


class StatementError(ValueError):
    """A statement (or a request parameter) breaks a rule of the specification."""

    def __init__(self, path: str, rule: str) -> None:
        super().__init__(f"{path}: {rule}")
        self.path = path
        self.rule = rule


def _object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise StatementError(path, "must be a JSON object")
    return value


def _only(value: dict[str, Any], path: str, allowed: set[str]) -> None:
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise StatementError(path, f"unknown properties are not allowed: {', '.join(unknown)}")


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise StatementError(path, "must be a string")
    return value


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise StatementError(path, "must be true or false (a JSON boolean)")
    return value


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise StatementError(path, "must be a JSON number")
    return float(value)


def iri(value: Any, path: str) -> str:
    """An absolute IRI with a scheme (xAPI 4.1 IRIs; RFC 3987)."""
    if not isinstance(value, str) or not _IRI.match(value):
        raise StatementError(path, "must be an absolute IRI (a scheme, then no spaces)")
    return value


def uuid_string(value: Any, path: str) -> str:
    if not isinstance(value, str) or not _UUID.match(value):
        raise StatementError(path, "must be a UUID (RFC 4122, 8-4-4-4-12 hex digits)")
    return str(uuid.UUID(value))


def timestamp(value: Any, path: str) -> datetime:
    """ISO 8601 (xAPI 4.5); a negative zero offset (-00:00) is refused."""
    if not isinstance(value, str) or not _TIMESTAMP.match(value):
        raise StatementError(path, "must be an ISO 8601 timestamp, e.g. 2026-01-31T09:30:00Z")
    if re.search(r"-00(:?00)?$", value):
        raise StatementError(path, "the offset -00:00 is not allowed (RFC 3339)")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise StatementError(path, "must be a valid ISO 8601 timestamp") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def duration(value: Any, path: str) -> str:
    if not isinstance(value, str) or not _DURATION.match(value):
        raise StatementError(path, "must be an ISO 8601 duration, e.g. PT1H30M")
    return value


def language_tag(value: Any, path: str) -> str:
    if not isinstance(value, str) or not _LANGUAGE.match(value):
        raise StatementError(path, "must be an RFC 5646 language tag, e.g. en-US")
    return value


def language_map(value: Any, path: str) -> dict[str, str]:
    """Keys are RFC 5646 language tags, values strings (xAPI 4.2 Language Maps)."""
    mapping = _object(value, path)
    for key, text in mapping.items():
        language_tag(key, f"{path} key {key!r}")
        _string(text, f"{path}[{key}]")
    return mapping


def extensions(value: Any, path: str) -> dict[str, Any]:
    """Keys are IRIs; values any JSON (xAPI 4.3 Extensions)."""
    mapping = _object(value, path)
    for key in mapping:
        iri(key, f"{path} key {key!r}")
    return mapping


def mbox(value: Any, path: str) -> str:
    if not isinstance(value, str) or not _MAILTO.match(value):
        raise StatementError(path, "must be a mailto: IRI, e.g. mailto:ada@example.com")
    return value


def _ifis(value: dict[str, Any], path: str) -> int:
    count = 0
    if "mbox" in value:
        mbox(value["mbox"], f"{path}.mbox")
        count += 1
    if "mbox_sha1sum" in value:
        if not isinstance(value["mbox_sha1sum"], str) or not _SHA1.match(value["mbox_sha1sum"]):
            raise StatementError(f"{path}.mbox_sha1sum", "must be 40 hexadecimal digits")
        count += 1
    if "openid" in value:
        iri(value["openid"], f"{path}.openid")
        count += 1
    if "account" in value:
        account = _object(value["account"], f"{path}.account")
        _only(account, f"{path}.account", {"homePage", "name"})
        if "homePage" not in account or "name" not in account:
            raise StatementError(f"{path}.account", "homePage and name are both required")
        iri(account["homePage"], f"{path}.account.homePage")
        _string(account["name"], f"{path}.account.name")
        count += 1
    return count


def agent(value: Any, path: str, *, object_type_required: bool = False) -> dict[str, Any]:
    """An Agent: exactly one inverse functional identifier (xAPI 2.4.2.1)."""
    data = _object(value, path)
    if "member" in data:
        raise StatementError(f"{path}.objectType", "a Group must say objectType 'Group'")
    _only(data, path, {"objectType", "name", *IFIS})
    if object_type_required and data.get("objectType") != "Agent":
        raise StatementError(f"{path}.objectType", "must be 'Agent' when an Agent is the object")
    if "objectType" in data and data["objectType"] != "Agent":
        raise StatementError(f"{path}.objectType", "must be 'Agent'")
    if "name" in data:
        _string(data["name"], f"{path}.name")
    if _ifis(data, path) != 1:
        raise StatementError(
            path, "an Agent needs exactly one of mbox, mbox_sha1sum, openid, account"
        )
    return data


def group(value: Any, path: str) -> dict[str, Any]:
    """A Group: anonymous (members, no IFI) or identified (one IFI) (xAPI 2.4.2.2)."""
    data = _object(value, path)
    _only(data, path, {"objectType", "name", "member", *IFIS})
    if data.get("objectType") != "Group":
        raise StatementError(f"{path}.objectType", "must be 'Group'")
    if "name" in data:
        _string(data["name"], f"{path}.name")
    found = _ifis(data, path)
    if found > 1:
        raise StatementError(path, "an identified Group has exactly one IFI")
    if "member" in data:
        if not isinstance(data["member"], list):
            raise StatementError(f"{path}.member", "must be an array of Agents")
        for index, member in enumerate(data["member"]):
            member_path = f"{path}.member[{index}]"
            if isinstance(member, dict) and member.get("objectType") == "Group":
                raise StatementError(member_path, "a Group's members are Agents, not Groups")
            agent(member, member_path)
    if found == 0 and not data.get("member"):
        raise StatementError(path, "an anonymous Group (no IFI) must list its members")
    return data


def actor(value: Any, path: str, *, as_object: bool = False) -> dict[str, Any]:
    data = _object(value, path)
    if data.get("objectType") == "Group":
        return group(data, path)
    return agent(data, path, object_type_required=as_object)


def verb(value: Any, path: str) -> dict[str, Any]:
    data = _object(value, path)
    _only(data, path, {"id", "display"})
    if "id" not in data:
        raise StatementError(f"{path}.id", "a Verb needs an id")
    iri(data["id"], f"{path}.id")
    if "display" in data:
        language_map(data["display"], f"{path}.display")
    return data


def _components(value: Any, path: str) -> None:
    if not isinstance(value, list):
        raise StatementError(path, "must be an array of interaction components")
    seen: set[str] = set()
    for index, component in enumerate(value):
        item = _object(component, f"{path}[{index}]")
        _only(item, f"{path}[{index}]", {"id", "description"})
        key = _string(item.get("id"), f"{path}[{index}].id")
        if not key or key in seen:
            raise StatementError(f"{path}[{index}].id", "ids must be non-empty and unique")
        seen.add(key)
        if "description" in item:
            language_map(item["description"], f"{path}[{index}].description")


def definition(value: Any, path: str) -> dict[str, Any]:
    """An Activity Definition, interaction rules included (xAPI 2.4.4.1)."""
    data = _object(value, path)
    allowed = {"name", "description", "type", "moreInfo", "extensions", "interactionType"}
    _only(data, path, allowed | {"correctResponsesPattern", *COMPONENT_LISTS})
    for key in ("name", "description"):
        if key in data:
            language_map(data[key], f"{path}.{key}")
    for key in ("type", "moreInfo"):
        if key in data:
            iri(data[key], f"{path}.{key}")
    if "extensions" in data:
        extensions(data["extensions"], f"{path}.extensions")
    kind = data.get("interactionType")
    interaction_keys = {"correctResponsesPattern", *COMPONENT_LISTS} & set(data)
    if kind is None:
        if interaction_keys:
            raise StatementError(
                f"{path}.interactionType", "is required with interaction properties"
            )
        return data
    if kind not in INTERACTION_TYPES:
        raise StatementError(
            f"{path}.interactionType", f"must be one of {', '.join(INTERACTION_TYPES)}"
        )
    if "correctResponsesPattern" in data:
        pattern = data["correctResponsesPattern"]
        if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
            raise StatementError(f"{path}.correctResponsesPattern", "must be an array of strings")
    for key in COMPONENT_LISTS:
        if key in data:
            if key not in INTERACTION_TYPES[kind]:
                raise StatementError(f"{path}.{key}", f"is not allowed for {kind} interactions")
            _components(data[key], f"{path}.{key}")
    return data


def activity(value: Any, path: str) -> dict[str, Any]:
    data = _object(value, path)
    if set(IFIS) & set(data):
        raise StatementError(f"{path}.objectType", "must be 'Agent' when an Agent is the object")
    _only(data, path, {"objectType", "id", "definition"})
    if data.get("objectType", "Activity") != "Activity":
        raise StatementError(f"{path}.objectType", "must be 'Activity'")
    if "id" not in data:
        raise StatementError(f"{path}.id", "an Activity needs an id")
    iri(data["id"], f"{path}.id")
    if "definition" in data:
        definition(data["definition"], f"{path}.definition")
    return data


def statement_ref(value: Any, path: str) -> dict[str, Any]:
    data = _object(value, path)
    _only(data, path, {"objectType", "id"})
    if data.get("objectType") != "StatementRef":
        raise StatementError(f"{path}.objectType", "must be 'StatementRef'")
    uuid_string(data.get("id"), f"{path}.id")
    return data


def score(value: Any, path: str) -> dict[str, Any]:
    """scaled in -1..1; min <= raw <= max; min < max (xAPI 2.4.5.1)."""
    data = _object(value, path)
    _only(data, path, {"scaled", "raw", "min", "max"})
    numbers = {key: _number(data[key], f"{path}.{key}") for key in data}
    if "scaled" in numbers and not -1 <= numbers["scaled"] <= 1:
        raise StatementError(f"{path}.scaled", "must be between -1 and 1")
    if "min" in numbers and "max" in numbers and numbers["min"] >= numbers["max"]:
        raise StatementError(f"{path}.max", "must be greater than min")
    if "raw" in numbers:
        if "min" in numbers and numbers["raw"] < numbers["min"]:
            raise StatementError(f"{path}.raw", "must not be less than min")
        if "max" in numbers and numbers["raw"] > numbers["max"]:
            raise StatementError(f"{path}.raw", "must not be greater than max")
    return data


def result(value: Any, path: str) -> dict[str, Any]:
    data = _object(value, path)
    _only(data, path, {"score", "success", "completion", "response", "duration", "extensions"})
    if "score" in data:
        score(data["score"], f"{path}.score")
    for key in ("success", "completion"):
        if key in data:
            _bool(data[key], f"{path}.{key}")
    if "response" in data:
        _string(data["response"], f"{path}.response")
    if "duration" in data:
        duration(data["duration"], f"{path}.duration")
    if "extensions" in data:
        extensions(data["extensions"], f"{path}.extensions")
    return data


def context(value: Any, path: str, *, object_type: str, version: str) -> dict[str, Any]:
    data = _object(value, path)
    allowed = {"registration", "instructor", "team", "contextActivities", "revision"}
    allowed |= {"platform", "language", "statement", "extensions"}
    if version.startswith("2."):
        allowed |= {"contextAgents", "contextGroups"}
    _only(data, path, allowed)
    if "registration" in data:
        uuid_string(data["registration"], f"{path}.registration")
    if "instructor" in data:
        actor(data["instructor"], f"{path}.instructor")
    if "team" in data:
        group(data["team"], f"{path}.team")
    if "contextActivities" in data:
        activities = _object(data["contextActivities"], f"{path}.contextActivities")
        _only(activities, f"{path}.contextActivities", {"parent", "grouping", "category", "other"})
        for key, listed in activities.items():
            items = listed if isinstance(listed, list) else [listed]
            for index, item in enumerate(items):
                activity(item, f"{path}.contextActivities.{key}[{index}]")
    for key in ("revision", "platform"):
        if key in data:
            _string(data[key], f"{path}.{key}")
            if object_type != "Activity":
                raise StatementError(
                    f"{path}.{key}", "is only allowed when the object is an Activity"
                )
    if "language" in data:
        language_tag(data["language"], f"{path}.language")
    if "statement" in data:
        statement_ref(data["statement"], f"{path}.statement")
    if "extensions" in data:
        extensions(data["extensions"], f"{path}.extensions")
    for key, check in (("contextAgents", agent), ("contextGroups", group)):
        if key in data:
            if not isinstance(data[key], list):
                raise StatementError(f"{path}.{key}", "must be an array")
            for index, item in enumerate(data[key]):
                entry = _object(item, f"{path}.{key}[{index}]")
                check(entry.get(key[7:-1].lower()), f"{path}.{key}[{index}]")
    return data


def attachment(value: Any, path: str) -> dict[str, Any]:
    """usageType, display, contentType, length and sha2 are required (xAPI 2.4.11)."""
    data = _object(value, path)
    allowed = {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
    _only(data, path, allowed)
    for key in ("usageType", "display", "contentType", "length", "sha2"):
        if key not in data:
            raise StatementError(f"{path}.{key}", "is required for an attachment")
    iri(data["usageType"], f"{path}.usageType")
    language_map(data["display"], f"{path}.display")
    if "description" in data:
        language_map(data["description"], f"{path}.description")
    if not re.match(r"^[\w.+-]+/[\w.+-]+", _string(data["contentType"], f"{path}.contentType")):
        raise StatementError(f"{path}.contentType", "must be an Internet Media Type")
    if not isinstance(data["length"], int) or isinstance(data["length"], bool):
        raise StatementError(f"{path}.length", "must be an integer")
    if data["length"] < 0:
        raise StatementError(f"{path}.length", "must not be negative")
    if not isinstance(data["sha2"], str) or not _SHA2.match(data["sha2"]):
        raise StatementError(f"{path}.sha2", "must be a SHA-2 hash in hexadecimal")
    if "fileUrl" in data:
        iri(data["fileUrl"], f"{path}.fileUrl")
    return data


def _target(value: Any, path: str, *, version: str, sub: bool) -> tuple[str, dict[str, Any]]:
    data = _object(value, path)
    kind = data.get("objectType", "Activity")
    if kind == "Activity":
        return kind, activity(data, path)
    if kind in ("Agent", "Group"):
        return kind, actor(data, path, as_object=True)
    if kind == "StatementRef":
        return kind, statement_ref(data, path)
    if kind == "SubStatement":
        if sub:
            raise StatementError(f"{path}.objectType", "a SubStatement cannot contain another")
        _statement_body(data, path, version=version, sub=True)
        return kind, data
    raise StatementError(
        f"{path}.objectType", "must be Activity, Agent, Group, StatementRef or SubStatement"
    )


def _statement_body(data: dict[str, Any], path: str, *, version: str, sub: bool) -> None:
    allowed = {"actor", "verb", "object", "result", "context", "timestamp", "attachments"}
    allowed |= {"objectType"} if sub else {"id", "stored", "authority", "version"}
    _only(data, path, allowed)
    for key in ("actor", "verb", "object"):
        if key not in data:
            raise StatementError(f"{path}.{key}", "is required")
    actor(data["actor"], f"{path}.actor")
    verb(data["verb"], f"{path}.verb")
    kind, _ = _target(data["object"], f"{path}.object", version=version, sub=sub)
    if data["verb"]["id"] == VOIDED and kind != "StatementRef":
        raise StatementError(
            f"{path}.object", "a voiding statement's object must be a StatementRef"
        )
    if "result" in data:
        result(data["result"], f"{path}.result")
    if "context" in data:
        context(data["context"], f"{path}.context", object_type=kind, version=version)
    if "timestamp" in data:
        timestamp(data["timestamp"], f"{path}.timestamp")
    if "attachments" in data:
        if not isinstance(data["attachments"], list):
            raise StatementError(f"{path}.attachments", "must be an array")
        for index, item in enumerate(data["attachments"]):
            attachment(item, f"{path}.attachments[{index}]")


def statement(value: Any, path: str = "statement", *, version: str = "1.0.3") -> dict[str, Any]:
    """Validate one statement as received; returns it unchanged (xAPI 2.4)."""
    data = _object(value, path)
    _statement_body(data, path, version=version, sub=False)
    if "id" in data:
        uuid_string(data["id"], f"{path}.id")
    if "stored" in data:
        timestamp(data["stored"], f"{path}.stored")
    if "authority" in data:
        authority = actor(data["authority"], f"{path}.authority")
        if authority.get("objectType") == "Group" and len(authority.get("member", [])) != 2:
            raise StatementError(
                f"{path}.authority", "a Group authority has exactly two members (OAuth)"
            )
    if "version" in data:
        own = _string(data["version"], f"{path}.version")
        accepted = r"^(1\.0(\.\d+)?|2\.0\.\d+)$" if version.startswith("2.") else r"^1\.0(\.\d+)?$"
        if not re.match(accepted, own):
            raise StatementError(f"{path}.version", "must start with 1.0.")
    return data


def canonical_ifi(data: dict[str, Any]) -> str | None:
    """The one string an Agent or identified Group is indexed by (None: anonymous Group)."""
    if "mbox" in data:
        return f"mbox:{data['mbox'].lower()}"
    if "mbox_sha1sum" in data:
        return f"sha1:{data['mbox_sha1sum'].lower()}"
    if "openid" in data:
        return f"openid:{data['openid']}"
    if "account" in data:
        account = data["account"]
        return f"account:{account['homePage']}|{account['name']}"
    return None
