"""SCORM run-time data: checking a commit, what a SCO's data means, and the rollup.

Pure functions (no database). ``read_commit`` turns a commit's JSON into the values we
keep, refusing malformed ones; ``outcome`` says whether one SCO is complete, passed, and
its score; ``rollup`` combines the SCOs along the organisation's tree (SCORM 2004 simple
rollup of completion and measure; SCORM 1.2 the same way, every SCO weighing 1).
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

STATUS_12 = {"passed", "completed", "failed", "incomplete", "browsed", "not attempted"}
COMPLETION_2004 = {"completed", "incomplete", "not attempted", "unknown"}
SUCCESS_2004 = {"passed", "failed", "unknown"}
EXIT_12 = {"", "time-out", "suspend", "logout"}
EXIT_2004 = {"", "time-out", "suspend", "logout", "normal"}
# Largest values the data models allow (SCORM 1.2: 4096 characters of suspend data; 2004
# 4th edition: 64000), so a runaway SCO cannot fill the database.
SUSPEND_MAX = {"scorm12": 4096, "scorm2004_3": 64000, "scorm2004_4": 64000}
LOCATION_MAX = {"scorm12": 255, "scorm2004_3": 1000, "scorm2004_4": 1000}
# What a later launch gets back (the rest of a commit is kept but not reloaded).
RELOADED = {
    "scorm12": [
        "core.lesson_location",
        "core.lesson_status",
        "core.score",
        "suspend_data",
        "objectives",
    ],
    "scorm2004": [
        "location",
        "completion_status",
        "success_status",
        "score",
        "progress_measure",
        "suspend_data",
        "objectives",
        "interactions",  # read-write in 2004 (write-only in 1.2)
    ],
}
TIMESPAN_12 = re.compile(r"^(\d{2,4}):([0-5]\d):([0-5]\d)(\.\d{1,2})?$")
DURATION_2004 = re.compile(
    r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,2})?)S)?)?$"
)


class CommitRefused(Exception):
    """A malformed commit; the message names the field."""


def seconds_12(value: str) -> float:
    """Seconds in a SCORM 1.2 CMITimespan (HHHH:MM:SS.SS)."""
    match = TIMESPAN_12.match(value)
    if not match:
        raise CommitRefused(_("cmi.core.session_time “%(v)s” is not HHHH:MM:SS.") % {"v": value})
    hours, minutes, secs, fraction = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + int(secs) + float(fraction or 0)


def seconds_2004(value: str, name: str = "cmi.session_time") -> float:
    """Seconds in a SCORM 2004 timeinterval (ISO 8601 duration, months of 30 days)."""
    match = DURATION_2004.match(value)
    if not match or value in ("P", "PT") or value.endswith("T"):
        raise CommitRefused(
            _("%(name)s “%(v)s” is not an ISO 8601 duration.") % {"name": name, "v": value}
        )
    y, mo, d, h, mi, s = (float(g) if g else 0.0 for g in match.groups())
    return ((y * 365 + mo * 30 + d) * 24 + h) * 3600 + mi * 60 + s


def duration_12(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600:04d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def duration_2004(seconds: float) -> str:
    seconds = int(seconds)
    return f"PT{seconds // 3600}H{seconds % 3600 // 60}M{seconds % 60}S"


@dataclass
class Commit:
    """What a commit tells us, checked."""

    session: int
    seq: int
    finished: bool
    cmi: dict[str, Any]
    status: str = ""  # 1.2 lesson_status
    completion: str = ""  # 2004 completion_status
    success: str = ""  # 2004 success_status
    score_raw: float | None = None
    score_min: float | None = None
    score_max: float | None = None
    score_scaled: float | None = None
    progress_measure: float | None = None
    session_seconds: float = 0.0
    exit: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _get(cmi: dict[str, Any], path: str) -> Any:
    node: Any = cmi
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _number(
    cmi: dict[str, Any], path: str, low: float | None = None, high: float | None = None
) -> float | None:
    value = _get(cmi, path)
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CommitRefused(
            _("cmi.%(path)s “%(v)s” is not a number.") % {"path": path, "v": value}
        ) from None
    if (
        number != number
        or (low is not None and number < low)
        or (high is not None and number > high)
    ):
        raise CommitRefused(_("cmi.%(path)s %(v)s is out of range.") % {"path": path, "v": value})
    return number


def _string(cmi: dict[str, Any], path: str, limit: int, allowed: set[str] | None = None) -> str:
    value = _get(cmi, path)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise CommitRefused(_("cmi.%(path)s must be text.") % {"path": path})
    if len(value) > limit:
        raise CommitRefused(
            _("cmi.%(path)s is longer than %(limit)s characters.") % {"path": path, "limit": limit}
        )
    if allowed is not None and value not in allowed:
        raise CommitRefused(
            _("cmi.%(path)s “%(v)s” is not a valid value.") % {"path": path, "v": value}
        )
    return value


def read_commit(standard: str, payload: Any) -> Commit:
    """A commit body: ``{"session": n, "seq": n, "finished": bool, "cmi": {...}}``, where
    ``cmi`` is scorm-again's JSON rendering of the data model. CommitRefused otherwise."""
    if not isinstance(payload, dict):
        raise CommitRefused(_("A commit is a JSON object."))
    session, seq, cmi = payload.get("session"), payload.get("seq"), payload.get("cmi")
    if not isinstance(session, int) or not isinstance(seq, int) or session < 1 or seq < 1:
        raise CommitRefused(_("A commit needs positive whole numbers “session” and “seq”."))
    if not isinstance(cmi, dict):
        raise CommitRefused(_("A commit needs the “cmi” object."))
    commit = Commit(session=session, seq=seq, finished=bool(payload.get("finished")), cmi=cmi)
    _string(cmi, "suspend_data", SUSPEND_MAX[standard])
    if standard == "scorm12":
        commit.status = _string(cmi, "core.lesson_status", 20, STATUS_12 | {""})
        commit.exit = _string(cmi, "core.exit", 20, EXIT_12)
        _string(cmi, "core.lesson_location", LOCATION_MAX[standard])
        commit.score_raw = _number(cmi, "core.score.raw", 0, 100)
        commit.score_min = _number(cmi, "core.score.min", 0, 100)
        commit.score_max = _number(cmi, "core.score.max", 0, 100)
        if time := _string(cmi, "core.session_time", 20):
            commit.session_seconds = seconds_12(time)
    else:
        commit.completion = _string(cmi, "completion_status", 20, COMPLETION_2004 | {""})
        commit.success = _string(cmi, "success_status", 20, SUCCESS_2004 | {""})
        commit.exit = _string(cmi, "exit", 20, EXIT_2004)
        _string(cmi, "location", LOCATION_MAX[standard])
        commit.score_scaled = _number(cmi, "score.scaled", -1, 1)
        commit.score_raw = _number(cmi, "score.raw")
        commit.score_min = _number(cmi, "score.min")
        commit.score_max = _number(cmi, "score.max")
        commit.progress_measure = _number(cmi, "progress_measure", 0, 1)
        if time := _string(cmi, "session_time", 40):
            commit.session_seconds = seconds_2004(time)
    return commit


