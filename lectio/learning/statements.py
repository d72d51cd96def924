"""The platform's own xAPI statements: every event of the one write path, as a statement.

``learning.services`` builds them with these functions and stores them with
:func:`record`, inside the transaction of the event, so an event and its statement are
written (or rolled back) together. Activity IRIs use the published keys (UUIDs), which
never change when a course or lesson is renamed; the person is an account agent named by
their primary key, which survives a change of e-mail address.

Statement ids are derived from the event where it has a natural identity (a report's
client and sequence number, the lesson's launch day, a completion's cycle), so a
replayed event stores nothing twice (``xapi.services.record_statements`` skips ids it
already has).
"""

import logging
import uuid
from datetime import datetime
from typing import Any

from django.conf import settings

from lectio.learning import intervals
from lectio.learning.models import Enrollment, LessonProgress
from lectio.xapi import services as xapi

logger = logging.getLogger(__name__)

# A fixed namespace for the ids derived from events (uuid5).
NAMESPACE = uuid.UUID("5b0c2e0a-55f5-4c4e-9a57-2f1e8a0f6c11")
PLATFORM = "Lectio"

ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {
    "launched": {"en-US": "launched"},
    "progressed": {"en-US": "progressed"},
    "completed": {"en-US": "completed"},
    "passed": {"en-US": "passed"},
    "failed": {"en-US": "failed"},
    "answered": {"en-US": "answered"},
}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "path": "http://id.tincanapi.com/activitytype/learning-path",
    "video": "https://w3id.org/xapi/video/activity-type/video",
}
VIDEO_SEGMENTS = "https://w3id.org/xapi/video/extensions/played-segments"
VIDEO_TIME = "https://w3id.org/xapi/video/extensions/time"
VIDEO_PROGRESS = "https://w3id.org/xapi/video/extensions/progress"
PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"


def extension(name: str) -> str:
    """An extension IRI of the platform's own (pages seen, the enrolment's cycle…)."""
    return f"{settings.SITE_URL}/xapi/extensions/{name}"


def activity_iri(kind: str, key: str) -> str:
    """``{SITE_URL}/xapi/activities/<kind>/<key>``: kind is course, lesson, path or question."""
    return f"{settings.SITE_URL}/xapi/activities/{kind}/{key}"


def agent(user: Any) -> dict[str, Any]:
    """The person as an account on the platform (their id, not their e-mail address)."""
    return {
        "objectType": "Agent",
        "name": user.full_name or str(user.pk),
        "account": {"homePage": settings.SITE_URL, "name": str(user.pk)},
    }


def _names(title: str, language: str, variants: dict[str, Any] | None) -> dict[str, str]:
    names = {language or "en": title or "-"}
    for code, variant in (variants or {}).items():
        if isinstance(variant, dict) and variant.get("title"):
            names[code] = str(variant["title"])
    return names


def course_activity(outline: dict[str, Any], *, definition: bool = True) -> dict[str, Any]:
    info = outline["course"]
    item: dict[str, Any] = {"objectType": "Activity", "id": activity_iri("course", info["key"])}
    if definition:
        item["definition"] = {
            "type": ACTIVITY_TYPES["course"],
            "name": _names(info["title"], info["language"], info.get("variants")),
        }
    return item


def lesson_activity(
    outline: dict[str, Any], lesson: dict[str, Any], *, definition: bool = True
) -> dict[str, Any]:
    item: dict[str, Any] = {"objectType": "Activity", "id": activity_iri("lesson", lesson["key"])}
    if definition:
        kind = lesson["kind"]
        item["definition"] = {
            "type": ACTIVITY_TYPES.get(kind if kind in ("quiz", "video") else "lesson"),
            "name": _names(lesson["title"], outline["course"]["language"], lesson.get("variants")),
        }
    return item


