"""Exporting a category (and everything below it) as GIFT or Moodle XML."""

from collections.abc import Callable

from django.core.files.storage import default_storage
from django.db.models import Prefetch

from lectio.assessments.formats import Exported, Item, gift, moodle_xml
from lectio.assessments.models import Category, Question, QuestionImage, Tag

WRITERS: dict[str, Callable[[list[Item]], Exported]] = {
    "gift": gift.write,
    "moodle_xml": moodle_xml.write,
}
EXTENSIONS = {"gift": ("txt", "text/plain"), "moodle_xml": ("xml", "application/xml")}


def items(category: Category) -> list[Item]:
    """The current version of every question in the category and below, with category
    paths starting at this category's name, and the pictures they show. Four queries
    whatever the size."""
    categories = {c.pk: c for c in category.subtree()}
    skip = category.depth
    questions = (
        Question.objects.filter(category__path__startswith=category.path)
        .select_related("current_version", "category")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("name")), "current_version__images"
        )
        .order_by("category__path", "pk")
    )
    result = []
    for question in questions:
        version = question.current_version
        if version is None:
            continue
        ids = [int(p) for p in question.category.path.strip("/").split("/")][skip:]
        result.append(
            Item(
                type=version.type,
                name=version.name,
                prompt=version.prompt,
                data=version.data,
                general_feedback=version.general_feedback,
                default_mark=float(version.default_mark),
                category=tuple(categories[i].name for i in ids),
                tags=[t.name for t in question.tags.all()],
                translations=version.translations,
                images={_file_name(p): _read(p) for p in version.images.all()},
            )
        )
    return result


def _file_name(picture: QuestionImage) -> str:
    """The name a picture travels under: its key, so it is found again on export."""
    suffix = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}.get(
        picture.content_type, "webp"
    )
    return f"{picture.key}.{suffix}"


def _read(picture: QuestionImage) -> bytes:
    with default_storage.open(picture.file, "rb") as handle:
        data: bytes = handle.read()
    return data


def export(category: Category, format_name: str) -> Exported:
    return WRITERS[format_name](items(category))
