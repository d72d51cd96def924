"""Every write of cmi5 courses: launching an AU (registration, session, ``launched``,
LMS.LaunchData, the one-time fetch credential), the AU's statements checked against the
cmi5 rules as the LRS stores them, moveOn, ``satisfied``/``waived``/``abandoned``.

The AU's results live in ``ScoState`` rows keyed by AU id (attempt 1), like SCOs, so a
replaced package keeps them; progress goes through ``learning.record_package_result``.
"""

import contextlib
import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lectio.accounts.models import User
from lectio.learning import services as learning
from lectio.learning.models import Enrollment
from lectio.scorm import services as packages_services
from lectio.scorm.models import Cmi5Registration, Cmi5Session, ScoState
from lectio.xapi import hooks as xapi_hooks
from lectio.xapi import services as xapi
from lectio.xapi.models import Document, LRSClient

logger = logging.getLogger(__name__)

ADL = "http://adlnet.gov/expapi/verbs/"
ADL_W3ID = "https://w3id.org/xapi/adl/verbs/"
VERBS = {
    "launched": ADL + "launched",
    "initialized": ADL + "initialized",
    "completed": ADL + "completed",
    "passed": ADL + "passed",
    "failed": ADL + "failed",
    "terminated": ADL + "terminated",
    "abandoned": ADL_W3ID + "abandoned",
    "waived": ADL_W3ID + "waived",
    "satisfied": ADL_W3ID + "satisfied",
}
VERB_NAMES = {iri: name for name, iri in VERBS.items()}
VOIDED = ADL + "voided"
AU_VERBS = ("initialized", "completed", "passed", "failed", "terminated")
EXT = "https://w3id.org/xapi/cmi5/context/extensions/"
SESSION_ID = EXT + "sessionid"
CATEGORY_CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
CATEGORY_MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
REASON = "https://w3id.org/xapi/cmi5/result/extensions/reason"
LAUNCH_DATA = "LMS.LaunchData"
ACTIVITY_TYPE = "https://w3id.org/xapi/cmi5/activitytype/"
PREFERENCES = "cmi5LearnerPreferences"
CREDENTIAL_SCOPES = ["statements/write", "statements/read/mine", "state"]
# After terminated, the AU's credential works this long more (state documents written as
# it unloads; its statements are refused at once): cmi5 8.2.1 and 9.3.8.
CREDENTIAL_GRACE = timedelta(seconds=60)


