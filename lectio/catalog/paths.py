"""Every write to learning paths (programmes), and publishing them.

A path's draft is its ``PathStep`` rows: a required course, or a group of electives of
which ``pick`` must be completed. ``publish_path`` freezes the draft into an immutable
``PathVersion`` whose ``outline`` is what learners follow until the next publish. Only
live courses may be in a published path.

The outline::

    {"path": {"key", "title", "summary", "language", "visibility", "variants"},
     "steps": [{"kind": "course", "course": 12, "title": "..."},
               {"kind": "elective", "title": "...", "pick": 2,
                "courses": [{"course": 13, "title": "..."}, ...]}]}

Course titles in the outline are what they were at publishing; pages show each course's
live title in the reader's language.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lectio.accounts.models import User
from lectio.catalog import hooks
from lectio.catalog.models import Course, LearningPath, PathStep, PathVersion

PATH_FIELDS = ("title", "summary", "language", "visibility")


def _unique_slug(title: str) -> str:
    base = slugify(title)[:60] or "programme"
    slug = base
    while LearningPath.objects.filter(slug=slug).exists():
        slug = f"{base}-{get_random_string(4).lower()}"
    return slug


def _touch(path: LearningPath) -> None:
    LearningPath.objects.filter(pk=path.pk).update(updated_at=timezone.now())


def _set_fields(path: LearningPath, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(PATH_FIELDS)
    if unknown:
        raise TypeError(f"unexpected path fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(path, name, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def create_path(*, title: str, by: User, **fields: Any) -> LearningPath:
    """A new draft path with no steps."""
    path = LearningPath(title=title.strip(), slug=_unique_slug(title), created_by=by)
    _set_fields(path, fields)
    path.full_clean()
    path.save()
    return path


@transaction.atomic
def update_path(path: LearningPath, **fields: Any) -> LearningPath:
    _set_fields(path, fields)
    path.updated_at = timezone.now()
    path.full_clean()
    path.save()
    return path


@transaction.atomic
def set_path_variants(path: LearningPath, variants: dict[str, dict[str, str]]) -> None:
    """Titles and summaries in other languages; empty ones are dropped."""
    cleaned = {}
    for language, texts in variants.items():
        if language not in dict(settings.LANGUAGES) or language == path.language:
            raise ValidationError(_("That language is not available."), code="language")
        kept = {k: v.strip() for k, v in texts.items() if k in {"title", "summary"} and v.strip()}
        if kept:
            cleaned[language] = kept
    path.variants = cleaned
    path.save(update_fields=["variants"])
    _touch(path)


def _next_position(path: LearningPath) -> int:
    last = PathStep.objects.filter(path=path).aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


@transaction.atomic
def add_course_step(path: LearningPath, course: Course) -> PathStep:
    """A required course at the end of the path."""
    step = PathStep.objects.create(
        path=path, kind=PathStep.Kind.COURSE, course=course, position=_next_position(path)
    )
    _touch(path)
    return step


@transaction.atomic
def add_elective_step(
    path: LearningPath, courses: Iterable[Course], *, pick: int, title: str = ""
) -> PathStep:
    """A group of electives at the end of the path: complete ``pick`` of ``courses``."""
    step = PathStep(path=path, kind=PathStep.Kind.ELECTIVE, position=_next_position(path))
    _set_electives(step, list(courses), pick=pick, title=title)
    _touch(path)
    return step


@transaction.atomic
def update_elective_step(
    step: PathStep, courses: Iterable[Course], *, pick: int, title: str = ""
) -> None:
    if step.kind != PathStep.Kind.ELECTIVE:
        raise ValidationError(_("Only a group of electives has choices."), code="kind")
    _set_electives(step, list(courses), pick=pick, title=title)
    _touch(step.path)


def _set_electives(step: PathStep, courses: list[Course], *, pick: int, title: str) -> None:
    if not courses:
        raise ValidationError(_("Choose at least one course."), code="no_courses")
    if pick < 1 or pick > len(courses):
        raise ValidationError(
            _("The number of courses to complete must be between 1 and %(count)s.")
            % {"count": len(courses)},
            code="pick",
        )
    step.pick, step.title = pick, title.strip()[:200]
    step.save()
    step.courses.set(courses)


@transaction.atomic
def remove_step(step: PathStep) -> None:
    path = step.path
    step.delete()
    _renumber(path)
    _touch(path)


def _renumber(path: LearningPath, steps: list[PathStep] | None = None) -> None:
    for position, step in enumerate(steps or list(PathStep.objects.filter(path=path)), start=1):
        if step.position != position:
            step.position = position
            step.save(update_fields=["position"])


@transaction.atomic
def move_step(step: PathStep, *, up: bool) -> None:
    """One place up or down."""
    steps = list(PathStep.objects.select_for_update().filter(path=step.path_id))
    index = next(i for i, item in enumerate(steps) if item.pk == step.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(steps):
        steps[index], steps[other] = steps[other], steps[index]
        _renumber(step.path, steps)
        _touch(step.path)


@transaction.atomic
def reorder_steps(path: LearningPath, step_ids: list[int]) -> None:
    """Put the steps in this order (every step of the path, each once)."""
    steps = {s.pk: s for s in PathStep.objects.select_for_update().filter(path=path)}
    if sorted(step_ids) != sorted(steps):
        raise ValidationError(_("Give every step of the path once."), code="order")
    _renumber(path, [steps[pk] for pk in step_ids])
    _touch(path)


# ---- Outline, publishing ------------------------------------------------------------------


def draft_steps(path: LearningPath) -> list[PathStep]:
    """The draft's steps with their courses (three queries whatever the size)."""
    return list(
        PathStep.objects.filter(path=path)
        .select_related("course__live_version")
        .prefetch_related("courses__live_version")
        .defer("course__live_version__outline", "course__live_version__search_text")
    )


