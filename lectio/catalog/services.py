"""Every write to courses, modules and lessons, and publishing.

Authors change the draft (Course, Module, Lesson rows). ``publish_course`` turns the
draft into an immutable CourseVersion whose ``outline`` is what learners are served, and
points the course at it in one transaction: learners never see a half-edited course.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lectio.accounts.models import User
from lectio.catalog import hooks, kinds
from lectio.catalog.kinds import kind
from lectio.catalog.models import Category, Course, CourseVersion, Lesson, Module, Tag
from lectio.catalog.sanitize import clean_html

COURSE_FIELDS = (
    "title",
    "summary",
    "description",
    "language",
    "category",
    "estimated_minutes",
    "visibility",
    "access",
    "access_days",
    "access_starts_at",
    "access_ends_at",
    "completion",
    "sequential",
    "valid_months",
)
LESSON_FIELDS = ("title", "required", "estimated_minutes", "opens_after_days", "opens_on")


def _unique_slug(title: str) -> str:
    base = slugify(title)[:60] or "course"
    slug = base
    while Course.objects.filter(slug=slug).exists():
        slug = f"{base}-{get_random_string(4).lower()}"
    return slug


def _touch(course: Course) -> None:
    Course.objects.filter(pk=course.pk).update(updated_at=timezone.now())


@transaction.atomic
def create_course(*, title: str, by: User, **fields: Any) -> Course:
    """A new draft course; its creator is its first instructor."""
    tags = fields.pop("tags", None)
    course = Course(title=title.strip(), slug=_unique_slug(title), created_by=by)
    _set_course_fields(course, fields)
    course.full_clean()
    course.save()
    course.instructors.add(by)
    if tags is not None:
        set_tags(course, tags)
    return course


def _set_course_fields(course: Course, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(COURSE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected course fields: {sorted(unknown)}")
    for name, value in fields.items():
        if name == "description":
            value = clean_html(value or "")
        setattr(course, name, value)


@transaction.atomic
def update_course(course: Course, *, tags: Iterable[str] | None = None, **fields: Any) -> Course:
    _set_course_fields(course, fields)
    course.updated_at = timezone.now()
    course.full_clean()
    course.save()
    if tags is not None:
        set_tags(course, tags)
    return course


def set_cover(course: Course, storage_name: str) -> None:
    """The course's cover picture (learners see it from the next publish on)."""
    course.cover = storage_name
    course.updated_at = timezone.now()
    course.save(update_fields=["cover", "updated_at"])


def category_named(name: str) -> Category | None:
    """The category of this name (any case), created if new; None for no name."""
    name = name.strip()[:120]
    if not name:
        return None
    return Category.objects.filter(name__iexact=name).first() or Category.objects.create(name=name)


def set_tags(course: Course, names: Iterable[str]) -> None:
    wanted = {n.strip()[:60] for n in names if n.strip()}
    tags = [Tag.objects.get_or_create(name=name)[0] for name in sorted(wanted)]
    course.tags.set(tags)


def set_instructors(course: Course, instructors: Iterable[User]) -> None:
    people = list(instructors)
    if not people:
        raise ValidationError(_("A course needs at least one instructor."), code="no_instructor")
    course.instructors.set(people)


# ---- Structure -------------------------------------------------------------------------