def reloaded(standard: str, cmi: dict[str, Any]) -> dict[str, Any]:
    """The part of stored data a later launch gets back, in scorm-again's JSON shape."""
    kept: dict[str, Any] = {}
    for path in RELOADED["scorm12" if standard == "scorm12" else "scorm2004"]:
        value = _get(cmi, path)
        if value in (None, "", {}):
            continue
        node = kept
        *parents, last = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = _without_blanks(value)
    return kept


def _without_blanks(value: Any) -> Any:
    """Drop empty values at every depth: the data model refuses "" for many elements."""
    if isinstance(value, dict):
        kept = {k: _without_blanks(v) for k, v in value.items() if v not in (None, "")}
        return {k: v for k, v in kept.items() if v != {}}
    return value


@dataclass
class Outcome:
    """One SCO (or a cluster, after rollup)."""

    attempted: bool = False
    completed: bool = False
    passed: bool | None = None  # None: no success information
    score: float | None = None  # scaled, 0..1
    progress: float = 0.0  # 0..1


def outcome(standard: str, sco: dict[str, Any], state: dict[str, Any]) -> Outcome:
    """What the stored state of one SCO means (``state``: status, completion, success,
    score_scaled, score_raw, progress_measure as ``ScoState`` keeps them)."""
    result = Outcome(attempted=bool(state))
    if not state:
        return result
    if standard == "scorm12":
        status = state.get("status") or "not attempted"
        raw, mastery = state.get("score_raw"), sco.get("mastery_score")
        if raw is not None:
            result.score = max(0.0, min(1.0, raw / 100))
        if mastery is not None and raw is not None and status in ("completed", "passed", "failed"):
            # With a mastery score the LMS judges pass/fail from the raw score (RTE 3.4.2).
            status = "passed" if raw >= mastery else "failed"
        result.completed = status in ("passed", "completed", "failed")
        result.passed = {"passed": True, "failed": False}.get(status)
        if status == "failed":
            result.completed = False  # a failed SCO is not done: the learner tries again
        result.progress = 1.0 if result.completed else 0.0
        return result
    completion = state.get("completion") or "unknown"
    measure = state.get("progress_measure")
    threshold = sco.get("completion_threshold")
    if threshold is not None and measure is not None:
        completion = "completed" if measure >= threshold else "incomplete"
    success = state.get("success") or "unknown"
    scaled = state.get("score_scaled")
    passing = sco.get("scaled_passing_score")
    if passing is not None and scaled is not None:
        success = "passed" if scaled >= passing else "failed"
    result.completed = completion == "completed"
    result.passed = {"passed": True, "failed": False}.get(success)
    if scaled is not None:
        result.score = max(0.0, min(1.0, scaled))
    result.progress = 1.0 if result.completed else float(measure or 0.0)
    return result