def _course_title(course: Course) -> str:
    return course.live_version.title if course.live_version else course.title


def build_path_outline(path: LearningPath, steps: list[PathStep] | None = None) -> dict[str, Any]:
    """The draft as learners would follow it."""
    steps = draft_steps(path) if steps is None else steps
    items: list[dict[str, Any]] = []
    for step in steps:
        if step.kind == PathStep.Kind.COURSE:
            assert step.course is not None
            items.append(
                {"kind": "course", "course": step.course.pk, "title": _course_title(step.course)}
            )
        else:
            courses = sorted(step.courses.all(), key=_course_title)
            items.append(
                {
                    "kind": "elective",
                    "title": step.title,
                    "pick": step.pick,
                    "courses": [{"course": c.pk, "title": _course_title(c)} for c in courses],
                }
            )
    return {
        "path": {
            "key": str(path.key),
            "title": path.title,
            "summary": path.summary,
            "language": path.language,
            "visibility": path.visibility,
            "variants": path.variants,
        },
        "steps": items,
    }


def path_course_ids(outline: dict[str, Any]) -> list[int]:
    """Every course of a path outline, in order (required and elective)."""
    ids: list[int] = []
    for step in outline["steps"]:
        if step["kind"] == "course":
            ids.append(step["course"])
        else:
            ids.extend(item["course"] for item in step["courses"])
    return ids


def required_course_ids(outline: dict[str, Any]) -> list[int]:
    """The courses everyone following the path must take (its required steps)."""
    return [step["course"] for step in outline["steps"] if step["kind"] == "course"]


def path_problems(path: LearningPath, steps: list[PathStep] | None = None) -> list[str]:
    """Why the draft cannot be published yet."""
    steps = draft_steps(path) if steps is None else steps
    found = []
    if not steps:
        found.append(_("The path has no steps yet."))
    seen: set[int] = set()
    for number, step in enumerate(steps, start=1):
        courses = [step.course] if step.course is not None else list(step.courses.all())
        if step.kind == PathStep.Kind.ELECTIVE:
            if not courses:
                found.append(_("Step %(number)s has no courses.") % {"number": number})
            elif step.pick > len(courses):
                found.append(
                    _("Step %(number)s asks for %(pick)s of only %(count)s courses.")
                    % {"number": number, "pick": step.pick, "count": len(courses)}
                )
        for course in courses:
            if not course.is_live:
                found.append(
                    _("Step %(number)s: %(title)s is not a live published course.")
                    % {"number": number, "title": _course_title(course)}
                )
            if course.pk in seen:
                found.append(
                    _("Step %(number)s: %(title)s is already in the path.")
                    % {"number": number, "title": _course_title(course)}
                )
            seen.add(course.pk)
    return found


@transaction.atomic
def publish_path(path: LearningPath, *, by: User) -> PathVersion:
    """Make the draft live as a new version, atomically; ValidationError with the
        problems when it is not ready. After commit, ``hooks.path_published`` lets learning
    bring the people following the path up to date."""
    given, path = path, LearningPath.objects.select_for_update().get(pk=path.pk)
    steps = draft_steps(path)
    problems = path_problems(path, steps)
    if problems:
        raise ValidationError(problems, code="not_ready")
    outline = build_path_outline(path, steps)
    previous = path.versions.first()
    info = outline["path"]
    version = PathVersion.objects.create(
        path=path,
        number=(previous.number + 1) if previous else 1,
        published_by=by,
        title=info["title"],
        summary=info["summary"],
        language=info["language"],
        visibility=info["visibility"],
        variants=info["variants"],
        outline=outline,
    )
    path.live_version = version
    path.status = LearningPath.Status.PUBLISHED
    path.save(update_fields=["live_version", "status"])
    given.live_version, given.status = version, path.status
    path_id = path.pk
    transaction.on_commit(lambda: hooks.path_published(path_id))
    return version


@transaction.atomic
def archive_path(path: LearningPath) -> None:
    """Out of the catalogue and closed to new enrolments; every record stays."""
    path.status = LearningPath.Status.ARCHIVED
    path.save(update_fields=["status"])


@transaction.atomic
def restore_path(path: LearningPath) -> None:
    path.status = (
        LearningPath.Status.PUBLISHED if path.live_version_id else LearningPath.Status.DRAFT
    )
    path.save(update_fields=["status"])


def has_unpublished_changes(path: LearningPath) -> bool:
    if path.live_version is None:
        return True
    return bool(build_path_outline(path) != path.live_version.outline)


def localize_path(outline: dict[str, Any], language: str) -> dict[str, Any]:
    """The path's title and summary in ``language`` where there are some."""
    info = dict(outline["path"])
    texts = info.get("variants", {}).get(language, {})
    info["title"] = texts.get("title") or info["title"]
    info["summary"] = texts.get("summary") or info["summary"]
    return {**outline, "path": info}