def _context(
    enrollment: Enrollment, outline: dict[str, Any], *, parent: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "registration": str(enrollment.registration),
        "contextActivities": {
            "parent": parent,
            "category": [
                {"objectType": "Activity", "id": f"{settings.SITE_URL}/xapi/profiles/lectio"}
            ],
        },
        "platform": PLATFORM,
        "language": outline["course"]["language"] or "en",
        "extensions": {extension("cycle"): enrollment.cycle},
    }


def _statement(
    statement_id: uuid.UUID | None,
    verb: str,
    enrollment: Enrollment,
    target: dict[str, Any],
    context: dict[str, Any],
    at: datetime,
    result: dict[str, Any] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(statement_id or uuid.uuid4()),
        "actor": agent(enrollment.user),
        "verb": {"id": ADL + verb, "display": VERBS[verb]},
        "object": target,
        "context": context,
        "timestamp": at.isoformat(),
    }
    if result is not None:
        data["result"] = result
    return data


def derived_id(enrollment: Enrollment, *parts: object) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, ":".join([str(enrollment.registration), *map(str, parts)]))


def _lesson_statement(
    statement_id: uuid.UUID | None,
    verb: str,
    enrollment: Enrollment,
    outline: dict[str, Any],
    lesson: dict[str, Any],
    at: datetime,
    *,
    result: dict[str, Any] | None = None,
    definition: bool = True,
) -> dict[str, Any]:
    course = course_activity(outline, definition=definition)
    context = _context(enrollment, outline, parent=[course])
    target = lesson_activity(outline, lesson, definition=definition)
    return _statement(statement_id, verb, enrollment, target, context, at, result)