def _next_position(queryset: Any) -> int:
    return int(queryset.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
def add_module(course: Course, *, title: str) -> Module:
    module = Module(course=course, title=title.strip())
    module.position = _next_position(Module.objects.filter(course=course))
    module.full_clean()
    module.save()
    _touch(course)
    return module


@transaction.atomic
def rename_module(module: Module, *, title: str) -> None:
    module.title = title.strip()
    module.full_clean()
    module.save(update_fields=["title"])
    _touch(module.course)


@transaction.atomic
def remove_module(module: Module) -> None:
    """Take a module and its lessons out of the draft; the rows stay for the records."""
    now = timezone.now()
    module.removed_at = now
    module.save(update_fields=["removed_at"])
    module.lessons.filter(removed_at__isnull=True).update(removed_at=now)
    _touch(module.course)


@transaction.atomic
def add_lesson(module: Module, *, title: str, kind_name: str, **fields: Any) -> Lesson:
    lesson = Lesson(module=module, course_id=module.course_id, title=title.strip(), kind=kind_name)
    lesson.position = _next_position(Lesson.objects.filter(module=module))
    for name, value in fields.items():
        if name not in LESSON_FIELDS:
            raise TypeError(f"unexpected lesson field: {name}")
        setattr(lesson, name, value)
    lesson.full_clean()
    lesson.save()
    _touch(module.course)
    return lesson


@transaction.atomic
def update_lesson(lesson: Lesson, *, content: dict[str, Any] | None = None, **fields: Any) -> None:
    for name, value in fields.items():
        if name not in LESSON_FIELDS:
            raise TypeError(f"unexpected lesson field: {name}")
        setattr(lesson, name, value)
    if content is not None:
        # Merge into what is stored, not into this (possibly stale) instance: an upload
        # finishing meanwhile may have set the file.
        stored = (
            Lesson.objects.select_for_update().values_list("content", flat=True).get(pk=lesson.pk)
        )
        lesson.content = {**stored, **content}
    lesson.updated_at = timezone.now()
    lesson.full_clean()
    lesson.save()
    _touch(lesson.course)


def _other_language(course: Course, language: str) -> str:
    from django.conf import settings

    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("That language is not available."), code="language")
    if language == course.language:
        raise ValidationError(
            _("This is the course's own language; edit the lesson itself."), code="language"
        )
    return language


@transaction.atomic
def set_lesson_variant(
    lesson: Lesson, language: str, *, title: str = "", content: dict[str, Any] | None = None
) -> None:
    """The lesson in another language: its own title and content (a page's text, a video
    with other audio, a document per language). Empty parts fall back to the lesson's."""
    _other_language(lesson.course, language)
    lesson.variants = (
        Lesson.objects.select_for_update().values_list("variants", flat=True).get(pk=lesson.pk)
    )
    variant = dict(lesson.variants.get(language, {}))
    variant["title"] = title.strip()[:200]
    if content is not None:
        variant["content"] = {**variant.get("content", {}), **content}
    lesson.variants = {**lesson.variants, language: variant}
    lesson.updated_at = timezone.now()
    lesson.save(update_fields=["variants", "updated_at"])
    _touch(lesson.course)


@transaction.atomic
def remove_lesson_variant(lesson: Lesson, language: str) -> None:
    lesson.variants = {k: v for k, v in lesson.variants.items() if k != language}
    lesson.save(update_fields=["variants"])
    _touch(lesson.course)


def set_lesson_file(lesson: Lesson, asset_key: str, language: str | None = None) -> None:
    """Attach an uploaded file to the lesson, or to its variant in ``language``."""
    if language and language != lesson.course.language:
        set_lesson_variant(
            lesson,
            language,
            title=lesson.variants.get(language, {}).get("title", ""),
            content={"asset": asset_key},
        )
    else:
        update_lesson(lesson, content={"asset": asset_key})


@transaction.atomic
def set_course_variants(course: Course, variants: dict[str, dict[str, str]]) -> None:
    """Titles and summaries in other languages; empty ones are dropped."""
    cleaned = {}
    for language, texts in variants.items():
        _other_language(course, language)
        kept = {k: v.strip() for k, v in texts.items() if k in {"title", "summary"} and v.strip()}
        if kept:
            cleaned[language] = kept
    course.variants = cleaned
    course.save(update_fields=["variants"])


@transaction.atomic
def remove_lesson(lesson: Lesson) -> None:
    lesson.removed_at = timezone.now()
    lesson.save(update_fields=["removed_at"])
    _touch(lesson.course)


def _swap(items: list[Any], index: int, other: int) -> list[Any]:
    items[index], items[other] = items[other], items[index]
    return items


def _renumber(items: list[Any]) -> None:
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


