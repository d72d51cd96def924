"""The benchmark suite's data set: a realistic organisation written with bulk inserts.

Sizes (``--size``):

| size | people | courses x lessons | enrolments | lesson progress | obligations |
|---|---:|---:|---:|---:|---:|
| tiny | 60 | 6 x 10 | 240 | 2,400 | 120 |
| small | 2,000 | 40 x 10 | 20,000 | 200,000 | 10,000 |
| medium | 20,000 | 200 x 10 | 200,000 | 2,000,000 | 100,000 |

Every person is enrolled in ``enrolments_per_person`` courses, and every enrolment has a
progress row for each of its course's ten lessons (a mix of completed, in progress and
not started, with watched intervals for videos). The first ``mandatory`` courses are
assigned to everyone as mandatory training, so the compliance export has people x
mandatory rows and the manager — who manages half of the organisation — opens a team
matrix of ``people / 2`` people.

Courses, their lessons (video, text pages and a quiz of five questions), departments and
the cast go through the project's services; people, enrolments, lesson progress and
obligations, which are many, are written with ``bulk_create``.

xAPI statements (1,000,000 at medium in issue 8) come once the ``xapi`` app exists:
``STATEMENTS`` below names the hook, ``generate(..., statements=N)`` calls it when the app
is installed and says so in the result when it is not.
"""

import random
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

SIZES: dict[str, dict[str, int]] = {
    "tiny": {"people": 60, "courses": 6, "per_person": 4, "mandatory": 2, "statements": 0},
    "small": {"people": 2000, "courses": 40, "per_person": 10, "mandatory": 5, "statements": 0},
    "medium": {
        "people": 20000,
        "courses": 200,
        "per_person": 10,
        "mandatory": 5,
        "statements": 1_000_000,
    },
}
LESSONS = 10  # per course: videos at 1, 4, 7; a quiz at 10; text pages between
VIDEO_SECONDS = 600
# The xAPI app's bulk generator, called when it is installed: ``generate(count, seed)``.
STATEMENTS = "lectio.xapi.bench.generate_statements"
PASSWORD = "bench-password"  # noqa: S105 - the driven learners' password (made-up data)


@dataclass
class Walker:
    """A signed-in person the load driver plays, with what they walk through."""

    email: str
    session: str  # the session cookie's value
    slug: str = ""
    video: int = 0
    quiz: int = 0
    foreign_lesson: int = 0  # a lesson of a course they are not enrolled in


@dataclass
class DataSet:
    size: str
    people: int
    courses: int
    enrolments: int
    progress_rows: int
    obligations: int
    team: int  # people in the manager's subtree
    statements: str
    seconds: float
    learners: list[Walker] = field(default_factory=list)
    managers: list[Walker] = field(default_factory=list)
    administrators: list[Walker] = field(default_factory=list)


