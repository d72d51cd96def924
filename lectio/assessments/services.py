"""Every write to question banks: categories, questions and their versions."""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from lectio.accounts.models import User
from lectio.assessments import grading
from lectio.assessments.models import Category, Question, QuestionType, QuestionVersion, Tag
from lectio.assessments.qtypes import QuestionDataError
from lectio.catalog.sanitize import clean_html


@transaction.atomic
def create_category(*, name: str, parent: Category | None = None) -> Category:
    name = " ".join(name.split())
    if not name:
        raise QuestionDataError([_("A category needs a name.")])
    category = Category(name=name[:200], parent=parent, depth=parent.depth + 1 if parent else 0)
    category.path = "/"  # placeholder until the primary key is known
    category.save()
    category.path = f"{parent.path if parent else '/'}{category.pk}/"
    category.save(update_fields=["path"])
    return category


def category_path(names: Sequence[str], *, under: Category | None = None) -> Category:
    """The category at this chain of names below ``under`` (or the top), made as needed."""
    parent = under
    for name in names:
        siblings = Category.objects.filter(parent=parent, name__iexact=" ".join(name.split()))
        found = siblings.first()
        parent = found or create_category(name=name, parent=parent)
    if parent is None:
        raise QuestionDataError([_("A category needs a name.")])
    return parent


def clean_translations(value: Any) -> dict[str, Any]:
    """{language: {"prompt", "feedback", "texts": {id: text}}}, sanitised; unknown
    languages are an error."""
    if not value:
        return {}
    if not isinstance(value, dict):
        raise QuestionDataError([_("Translations must be an object keyed by language.")])
    languages = dict(settings.LANGUAGES)
    cleaned: dict[str, Any] = {}
    problems = []
    for language, entry in value.items():
        if language not in languages:
            problems.append(
                _("“%(value)s” is not a supported language (use one of: %(choices)s).")
                % {"value": language, "choices": ", ".join(languages)}
            )
            continue
        entry = entry if isinstance(entry, dict) else {}
        texts = entry.get("texts")
        texts = texts if isinstance(texts, dict) else {}
        cleaned[language] = {
            "prompt": clean_html(str(entry.get("prompt", ""))),
            "feedback": clean_html(str(entry.get("feedback", ""))),
            "texts": {str(k): clean_html(str(v)) for k, v in texts.items()},
        }
    if problems:
        raise QuestionDataError(problems)
    return cleaned


def _version_fields(
    *,
    type: str,
    prompt: str,
    data: dict[str, Any],
    name: str,
    general_feedback: str,
    translations: Any,
    default_mark: Decimal | float | int,
) -> dict[str, Any]:
    if type not in QuestionType.values:
        raise QuestionDataError([_("Unknown question type “%(type)s”.") % {"type": type}])
    prompt = clean_html(prompt)
    if not prompt:
        raise QuestionDataError([_("The question has no text.")])
    mark = Decimal(str(default_mark))
    if not Decimal(0) < mark < Decimal(10000):
        raise QuestionDataError([_("The default mark must be above 0.")])
    return {
        "type": type,
        "prompt": prompt,
        "data": grading.clean(type, data, prompt=prompt),
        "name": " ".join(name.split())[:255],
        "general_feedback": clean_html(general_feedback),
        "translations": clean_translations(translations),
        "default_mark": mark.quantize(Decimal("0.01")),
    }


def _tags(names: Iterable[str]) -> list[Tag]:
    tags = []
    for raw in names:
        name = " ".join(raw.split())[:100]
        if name:
            tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
            if tag not in tags:
                tags.append(tag)
    return tags


@transaction.atomic
def create_question(
    *,
    category: Category,
    type: str,
    prompt: str,
    data: dict[str, Any],
    by: User | None,
    name: str = "",
    general_feedback: str = "",
    translations: Any = None,
    default_mark: Decimal | float | int = 1,
    tags: Iterable[str] = (),
) -> Question:
    """A new question with its first version. Raises QuestionDataError, writing nothing,
    when the data is not valid for the type."""
    fields = _version_fields(
        type=type,
        prompt=prompt,
        data=data,
        name=name,
        general_feedback=general_feedback,
        translations=translations,
        default_mark=default_mark,
    )
    question = Question.objects.create(category=category, created_by=by)
    version = QuestionVersion.objects.create(question=question, number=1, created_by=by, **fields)
    question.current_version = version
    question.save(update_fields=["current_version"])
    question.tags.set(_tags(tags))
    return question


@transaction.atomic
def revise_question(question: Question, *, by: User | None, **changes: Any) -> QuestionVersion:
    """Editing a question: a new version with the changes; earlier versions stay as they
    were, so attempts that showed them keep showing them."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    current = question.current_version
    assert current is not None
    fields = {
        "type": current.type,
        "prompt": current.prompt,
        "data": current.data,
        "name": current.name,
        "general_feedback": current.general_feedback,
        "translations": current.translations,
        "default_mark": current.default_mark,
    }
    unknown = set(changes) - set(fields)
    if unknown:
        raise TypeError(f"Unknown question fields: {', '.join(sorted(unknown))}")
    fields.update(changes)
    number = (question.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = QuestionVersion.objects.create(
        question=question, number=number, created_by=by, **_version_fields(**fields)
    )
    question.current_version = version
    question.save(update_fields=["current_version"])
    return version


def move_category(category: Category, new_parent: Category | None) -> None:
    """Re-root a category and its subtree (one UPDATE for the paths)."""
    from django.db.models import Value
    from django.db.models.functions import Concat, Length, Substr

    with transaction.atomic():
        if new_parent and new_parent.path.startswith(category.path):
            raise QuestionDataError([_("A category cannot move below itself.")])
        old_path = category.path
        new_path = f"{new_parent.path if new_parent else '/'}{category.pk}/"
        shift = (new_parent.depth + 1 if new_parent else 0) - category.depth
        Category.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
            depth=F("depth") + shift,
        )
        category.parent = new_parent
        category.save(update_fields=["parent"])
        category.refresh_from_db()