@transaction.atomic
def move_module(module: Module, *, up: bool) -> None:
    siblings = list(Module.objects.filter(course=module.course_id, removed_at__isnull=True))
    index = next(i for i, m in enumerate(siblings) if m.pk == module.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(siblings):
        _renumber(_swap(siblings, index, other))
        _touch(module.course)


@transaction.atomic
def move_lesson(lesson: Lesson, *, up: bool) -> None:
    """One step up or down; past the first or last lesson of its module, into the
    neighbouring module (at its end going up, at its start going down)."""
    modules = list(Module.objects.filter(course=lesson.course_id, removed_at__isnull=True))
    siblings = list(Lesson.objects.filter(module=lesson.module_id, removed_at__isnull=True))
    index = next(i for i, item in enumerate(siblings) if item.pk == lesson.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(siblings):
        _renumber(_swap(siblings, index, other))
    else:
        m = next(i for i, item in enumerate(modules) if item.pk == lesson.module_id)
        target = m - 1 if up else m + 1
        if not 0 <= target < len(modules):
            return
        siblings.pop(index)
        _renumber(siblings)
        lesson.module = modules[target]
        new_siblings = list(Lesson.objects.filter(module=lesson.module, removed_at__isnull=True))
        new_siblings = [*new_siblings, lesson] if up else [lesson, *new_siblings]
        lesson.save(update_fields=["module"])
        _renumber(new_siblings)
    _touch(lesson.course)


# ---- Outline, publishing ------------------------------------------------------------------


def build_outline(course: Course) -> dict[str, Any]:
    """The draft as learners would get it (also what "preview as learner" shows)."""
    modules = list(Module.objects.filter(course=course, removed_at__isnull=True))
    lessons = Lesson.objects.filter(
        course=course, removed_at__isnull=True, module__removed_at__isnull=True
    )
    by_module: dict[int, list[Lesson]] = {}
    for lesson in lessons.order_by("position", "pk"):
        by_module.setdefault(lesson.module_id, []).append(lesson)
    return {
        "course": {
            "key": str(course.key),
            "title": course.title,
            "summary": course.summary,
            "description": course.description,
            "language": course.language,
            "category": course.category.name if course.category else "",
            "tags": sorted(course.tags.values_list("name", flat=True)),
            "estimated_minutes": course.estimated_minutes,
            "cover": course.cover,
            "visibility": course.visibility,
            "access": course.access,
            "access_days": course.access_days,
            "access_starts_at": course.access_starts_at.isoformat()
            if course.access_starts_at
            else None,
            "access_ends_at": course.access_ends_at.isoformat() if course.access_ends_at else None,
            "completion": course.completion,
            "sequential": course.sequential,
            "valid_months": course.valid_months,
            "prerequisites": sorted(course.prerequisites.values_list("pk", flat=True)),
            "variants": course.variants,
        },
        "modules": [
            {
                "id": module.pk,
                "title": module.title,
                "lessons": [
                    {
                        "id": lesson.pk,
                        "key": str(lesson.key),
                        "title": lesson.title,
                        "kind": lesson.kind,
                        "required": lesson.required,
                        "estimated_minutes": lesson.estimated_minutes,
                        "opens_after_days": lesson.opens_after_days,
                        "opens_on": lesson.opens_on.isoformat() if lesson.opens_on else None,
                        "content": kind(lesson.kind).snapshot(lesson.content),
                        "variants": {
                            language: {
                                "title": variant.get("title", ""),
                                "content": kind(lesson.kind).snapshot(
                                    {**lesson.content, **variant.get("content", {})}
                                ),
                            }
                            for language, variant in sorted(lesson.variants.items())
                        },
                    }
                    for lesson in by_module.get(module.pk, [])
                ],
            }
            for module in modules
        ],
    }


def publish_problems(course: Course, outline: dict[str, Any] | None = None) -> list[str]:
    """Why the draft cannot be published yet, lesson by lesson."""
    outline = outline or build_outline(course)
    lessons = [lesson for module in outline["modules"] for lesson in module["lessons"]]
    found = []
    if not lessons:
        found.append(_("The course has no lessons yet."))
    if (
        outline["course"]["access"] == Course.Access.FIXED
        and not outline["course"]["access_ends_at"]
    ):
        found.append(_("A fixed access period needs an end date."))
    drafts = {
        lesson.pk: lesson
        for lesson in Lesson.objects.filter(pk__in=[item["id"] for item in lessons])
    }
    from django.conf import settings

    names = dict(settings.LANGUAGES)
    for item in lessons:
        draft = drafts[item["id"]]
        for problem in kind(item["kind"]).problems(draft.content):
            found.append(f"{item['title']}: {problem}")
        for language, variant in sorted(draft.variants.items()):
            content = {**draft.content, **variant.get("content", {})}
            for problem in kind(item["kind"]).problems(content):
                found.append(f"{item['title']} ({names.get(language, language)}): {problem}")
    return found


def media_pending(course: Course) -> bool:
    """Whether a lesson of the draft waits for its file to be processed."""
    lessons = Lesson.objects.filter(
        course=course, removed_at__isnull=True, module__removed_at__isnull=True
    )
    for lesson in lessons:
        keys = [lesson.content.get("asset")]
        keys += [v.get("content", {}).get("asset") for v in lesson.variants.values()]
        for key in keys:
            facts = kinds.media_facts(key)
            if facts and facts["status"] in {"queued", "processing"}:
                return True
    return False


def _changes(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, list[str]]:
    def lessons(outline: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
        if outline is None:
            return {}
        return {les["key"]: les for module in outline["modules"] for les in module["lessons"]}

    old, new = lessons(before), lessons(after)
    changed = [
        new[key]["title"]
        for key in new.keys() & old.keys()
        if {k: v for k, v in new[key].items() if k != "id"}
        != {k: v for k, v in old[key].items() if k != "id"}
    ]
    return {
        "added": sorted(new[key]["title"] for key in new.keys() - old.keys()),
        "removed": sorted(old[key]["title"] for key in old.keys() - new.keys()),
        "changed": sorted(changed),
        "settings": sorted(
            name
            for name in after["course"]
            if before is not None and before["course"].get(name) != after["course"][name]
        ),
    }


@transaction.atomic
def publish_course(
    course: Course, *, by: User, major: bool = False, notes: str = ""
) -> CourseVersion:
    """Make the draft live as a new version, atomically."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    outline = build_outline(course)
    problems = publish_problems(course, outline)
    if problems:
        raise ValidationError(problems, code="not_ready")
    previous = course.live_version or course.versions.first()
    info = outline["course"]
    version = CourseVersion.objects.create(
        course=course,
        number=(previous.number + 1) if previous else 1,
        major=major,
        notes=notes.strip(),
        changes=_changes(previous.outline if previous else None, outline),
        published_by=by,
        title=info["title"],
        summary=info["summary"],
        language=info["language"],
        visibility=info["visibility"],
        cover=info["cover"],
        variants=info["variants"],
        search_text=" ".join(
            [
                info["title"],
                info["summary"],
                info["description"],
                *info["tags"],
                *(text for texts in info["variants"].values() for text in texts.values()),
            ]
        ),
        outline=outline,
    )
    version.tags.set(course.tags.all())
    course.live_version = version
    course.status = Course.Status.PUBLISHED
    course.save(update_fields=["live_version", "status"])
    if major and previous is not None:
        course_id, version_id = course.pk, version.pk
        transaction.on_commit(lambda: hooks.major_revision(course_id, version_id))
    return version


@transaction.atomic
def archive_course(course: Course) -> None:
    """Out of the catalogue and closed to new enrolments; every record stays."""
    course.status = Course.Status.ARCHIVED
    course.save(update_fields=["status"])


@transaction.atomic
def restore_course(course: Course) -> None:
    course.status = Course.Status.PUBLISHED if course.live_version_id else Course.Status.DRAFT
    course.save(update_fields=["status"])


def has_unpublished_changes(course: Course) -> bool:
    if course.live_version_id is None:
        return True
    assert course.live_version is not None
    return bool(build_outline(course) != course.live_version.outline)


def localize(outline: dict[str, Any], language: str) -> dict[str, Any]:
    """The outline as a person reading ``language`` gets it: each lesson's variant in that
    language where there is one, else the course's own."""
    course = dict(outline["course"])
    texts = course.get("variants", {}).get(language, {})
    course["title"] = texts.get("title") or course["title"]
    course["summary"] = texts.get("summary") or course["summary"]
    modules = []
    for module in outline["modules"]:
        lessons = []
        for lesson in module["lessons"]:
            variant = lesson.get("variants", {}).get(language)
            if variant:
                lesson = {
                    **lesson,
                    "title": variant["title"] or lesson["title"],
                    "content": variant["content"],
                    "language": language,
                }
            lessons.append({**lesson, "kind_label": str(Lesson.Kind(lesson["kind"]).label)})
        modules.append({**module, "lessons": lessons})
    return {**outline, "course": course, "modules": modules}