def _session_for(user: Any) -> str:
    """A signed-in session for ``user`` in the configured session engine, as Django's
    login() would make it (without the password hashing the load is not about)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the password one
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return str(store.session_key)


def _courses(count: int, author: Any, rng: random.Random) -> list[dict[str, Any]]:
    """``count`` published courses of ten lessons, through the catalogue's services."""
    from lectio.assessments import services as bank
    from lectio.assets.models import Asset
    from lectio.catalog import services as catalog

    category = bank.category_path(["Bench"])
    choices = {"choices": [{"text": "<p>Right</p>", "fraction": 1}, {"text": "<p>Wrong</p>"}]}
    questions = [
        bank.create_question(
            category=category,
            type="single",
            prompt=f"<p>Question {n + 1}?</p>",
            data=choices,
            by=author,
        ).pk
        for n in range(5)
    ]
    made = []
    for c in range(count):
        course = catalog.create_course(title=f"Course {c + 1:03d}", by=author)
        lessons: list[tuple[int, str]] = []
        video = quiz = 0
        for m in range(2):
            module = catalog.add_module(course, title=f"Part {m + 1}")
            for n in range(LESSONS // 2):
                position = m * (LESSONS // 2) + n + 1
                if position in (1, 4, 7):
                    lesson = catalog.add_lesson(
                        module, title=f"Video {position}", kind_name="video"
                    )
                    asset = Asset.objects.create(
                        course=course,
                        kind="video",
                        original_name="lesson.mp4",
                        size=50_000_000,
                        status="ready",
                        duration=VIDEO_SECONDS,
                    )
                    catalog.update_lesson(lesson, content={"asset": str(asset.key)})
                    video = video or lesson.pk
                    lessons.append((lesson.pk, "video"))
                elif position == LESSONS:
                    lesson = catalog.add_lesson(module, title="Check", kind_name="quiz")
                    catalog.update_lesson(
                        lesson, content={"question_ids": questions, "time_limit": 0}
                    )
                    quiz = lesson.pk
                    lessons.append((lesson.pk, "quiz"))
                else:
                    lesson = catalog.add_lesson(
                        module, title=f"Reading {position}", kind_name="page"
                    )
                    words = " ".join(
                        rng.choice(("safety", "policy", "team", "data")) for _ in range(60)
                    )
                    catalog.update_lesson(lesson, content={"body": f"<p>{words}</p>"})
                    lessons.append((lesson.pk, "page"))
        catalog.publish_course(course, by=author)
        course.refresh_from_db()
        made.append(
            {
                "course": course,
                "lessons": lessons,
                "video": video,
                "quiz": quiz,
                "slug": course.slug,
            }
        )
    return made


def generate(
    size: str = "tiny",
    *,
    walkers: int = 64,
    seed: int = 8,
    people: int | None = None,
    statements: int | None = None,
) -> DataSet:
    """The data set of ``size`` (``people`` overrides its head count), and sessions for
    ``walkers`` learners, the manager and the administrator."""
    from django.db import transaction
    from django.utils import timezone

    from lectio.accounts import services as accounts
    from lectio.accounts.models import User
    from lectio.assignments.models import Assignment, Obligation
    from lectio.learning.models import Enrollment, LessonProgress

    spec = dict(SIZES[size])
    if people:
        spec["people"] = people
    if statements is not None:
        spec["statements"] = statements
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - made-up data, repeatable
    now = timezone.now()
    with transaction.atomic():
        admin = accounts.create_person(
            email="admin@bench.test", full_name="Bench Administrator", roles=["administrator"]
        )
        author = accounts.create_person(
            email="author@bench.test", full_name="Bench Author", roles=["instructor"]
        )
        manager = accounts.create_person(email="manager@bench.test", full_name="Bench Manager")
        root = accounts.create_department(name="Bench Org", code="ORG")
        halves = [
            accounts.create_department(name="Operations", code="OPS", parent=root, manager=manager),
            accounts.create_department(name="Head office", code="HQ", parent=root),
        ]
        teams = []
        for h, half in enumerate(halves):
            for t in range(max(1, spec["people"] // 200)):  # teams of about a hundred
                teams.append(
                    accounts.create_department(
                        name=f"Team {h + 1}.{t + 1}", code=f"T{h + 1}-{t + 1}", parent=half
                    )
                )
        per_half = len(teams) // 2
        courses = _courses(spec["courses"], author, rng)
    with transaction.atomic():
        rows = [
            User(
                email=f"p{n}@bench.test",
                full_name=f"Person {n}",
                # The first half of the people are the manager's (Operations).
                department=teams[(n % per_half) + (0 if n < spec["people"] // 2 else per_half)],
                employee_id=f"E{n:06d}",
                password="!",  # noqa: S106 - unusable; driven people get sessions instead
                date_joined=now - timedelta(days=rng.randint(30, 2000)),
            )
            for n in range(spec["people"])
        ]
        User.objects.bulk_create(rows, batch_size=2000)
        person_ids = list(
            User.objects.filter(email__startswith="p", email__endswith="@bench.test")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        mandatory = courses[: spec["mandatory"]]
        assignments = {}
        for c in mandatory:
            assignment = Assignment.objects.create(
                course=c["course"],
                due=Assignment.Due.AFTER_ASSIGNMENT,
                due_days=90,
                created_by=admin,
                created_at=now - timedelta(days=200),
            )
            assignment.departments.add(*halves)
            assignments[c["course"].pk] = assignment
    enrolments = progress_rows = obligations = 0
    chosen: dict[int, list[dict[str, Any]]] = {}
    for start in range(0, len(person_ids), 1000):
        with transaction.atomic():
            chunk = person_ids[start : start + 1000]
            batch: list[Enrollment] = []
            owed: list[Obligation] = []
            for user_id in chunk:
                # The mandatory courses, then electives at random.
                picks = list(mandatory) + rng.sample(
                    courses[len(mandatory) :], spec["per_person"] - len(mandatory)
                )
                chosen[user_id] = picks
                for c in picks:
                    enrolled = now - timedelta(days=rng.randint(1, 400))
                    state = rng.random()
                    done = state < 0.45
                    batch.append(
                        Enrollment(
                            user_id=user_id,
                            course=c["course"],
                            source="assigned" if c in mandatory else "self",
                            enrolled_at=enrolled,
                            completed_at=enrolled + timedelta(days=3) if done else None,
                            due_at=enrolled + timedelta(days=90) if c in mandatory else None,
                            mandatory=c in mandatory,
                            progress_percent=100 if done else (40 if state < 0.8 else 0),
                            last_activity_at=enrolled + timedelta(days=3),
                            last_lesson_id=c["lessons"][0][0],
                        )
                    )
            Enrollment.objects.bulk_create(batch, batch_size=2000)
            enrolments += len(batch)
            progress: list[LessonProgress] = []
            for enrolment in batch:
                c = next(x for x in chosen[enrolment.user_id] if x["course"] == enrolment.course)
                for n, (lesson_id, kind) in enumerate(c["lessons"]):
                    complete = enrolment.completed_at is not None or (
                        enrolment.progress_percent and n < 4
                    )
                    seconds = VIDEO_SECONDS if complete else rng.randint(0, VIDEO_SECONDS)
                    progress.append(
                        LessonProgress(
                            enrollment=enrolment,
                            lesson_id=lesson_id,
                            status="completed" if complete else "in_progress",
                            percent=100 if complete else seconds * 100 // VIDEO_SECONDS,
                            completed_at=enrolment.last_activity_at if complete else None,
                            opened_at=enrolment.enrolled_at,
                            last_report_at=enrolment.last_activity_at or now,
                            position=seconds if kind == "video" else 0,
                            watched=[[0, seconds]] if kind == "video" else [],
                            watched_seconds=seconds if kind == "video" else 0,
                            active_seconds=seconds,
                        )
                    )
                if enrolment.mandatory:
                    status = (
                        "completed"
                        if enrolment.completed_at
                        else ("overdue" if rng.random() < 0.3 else "in_progress")
                    )
                    owed.append(
                        Obligation(
                            user_id=enrolment.user_id,
                            course=enrolment.course,
                            enrollment=enrolment,
                            status=status,
                            mandatory=True,
                            assigned_at=enrolment.enrolled_at,
                            due_at=enrolment.due_at,
                            started_at=enrolment.enrolled_at,
                            completed_at=enrolment.completed_at,
                            expires_at=enrolment.completed_at + timedelta(days=365)
                            if enrolment.completed_at
                            else None,
                        )
                    )
            LessonProgress.objects.bulk_create(progress, batch_size=5000)
            progress_rows += len(progress)
            Obligation.objects.bulk_create(owed, batch_size=2000)
            through = Obligation.assignments.through
            through.objects.bulk_create(
                [
                    through(obligation_id=o.pk, assignment_id=assignments[o.course_id].pk)
                    for o in owed
                ],
                batch_size=2000,
            )
            obligations += len(owed)
    statement_note = _statements(spec["statements"], seed)
    foreign = {c["course"].pk: c["lessons"][1][0] for c in courses}
    result = DataSet(
        size=size,
        people=spec["people"],
        courses=len(courses),
        enrolments=enrolments,
        progress_rows=progress_rows,
        obligations=obligations,
        team=spec["people"] // 2,
        statements=statement_note,
        seconds=0.0,
    )
    # The driven learners: spread over the organisation, each walking a course of theirs
    # that is not one of the mandatory ones (those are the compliance data).
    step = max(1, len(person_ids) // max(1, walkers))
    for user in User.objects.filter(pk__in=person_ids[::step][:walkers]).order_by("pk"):
        c = chosen[user.pk][-1]
        other = next(x for x in courses if x not in chosen[user.pk])
        result.learners.append(
            Walker(
                email=user.email,
                session=_session_for(user),
                slug=c["slug"],
                video=c["video"],
                quiz=c["quiz"],
                foreign_lesson=foreign[other["course"].pk],
            )
        )
    result.managers.append(Walker(email=manager.email, session=_session_for(manager)))
    result.administrators.append(Walker(email=admin.email, session=_session_for(admin)))
    result.seconds = round(time.perf_counter() - started, 1)
    return result


def _statements(count: int, seed: int) -> str:
    """xAPI statements through the xapi app's bulk hook, once it exists."""
    if not count:
        return "none asked"
    from django.apps import apps
    from django.utils.module_loading import import_string

    if not apps.is_installed("lectio.xapi"):
        return f"{count:,} asked; skipped: the xapi app is not installed yet"
    try:
        generator = import_string(STATEMENTS)
    except ImportError:
        return f"{count:,} asked; skipped: {STATEMENTS} does not exist yet"
    generator(count, seed)
    return f"{count:,} generated"