class FetchRefused(Exception):
    """The fetch URL was already used (cmi5 error code 1) or is unknown (2)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


# Who and what -----------------------------------------------------------------------


def actor_for(user: User) -> dict[str, Any]:
    """The person as an account agent of this site (homePage = SITE_URL)."""
    return {
        "objectType": "Agent",
        "name": user.full_name or user.email,
        "account": {"homePage": settings.SITE_URL, "name": str(user.pk)},
    }


def _au(structure: dict[str, Any], au_id: str) -> dict[str, Any]:
    au: dict[str, Any] | None = next((a for a in structure["scos"] if a["id"] == au_id), None)
    if au is None:
        raise learning.ProgressRefused(_("The course has no AU “%(id)s”.") % {"id": au_id}, 404)
    return au


def _registration(enrollment: Enrollment, lesson_id: int, structure: dict[str, Any]) -> Any:
    registration, _created = Cmi5Registration.objects.get_or_create(
        enrollment=enrollment,
        course_iri=structure["organization"]["id"],
        defaults={"lesson_id": lesson_id},
    )
    return registration


def lms_id(kind: str, publisher_id: str) -> str:
    """The LMS's own activity id for an AU, block or course (cmi5 8.1 activityId, 9.3.9
    satisfied): "MUST NOT match" the publisher's id from the course structure, and the
    same on every launch and registration (a version-5 UUID of the publisher's id), so a
    replaced package with the same ids keeps them. ``kind``: au, block or course."""
    key = uuid.uuid5(uuid.NAMESPACE_URL, publisher_id)
    return f"{settings.SITE_URL}/xapi/activities/cmi5-{kind}/{key}"


def _context(registration: Cmi5Registration, publisher_id: str, session: str) -> dict[str, Any]:
    """The context of the LMS's cmi5 statements: registration, the publisher id activity in
    ``grouping`` (9.6.2.3), the cmi5 category, the session id (9.6.3.1)."""
    context: dict[str, Any] = {
        "registration": str(registration.key),
        "contextActivities": {
            "grouping": [{"id": publisher_id}],
            "category": [{"id": CATEGORY_CMI5}],
        },
    }
    context["extensions"] = {SESSION_ID: session}
    return context


def _statement(
    actor: dict[str, Any],
    verb: str,
    object_id: str,
    context: dict[str, Any],
    at: datetime,
    result: dict[str, Any] | None = None,
) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": {"objectType": "Activity", "id": object_id},
        "context": context,
        "timestamp": at.isoformat(),
    }
    if result:
        statement["result"] = result
    return statement


def _duration(seconds: float) -> str:
    return f"PT{max(0.0, seconds):.2f}S"


# Launching -------------------------------------------------------------------------

NORMAL, REVIEW, BROWSE = "Normal", "Review", "Browse"


def _au_address(au: dict[str, Any], token: str) -> str:
    """The AU's url with its own query string (if any) and no cmi5 parameters: an
    external AU's as given, a packaged AU's file on the content origin."""
    if au["external"]:
        return str(au["launch"])
    path, mark, query = str(au["launch"]).partition("?")
    base = packages_services.content_origin() + reverse("scorm:file", args=[token, path])
    return base + mark + query


def _launch_url(au: dict[str, Any], token: str, parameters: dict[str, str]) -> str:
    # 13.1.4 url: its own query string is "merged with the cmi5 parameters at launch".
    base = _au_address(au, token)
    return base + ("&" if "?" in base else "?") + urlencode(parameters)


def launch_url(session: Cmi5Session, au: dict[str, Any], token: str) -> str:
    """The AU's address with the cmi5 launch parameters (section 8.1) for ``session``;
    ``token`` is a content-origin token of the same person, lesson and package."""
    registration = session.registration
    parameters = {
        "endpoint": settings.SITE_URL.rstrip("/") + "/xapi/",
        "fetch": packages_services.content_origin()
        + reverse("scorm:cmi5_fetch", args=[token, str(session.session_id)]),
        "actor": json.dumps(actor_for(registration.person), separators=(",", ":")),
        "registration": str(registration.key),
        "activityId": lms_id("au", session.au),
    }
    return _launch_url(au, token, parameters)


def review_mode(
    registration: Cmi5Registration, au: dict[str, Any], structure: dict[str, Any]
) -> bool:
    """A learner's launch is in Review (cmi5 section 10, launchMode) when the AU's moveOn
    is already met by its own results, or the whole course is satisfied: the AU may be
    revisited, its record stays as it is. NotApplicable AUs are satisfied by waiver only,
    so they are reviewed once the course is."""
    if structure["organization"]["id"] in registration.satisfied:
        return True
    if au["moveOn"] == "NotApplicable" or registration.enrollment_id is None:
        return False
    facts = ScoState.objects.filter(
        enrollment_id=registration.enrollment_id,
        lesson_id=registration.lesson_id,
        sco=au["id"],
        attempt=1,
    ).first()
    return facts is not None and au_satisfied(au, facts.facts())


@transaction.atomic
def launch_au(
    enrollment: Enrollment,
    lesson_id: int,
    package_key: str,
    structure: dict[str, Any],
    au_id: str,
    *,
    return_url: str,
    language: str = "",
    at: datetime | None = None,
) -> Cmi5Session:
    """Start a learner's session of one AU: the registration (made once), earlier open
    sessions of this AU abandoned, NotApplicable AUs waived, ``launched`` stored,
    LMS.LaunchData and the learner preferences written. The launch mode is Normal, or
    Review when the AU (or the course) is already satisfied (``review_mode``)."""
    at = at or timezone.now()
    learning.lesson_open_to(enrollment, lesson_id, at)
    au = _au(structure, au_id)
    actor = actor_for(enrollment.user)
    registration = _registration(enrollment, lesson_id, structure)
    _abandon_open(registration, actor, structure, at)
    if _waive_not_applicable(registration, actor, structure, at):
        _evaluate(registration, structure, at)
    mode = REVIEW if review_mode(registration, au, structure) else NORMAL
    return _start(
        registration,
        structure,
        au,
        package_key,
        mode,
        actor,
        token=packages_services.launch_token(enrollment, lesson_id, package_key),
        return_url=return_url,
        language=language or enrollment.user.language or settings.LANGUAGE_CODE,
        at=at,
    )


@transaction.atomic
def preview_au(
    user: User,
    lesson_id: int,
    package_key: str,
    structure: dict[str, Any],
    au_id: str,
    *,
    return_url: str,
    language: str = "",
    at: datetime | None = None,
) -> Cmi5Session:
    """An author's preview of one AU in launch mode Browse (cmi5 section 10): a session of
    the author's own preview registration (no enrolment), ``launched`` and LMS.LaunchData
    as for a learner; the AU may send only initialized, terminated and cmi5 allowed
    statements, and no one's progress moves. The caller checks the author's permission."""
    at = at or timezone.now()
    au = _au(structure, au_id)
    actor = actor_for(user)
    registration, _created = Cmi5Registration.objects.get_or_create(
        previewer=user,
        enrollment=None,
        course_iri=structure["organization"]["id"],
        defaults={"lesson_id": lesson_id},
    )
    _abandon_open(registration, actor, structure, at)
    return _start(
        registration,
        structure,
        au,
        package_key,
        BROWSE,
        actor,
        token=packages_services.preview_token(user, lesson_id, package_key),
        return_url=return_url,
        language=language or user.language or settings.LANGUAGE_CODE,
        at=at,
    )


def _abandon_open(
    registration: Cmi5Registration,
    actor: dict[str, Any],
    structure: dict[str, Any],
    at: datetime,
) -> None:
    """9.3.6: without terminated, a new launch in the registration (this AU or another)
    shows that the open sessions ended abnormally: abandoned."""
    for stale in Cmi5Session.objects.select_for_update().filter(
        registration=registration, terminated_at=None, abandoned_at=None
    ):
        _abandon(stale, actor, structure, at)


def _start(
    registration: Cmi5Registration,
    structure: dict[str, Any],
    au: dict[str, Any],
    package_key: str,
    mode: str,
    actor: dict[str, Any],
    *,
    token: str,
    return_url: str,
    language: str,
    at: datetime,
) -> Cmi5Session:
    session = Cmi5Session.objects.create(
        registration=registration,
        au=au["id"],
        package_key=package_key,
        launch_mode=mode,
        launched_at=at,
        last_activity_at=at,
    )
    context = _context(registration, au["id"], str(session.session_id))
    # 9.6.3.3-9.6.3.7: the launched statement's context says how the AU was launched
    # (launchurl: the AU's address without the cmi5 parameters of section 8.1).
    launch_base = _au_address(au, token)
    launched_context = json.loads(json.dumps(context))
    launched_context["extensions"].update(
        {EXT + "launchmode": mode, EXT + "launchurl": launch_base, EXT + "moveon": au["moveOn"]}
    )
    if au.get("masteryScore") is not None:
        launched_context["extensions"][EXT + "masteryscore"] = au["masteryScore"]
    if au.get("launchParameters"):
        launched_context["extensions"][EXT + "launchparameters"] = au["launchParameters"]
    activity = lms_id("au", au["id"])
    xapi.record_statements([_statement(actor, "launched", activity, launched_context, at)])
    # Section 10: the session id and the publisher id activity (9.6.2.3) in the template.
    template = {
        "contextActivities": {"grouping": [{"id": au["id"]}]},
        "extensions": {SESSION_ID: str(session.session_id)},
    }
    launch_data: dict[str, Any] = {
        "contextTemplate": template,
        "launchMode": mode,
        "moveOn": au["moveOn"],
        "returnURL": return_url,
    }
    if au.get("masteryScore") is not None:
        launch_data["masteryScore"] = au["masteryScore"]
    if au.get("launchParameters"):
        launch_data["launchParameters"] = au["launchParameters"]
    if au.get("entitlementKey"):
        launch_data["entitlementKey"] = {"courseStructure": au["entitlementKey"]}
    xapi.put_state(activity, actor, LAUNCH_DATA, launch_data, registration=str(registration.key))
    _learner_preferences(actor, language)
    return session


def _learner_preferences(actor: dict[str, Any], language: str) -> None:
    """cmi5LearnerPreferences: written once; the learner's later changes are kept."""
    key = xapi.DocumentKey(Document.AGENT_PROFILE, agent_ifi=_ifi(actor))
    value = {"languagePreference": language, "audioPreference": "on"}
    with contextlib.suppress(xapi.PreconditionFailed):
        xapi.put_document(
            key, PREFERENCES, json.dumps(value).encode(), "application/json", if_none_match="*"
        )


def _ifi(actor: dict[str, Any]) -> str:
    from lectio.xapi.validation import canonical_ifi

    return canonical_ifi(actor) or ""


@transaction.atomic
def fetch(
    session_id: str,
    *,
    enrollment_id: int | None = None,
    previewer_id: int | None = None,
    at: datetime | None = None,
) -> str:
    """The AU's auth-token, given once per session (cmi5 8.2). Refusals carry the error
    codes of 8.2.3.2: 1 "Already in Use or Expired" (a second call, or a session that has
    ended), 2 "General Security Error" (a session this launch does not know)."""
    at = at or timezone.now()
    try:
        key = uuid.UUID(session_id)
    except ValueError:
        raise FetchRefused(2, "The fetch URL names no session of this launch.") from None
    sessions = Cmi5Session.objects.select_for_update(of=("self",)).select_related(
        "registration__enrollment__user", "registration__previewer"
    )
    if enrollment_id:
        sessions = sessions.filter(registration__enrollment_id=enrollment_id)
    elif previewer_id:
        sessions = sessions.filter(
            registration__previewer_id=previewer_id, registration__enrollment=None
        )
    else:
        sessions = sessions.none()
    session = sessions.filter(session_id=key).first()
    if session is None:
        raise FetchRefused(2, "The fetch URL names no session of this launch.")
    if session.fetched_at is not None:
        raise FetchRefused(1, "The authorization token has already been returned.")
    if not session.open:
        raise FetchRefused(1, "The AU session has ended: launch the AU again.")
    actor = actor_for(session.registration.person)
    client, token = xapi.issue_temporary_credential(
        xapi.platform_client(),
        actor=actor,
        scopes=CREDENTIAL_SCOPES,
        lifetime=timedelta(seconds=settings.LECTIO_PACKAGE_TOKEN_SECONDS),
    )
    session.fetched_at = at
    session.credential_key = client.key
    session.save(update_fields=["fetched_at", "credential_key"])
    return token


# The AU's statements ----------------------------------------------------------------


def _refuse(rule: str) -> PermissionDenied:
    return PermissionDenied(f"cmi5: {rule}")


def _structure_of(session: Cmi5Session) -> dict[str, Any]:
    from lectio.scorm.models import Package

    package = Package.objects.filter(key=session.package_key).only("structure").first()
    if package is None:
        raise _refuse("the session's course is gone")
    structure: dict[str, Any] = package.structure
    return structure


def statements_stored(statements: list[dict[str, Any]], client: LRSClient) -> None:
    """The xapi hook: statements sent with a cmi5 session's credential follow the cmi5
    rules (else 403, nothing stored) and move the AU's state and the lesson's progress."""
    if not client.actor or client.parent_id is None:
        return
    session = (
        Cmi5Session.objects.select_for_update(of=("self",))
        .select_related(
            "registration__enrollment__user",
            "registration__enrollment__course",
            "registration__previewer",
        )
        .filter(credential_key=client.key)
        .first()
    )
    if session is None:
        return
    structure = _structure_of(session)
    au = _au(structure, session.au)
    for statement in statements:
        _check_and_apply(session, au, statement)
    session.save(update_fields=["verbs", "last_activity_at", "terminated_at"])
    if session.launch_mode == NORMAL:
        # Browse and Review change no record (cmi5 section 10, launchMode).
        _evaluate(session.registration, structure, timezone.now(), str(session.session_id))


def _check_and_apply(session: Cmi5Session, au: dict[str, Any], statement: dict[str, Any]) -> None:
    context = statement.get("context", {})
    if context.get("registration") != str(session.registration.key):
        raise _refuse("every statement of the AU must carry the launch's registration")
    if context.get("extensions", {}).get(SESSION_ID) != str(session.session_id):
        raise _refuse("every statement of the AU must carry the session id of its launch")
    if not session.open:
        raise _refuse("the session is terminated or abandoned: no more statements")
    if statement["verb"]["id"] == VOIDED:
        # 6.3: "The LMS MUST NOT provide permissions/credentials which allow the AU to
        # issue voiding Statements."
        raise _refuse("an AU may not void statements")
    name = VERB_NAMES.get(statement["verb"]["id"])
    verbs: list[str] = session.verbs
    if not verbs and name != "initialized":
        raise _refuse("the first statement of a session must be initialized")
    if name not in AU_VERBS:
        session.last_activity_at = timezone.now()
        return  # allowed statements: anything else after initialized
    target = statement["object"]
    if target.get("objectType", "Activity") != "Activity" or target.get("id") != lms_id(
        "au", session.au
    ):
        raise _refuse("cmi5 defined statements must have the AU (activityId) as object")
    categories = {c.get("id") for c in context.get("contextActivities", {}).get("category", [])}
    if CATEGORY_CMI5 not in categories:
        raise _refuse("cmi5 defined statements must have the cmi5 category in context")
    if name == "initialized" and verbs:
        raise _refuse("initialized may be sent once per session, first")
    _check_result(name, statement.get("result") or {}, CATEGORY_MOVEON in categories)
    if name in ("passed", "failed") and {"passed", "failed"} & set(verbs):
        # 9.3: "More than one of the set of {Passed, Failed} verbs MUST NOT be used" in a
        # session.
        raise _refuse(f"{name} may not follow passed or failed in the same session")
    if name in ("completed", "passed", "failed") and session.launch_mode != NORMAL:
        # cmi5 section 10, launchMode: in Browse and Review the AU "MUST NOT send other
        # cmi5 defined statements" than initialized and terminated.
        raise _refuse(
            f"{name} may only be sent in Normal launch mode (this session is {session.launch_mode})"
        )
    if name == "terminated":
        _end_credential(session, timezone.now() + CREDENTIAL_GRACE)
    if session.launch_mode != NORMAL:
        if name == "terminated":
            session.terminated_at = timezone.now()
        verbs.append(name)
        session.last_activity_at = timezone.now()
        return
    state, _created = ScoState.objects.select_for_update().get_or_create(
        enrollment=session.registration.enrollment,
        lesson_id=session.registration.lesson_id,
        sco=session.au,
        attempt=1,
    )
    result = statement.get("result", {})
    scaled = result.get("score", {}).get("scaled")
    if name == "completed":
        if state.completion == "completed":
            raise _refuse("completed may be sent once per registration")
        if result.get("completion") is not True:
            raise _refuse("completed needs result.completion true")
        if CATEGORY_MOVEON not in categories:
            raise _refuse("completed must have the moveOn category")
        state.completion = "completed"
    elif name in ("passed", "failed"):
        if state.success == "passed":
            raise _refuse(f"{name} may not follow passed in the registration")
        if name == "failed" and "failed" in verbs:
            raise _refuse("failed may be sent once per session")
        if result.get("success") is not (name == "passed"):
            raise _refuse(f"{name} needs result.success {str(name == 'passed').lower()}")
        if CATEGORY_MOVEON not in categories:
            raise _refuse(f"{name} must have the moveOn category")
        mastery = au.get("masteryScore")
        if mastery is not None and isinstance(scaled, (int, float)):
            if name == "passed" and scaled < mastery:
                raise _refuse("passed needs a scaled score at or above the masteryScore")
            if name == "failed" and scaled >= mastery:
                raise _refuse("failed needs a scaled score below the masteryScore")
        state.success = name
        if isinstance(scaled, (int, float)):
            state.score_scaled = float(scaled)
    elif name == "terminated":
        session.terminated_at = timezone.now()
    verbs.append(name)
    session.last_activity_at = timezone.now()
    state.updated_at = timezone.now()
    state.save()


def _check_result(name: str, result: dict[str, Any], moveon: bool) -> None:
    """What a cmi5 defined statement's result may hold (9.5.1-9.5.3) and which carry the
    moveOn category (9.6.2.2)."""
    if "score" in result and name not in ("passed", "failed"):
        raise _refuse(f"{name} may not include a score (only passed and failed)")
    if "success" in result and name not in ("passed", "failed"):
        raise _refuse(f"{name} may not include result.success (only passed and failed)")
    if "completion" in result and name != "completed":
        raise _refuse(f"{name} may not include result.completion (only completed)")
    if moveon and name not in ("completed", "passed", "failed"):
        raise _refuse(f"{name} may not have the moveOn category")


def _end_credential(session: Cmi5Session, at: datetime) -> None:
    """The fetch URL's token is limited to the duration of the session (cmi5 8.2.1)."""
    if session.credential_key:
        xapi.end_temporary_credential(session.credential_key, at)


def external_origins(structure: dict[str, Any]) -> list[str]:
    """The origins of the course's external AUs (absolute urls)."""
    found = []
    for au in structure["scos"]:
        if au.get("external"):
            parts = urlsplit(au["launch"])
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in found:
                found.append(origin)
    return found


def au_list(enrollment: Enrollment, lesson_id: int, structure: dict[str, Any]) -> list[Any]:
    """The AUs for the launch page: index, title, moveOn and whether it is satisfied."""
    rows = {
        row.sco: row.facts()
        for row in ScoState.objects.filter(enrollment=enrollment, lesson_id=lesson_id, attempt=1)
    }
    satisfied = Cmi5Registration.objects.filter(
        enrollment=enrollment, course_iri=structure["organization"]["id"]
    ).values_list("satisfied", flat=True)
    course_done = any(structure["organization"]["id"] in ids for ids in satisfied)
    return [
        {
            "index": index,
            "title": au["title"],
            "move_on": au["moveOn"],
            "external": au["external"],
            "own_window": au["launchMethod"] == "OwnWindow",
            # The mode a launch gets (review_mode): Review once satisfied.
            "review": course_done
            or (au["moveOn"] != "NotApplicable" and au_satisfied(au, rows.get(au["id"], {}))),
            "satisfied": au_satisfied(au, rows.get(au["id"], {})),
            "completed": rows.get(au["id"], {}).get("completion") == "completed",
            "success": rows.get(au["id"], {}).get("success", ""),
        }
        for index, au in enumerate(structure["scos"])
    ]


# moveOn, satisfied, waived, abandoned ----------------------------------------------------


def au_satisfied(au: dict[str, Any], facts: dict[str, Any]) -> bool:
    """The moveOn table (cmi5 section 10): is this AU's criterion met?"""
    completed = facts.get("completion") == "completed"
    passed = facts.get("success") == "passed"
    return {
        "Passed": passed,
        "Completed": completed,
        "CompletedAndPassed": completed and passed,
        "CompletedOrPassed": completed or passed,
        "NotApplicable": True,
    }[au["moveOn"]]


def _facts(registration: Cmi5Registration) -> dict[str, dict[str, Any]]:
    if registration.enrollment_id is None:
        return {}
    return {
        row.sco: row.facts()
        for row in ScoState.objects.filter(
            enrollment_id=registration.enrollment_id, lesson_id=registration.lesson_id, attempt=1
        )
    }


def _waive_not_applicable(
    registration: Cmi5Registration, actor: dict[str, Any], structure: dict[str, Any], at: datetime
) -> bool:
    """AUs whose moveOn is NotApplicable are satisfied without a launch: waived once."""
    waived: list[str] = registration.waived
    new = [
        au["id"]
        for au in structure["scos"]
        if au["moveOn"] == "NotApplicable" and au["id"] not in waived
    ]
    if not new:
        return False
    statements = []
    for au_id in new:
        # 9.3.7: each waived statement has a session id of its own, the LMS's.
        context = _context(registration, au_id, str(uuid.uuid4()))
        context["contextActivities"]["category"].append({"id": CATEGORY_MOVEON})
        statements.append(
            _statement(
                actor,
                "waived",
                lms_id("au", au_id),
                context,
                at,
                {"success": True, "completion": True, "extensions": {REASON: "Administrative"}},
            )
        )
    xapi.record_statements(statements)
    registration.waived = [*waived, *new]
    registration.save(update_fields=["waived"])
    return True


def _evaluate(
    registration: Cmi5Registration,
    structure: dict[str, Any],
    at: datetime,
    session_id: str | None = None,
) -> None:
    """Write ``satisfied`` for each block and the course newly satisfied, then record the
    lesson's progress (complete when the course is satisfied). Learners' registrations
    only: a preview (Browse) has no enrolment and no progress."""
    enrollment = registration.enrollment
    if enrollment is None:
        return
    facts = _facts(registration)
    aus = {au["id"]: au for au in structure["scos"]}
    done = {au_id for au_id, au in aus.items() if au_satisfied(au, facts.get(au_id, {}))}
    actor = actor_for(enrollment.user)
    satisfied: list[str] = list(registration.satisfied)
    statements = []
    # The session whose statements satisfied the block or course; outside a session (at
    # registration, by waivers) one the LMS makes up (9.3.9, 9.6.1).
    session = session_id or str(uuid.uuid4())
    course_id = structure["organization"]["id"]
    for block in [*structure.get("blocks", []), {"id": course_id, "aus": list(aus)}]:
        if block["id"] not in satisfied and all(a in done for a in block["aus"]):
            satisfied.append(block["id"])
            kind = "course" if block["id"] == course_id else "block"
            context = _context(registration, block["id"], session)
            statement = _statement(actor, "satisfied", lms_id(kind, block["id"]), context, at)
            statement["object"]["definition"] = {"type": ACTIVITY_TYPE + kind}
            statements.append(statement)
    if statements:
        xapi.record_statements(statements)
        registration.satisfied = satisfied
        registration.save(update_fields=["satisfied"])
    course_done = structure["organization"]["id"] in satisfied
    scores = [f["score_scaled"] for f in facts.values() if f.get("score_scaled") is not None]
    failed = any(f.get("success") == "failed" for f in facts.values())
    try:
        learning.record_package_result(
            enrollment,
            registration.lesson_id,
            completed=course_done,
            passed=True if course_done else (False if failed else None),
            score=sum(scores) / len(scores) if scores else None,
            progress=len(done) / max(1, len(aus)),
            active_seconds=0,
            at=at,
        )
    except learning.ProgressRefused:
        # The lesson closed meanwhile (access window): the statements stay, progress not.
        logger.info("cmi5 progress not recorded for registration %s", registration.key)


def _abandon(
    session: Cmi5Session, actor: dict[str, Any], structure: dict[str, Any], at: datetime
) -> None:
    context = _context(session.registration, session.au, str(session.session_id))
    seconds = (session.last_activity_at - session.launched_at).total_seconds()
    xapi.record_statements(
        [
            _statement(
                actor,
                "abandoned",
                lms_id("au", session.au),
                context,
                at,
                {"duration": _duration(seconds)},
            )
        ]
    )
    session.abandoned_at = at
    session.save(update_fields=["abandoned_at"])
    _end_credential(session, at)


def abandon_stale(now: datetime | None = None) -> int:
    """Sessions with no statement for LECTIO_CMI5_ABANDON_SECONDS and no ``terminated``
    get ``abandoned`` (the periodic job); returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.LECTIO_CMI5_ABANDON_SECONDS)
    count = 0
    ids = list(
        Cmi5Session.objects.filter(
            terminated_at=None, abandoned_at=None, last_activity_at__lt=cutoff
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in ids:
        with transaction.atomic():
            session = (
                Cmi5Session.objects.select_for_update(of=("self",))
                .select_related("registration__enrollment__user", "registration__previewer")
                .filter(pk=pk, terminated_at=None, abandoned_at=None)
                .first()
            )
            if session is None:
                continue
            from lectio.scorm.models import Package

            package = Package.objects.filter(key=session.package_key).only("structure").first()
            structure = package.structure if package else {"organization": {"id": ""}}
            if not structure["organization"]["id"]:
                session.abandoned_at = now
                session.save(update_fields=["abandoned_at"])
                continue
            _abandon(session, actor_for(session.registration.person), structure, now)
            count += 1
    return count


def document_changing(key: Any, document_id: str | None, client: LRSClient) -> None:
    """The xapi hook: an AU may not change or delete LMS.LaunchData (cmi5 10.2.1)."""
    if key.kind != Document.STATE or not client.actor or client.parent_id is None:
        return
    if document_id is None:
        if not Document.objects.filter(**key.filter(), document_id=LAUNCH_DATA).exists():
            return
    elif document_id != LAUNCH_DATA:
        return
    if Cmi5Session.objects.filter(credential_key=client.key).exists():
        raise _refuse("an AU may not change or delete the LMS.LaunchData state document")


def register() -> None:
    xapi_hooks.on_statements_stored(statements_stored)
    xapi_hooks.on_document_changing(document_changing)