def rollup(standard: str, node: dict[str, Any], states: dict[str, dict[str, Any]]) -> Outcome:
    """Roll the SCOs' outcomes up to ``node`` (an organisation or cluster). A cluster is
    complete when every child that counts is complete; it is passed when every child with
    success information passed (failed when one failed); its score is the average of its
    children's scores weighted by objectiveMeasureWeight; children whose sequencing says
    ``tracked=false`` or that opt out of rollup do not count."""
    children = node.get("children") or []
    if not children:
        return outcome(standard, node, states.get(node["id"], {}))
    parts: list[tuple[Outcome, dict[str, Any]]] = []
    for child in children:
        sequencing = child.get("sequencing", {})
        if sequencing.get("tracked") is False:
            continue
        parts.append((rollup(standard, child, states), sequencing.get("rollup", {})))
    if not parts:
        return Outcome(completed=True, progress=1.0)
    completion = [o for o, r in parts if r.get("completion", True)]
    satisfied = [o for o, r in parts if r.get("satisfied", True)]
    result = Outcome(attempted=any(o.attempted for o, _r in parts))
    result.completed = all(o.completed for o in completion)
    result.progress = sum(o.progress for o in completion) / len(completion) if completion else 1.0
    judged = [o.passed for o in satisfied if o.passed is not None]
    if any(p is False for p in judged):
        result.passed = False
    elif judged and len(judged) == len(satisfied):
        result.passed = True
    scored = [(o.score, float(r.get("weight", 1.0))) for o, r in parts if o.score is not None]
    weight = sum(w for _s, w in scored)
    if scored and weight > 0:
        result.score = sum(s * w for s, w in scored) / weight
    return result