def launched(
    enrollment: Enrollment, outline: dict[str, Any], lesson: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """A lesson opened: one per lesson and UTC day (the id is derived from the day), so
    reloading the page writes nothing more."""
    statement_id = derived_id(enrollment, "launched", lesson["key"], at.date().isoformat())
    return _lesson_statement(statement_id, "launched", enrollment, outline, lesson, at)


def _duration(seconds: float) -> str:
    return f"PT{max(0.0, round(seconds, 2))}S"


def _segments(pairs: list[tuple[float, float]]) -> str:
    return "[,]".join(f"{round(s, 3)}[.]{round(e, 3)}" for s, e in pairs)


def progressed(
    enrollment: Enrollment,
    outline: dict[str, Any],
    lesson: dict[str, Any],
    progress: LessonProgress,
    at: datetime,
    *,
    client: str,
    seq: int,
    played: list[Any],
    pages: list[Any],
    active_seconds: float,
) -> dict[str, Any]:
    """One accepted report that moved the lesson: how far (percent), and per kind what was
    played (segments of this report, position, share watched) or the pages seen. The id
    is derived from the report's client and sequence number. No activity definitions:
    the heartbeat stays cheap. Only ``launched`` and a path's completion carry activity
    definitions (merging one costs a query per activity); the others refer by id."""
    extensions: dict[str, Any] = {PROGRESS: int(progress.percent)}
    content = lesson.get("content") or {}
    if lesson["kind"] == "video":
        duration = float(content.get("duration") or 0)
        clean = intervals.merge(intervals.clean(played, duration)) if duration > 0 else []
        extensions[VIDEO_SEGMENTS] = _segments(clean)
        extensions[VIDEO_TIME] = round(float(progress.position), 3)
        share = progress.watched_seconds / duration if duration > 0 else 0.0
        extensions[VIDEO_PROGRESS] = round(min(1.0, share), 3)
    elif lesson["kind"] in ("document", "presentation"):
        extensions[extension("pages-seen")] = list(progress.pages_seen)
        extensions[extension("pages")] = sorted({p for p in pages if isinstance(p, int)})
        extensions[extension("page")] = int(progress.position)
    result = {"duration": _duration(active_seconds), "extensions": extensions}
    statement_id = derived_id(enrollment, "progressed", lesson["key"], client, seq)
    return _lesson_statement(
        statement_id,
        "progressed",
        enrollment,
        outline,
        lesson,
        at,
        result=result,
        definition=False,
    )


def lesson_completed(
    enrollment: Enrollment,
    outline: dict[str, Any],
    lesson: dict[str, Any],
    progress: LessonProgress,
    at: datetime,
) -> dict[str, Any]:
    statement_id = derived_id(enrollment, "completed", lesson["key"], enrollment.cycle)
    result = {"completion": True, "duration": _duration(progress.active_seconds)}
    return _lesson_statement(
        statement_id, "completed", enrollment, outline, lesson, at, result=result, definition=False
    )


def judged(
    enrollment: Enrollment,
    outline: dict[str, Any],
    lesson: dict[str, Any],
    at: datetime,
    *,
    passed: bool,
    score: float | None,
    statement_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """A quiz's (or package's) result: passed or failed, with the scaled score."""
    result: dict[str, Any] = {"success": passed}
    if score is not None:
        scaled = max(0.0, min(1.0, score))
        result["score"] = {"scaled": round(scaled, 4), "raw": round(scaled * 100, 2)}
        result["score"].update({"min": 0, "max": 100})
    verb = "passed" if passed else "failed"
    return _lesson_statement(
        statement_id, verb, enrollment, outline, lesson, at, result=result, definition=False
    )


def course_completed(
    enrollment: Enrollment, outline: dict[str, Any], at: datetime
) -> dict[str, Any]:
    statement_id = derived_id(enrollment, "course-completed", enrollment.cycle)
    context = _context(enrollment, outline, parent=[])
    del context["contextActivities"]["parent"]
    target = course_activity(outline, definition=False)
    result = {"completion": True}
    return _statement(statement_id, "completed", enrollment, target, context, at, result)


def answered(
    enrollment: Enrollment,
    outline: dict[str, Any],
    lesson: dict[str, Any],
    at: datetime,
    *,
    attempt: int,
    question: str,
    response: str,
    fraction: float | None,
) -> dict[str, Any]:
    """One question of a submitted attempt: its response (as text) and, once graded,
    the fraction of its marks and success."""
    statement_id = derived_id(enrollment, "answered", lesson["key"], attempt, question)
    parent = lesson_activity(outline, lesson, definition=False)
    context = _context(enrollment, outline, parent=[parent])
    context["contextActivities"]["grouping"] = [course_activity(outline, definition=False)]
    context["extensions"][extension("attempt")] = attempt
    target = {"objectType": "Activity", "id": activity_iri("question", question)}
    result: dict[str, Any] = {"response": response}
    if fraction is not None:
        result["score"] = {"scaled": round(max(-1.0, min(1.0, fraction)), 4)}
        result["success"] = fraction >= 1.0
    return _statement(statement_id, "answered", enrollment, target, context, at, result)


def path_completed(user: Any, outline: dict[str, Any], at: datetime) -> dict[str, Any]:
    info = outline["path"]
    statement_id = uuid.uuid5(NAMESPACE, f"path-completed:{info['key']}:{user.pk}")
    target = {
        "objectType": "Activity",
        "id": activity_iri("path", info["key"]),
        "definition": {
            "type": ACTIVITY_TYPES["path"],
            "name": _names(info["title"], info["language"], info.get("variants")),
        },
    }
    return {
        "id": str(statement_id),
        "actor": agent(user),
        "verb": {"id": ADL + "completed", "display": VERBS["completed"]},
        "object": target,
        "result": {"completion": True},
        "context": {"platform": PLATFORM, "language": info["language"] or "en"},
        "timestamp": at.isoformat(),
    }


def record(statements: list[dict[str, Any]]) -> None:
    """Store the statements of one event in the current transaction (nothing: no query).
    A concurrent request storing the same derived id first (two tabs launching at once)
    is a conflict rolled back to the LRS's savepoint: that statement is already there."""
    if not statements:
        return
    try:
        xapi.record_statements(statements)
    except xapi.Conflict:
        logger.info("A platform statement was stored concurrently; kept the first.")
