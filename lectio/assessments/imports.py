"""Importing a question file: check → preview → apply, like the people import.

``check`` reads the file and validates every question as ``services.create_question``
would, writing nothing; ``apply`` re-checks and, only when every question is importable,
creates the categories and questions in one transaction."""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lectio.accounts.models import User
from lectio.assessments import grading, images, rich_text, services
from lectio.assessments.formats import FileProblem, Item, aiken, gift, moodle_xml, qti
from lectio.assessments.models import Category, QuestionImport
from lectio.assessments.qtypes import QuestionDataError
from lectio.assessments.rich_text import QUESTION_TAGS as ALLOWED_TAGS
from lectio.assessments.rich_text import clean as clean_html

PARSERS: dict[str, Callable[[str], list[Item]]] = {
    QuestionImport.Format.GIFT: gift.parse,
    QuestionImport.Format.AIKEN: aiken.parse,
    QuestionImport.Format.MOODLE_XML: moodle_xml.parse,
    QuestionImport.Format.QTI: qti.parse,
}
DEFAULT_CATEGORY = "Imported"

__all__ = ["FileProblem", "Preview", "apply", "check", "decode", "read_upload"]


@dataclass
class Preview:
    items: list[Item] = field(default_factory=list)
    new_categories: list[tuple[str, ...]] = field(default_factory=list)  # paths to create

    @property
    def ok(self) -> bool:
        """No errors, and something to import. Unsupported questions do not block an
        import: the preview lists them by name and reason, and they are left out."""
        return any(i.status == "ok" for i in self.items) and not any(
            i.status == "error" for i in self.items
        )

    @property
    def importable(self) -> list[Item]:
        return [i for i in self.items if i.status == "ok"]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"ok": 0, "error": 0, "unsupported": 0}
        for item in self.items:
            counts[item.status] += 1
        return counts


def decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            _("The file is not UTF-8 encoded (a byte at position %(pos)s cannot be read).")
            % {"pos": exc.start}
        ) from exc
    if "\x00" in text:
        raise FileProblem(_("The file contains binary data; upload a text file."))
    if not text.strip():
        raise FileProblem(_("The file is empty."))
    return text


def read_upload(format: str, data: bytes) -> str:
    """The text to keep for an uploaded file: a QTI package (a zip) is kept base64-encoded
    and unpacked, checked, at every preview; everything else must be UTF-8 text."""
    if format == QuestionImport.Format.QTI and data.startswith(b"PK"):
        return qti.pack(data)
    return decode(data)


_TAG_NAME = re.compile(r"<\s*([a-zA-Z][a-zA-Z0-9]*)")


def _dropped_html(*texts: str) -> list[str]:
    """The names of the HTML elements sanitising removes from these texts."""
    names = {m.group(1).lower() for text in texts for m in _TAG_NAME.finditer(text)}
    return sorted(names - ALLOWED_TAGS)


_IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def _foreign_pictures(*texts: str) -> list[str]:
    """The sources of pictures the file points at but does not carry (another site, a
    file left behind): sanitising drops them."""
    found = []
    for text in texts:
        for match in _IMG_SRC.finditer(text):
            src = next(g for g in match.groups() if g is not None)
            if not rich_text.IMAGE_SRC.fullmatch(src):
                name = unquote(src.removeprefix("@@PLUGINFILE@@/"))
                if name not in found:
                    found.append(name)
    return found


def _strings(value: object) -> list[str]:
    """Every string in a question's data (choices, feedback, gaps...)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _check_pictures(item: Item) -> None:
    """Every picture the file carries must be one Lectio can store."""
    for name, data in item.images.items():
        try:
            images.check(data)
        except images.ImageProblem as problem:
            item.error = _("Line %(line)s: the picture “%(name)s”: %(problem)s") % {
                "line": item.line,
                "name": name,
                "problem": problem,
            }
            return


def _validate(item: Item) -> None:
    """Check an item as create_question will, turning problems into a line-numbered error."""
    if item.status != "ok":
        return
    if dropped := _dropped_html(item.prompt, item.general_feedback):
        item.warnings.append(
            _("HTML left out of the text: %(elements)s (not allowed in questions).")
            % {"elements": ", ".join(f"<{name}>" for name in dropped)}
        )
    texts = (item.prompt, item.general_feedback, *_strings(item.data))
    if foreign := _foreign_pictures(*texts):
        item.warnings.append(
            _("Pictures left out (not in the file): %(names)s.") % {"names": ", ".join(foreign)}
        )
    _check_pictures(item)
    if item.error:
        return
    try:
        if not 0 < item.default_mark < 10000:
            raise QuestionDataError([_("The default mark must be above 0.")])
        prompt = clean_html(item.prompt)
        if not prompt:
            raise QuestionDataError([_("The question has no text.")])
        item.data = grading.clean(item.type, item.data, prompt=prompt)
    except QuestionDataError as exc:
        item.error = _("Line %(line)s: %(problems)s") % {
            "line": item.line,
            "problems": " ".join(p if p.endswith(".") else p + "." for p in exc.problems),
        }


def _existing_paths(under: Category | None) -> set[tuple[str, ...]]:
    """The paths of names (lower-cased) of the categories below ``under``, one query."""
    categories = list(under.subtree() if under else Category.objects.all())
    by_id = {c.pk: c for c in categories}
    skip = len(under.ancestor_ids()) + 1 if under else 0
    paths = set()
    for category in categories:
        ids = [int(p) for p in category.path.strip("/").split("/")][skip:]
        paths.add(tuple(by_id[i].name.lower() for i in ids if i in by_id))
    return paths


def _target(item: Item, under: Category | None) -> tuple[str, ...]:
    return item.category or (() if under else (DEFAULT_CATEGORY,))


def check(batch: QuestionImport) -> Preview:
    items = PARSERS[batch.format](batch.content)
    if not items:
        raise FileProblem(_("The file holds no questions."))
    for item in items:
        _validate(item)
    existing = _existing_paths(batch.category)
    new: list[tuple[str, ...]] = []
    for item in items:
        if item.status != "ok":
            continue
        path = _target(item, batch.category)
        for depth in range(1, len(path) + 1):
            prefix = path[:depth]
            if tuple(n.lower() for n in prefix) not in existing and prefix not in new:
                new.append(prefix)
    return Preview(items=items, new_categories=new)


def _store_pictures(item: Item, by: User | None, stored: list[str]) -> None:
    """Store the pictures the file carries and point the item's texts at them; the
    storage names are added to ``stored`` so a rolled-back import can delete them."""
    swaps = {}
    for name, data in item.images.items():
        picture = services.store_image(data, name=name.rsplit("/", 1)[-1], by=by)
        stored.append(picture.file)
        swaps[rich_text.placeholder_url(name)] = picture.url
    if not swaps:
        return

    def swap(text: str) -> str:
        for placeholder, url in swaps.items():
            text = text.replace(placeholder, url)
        return text

    item.prompt = swap(item.prompt)
    item.general_feedback = swap(item.general_feedback)
    item.data = json.loads(swap(json.dumps(item.data)))


def apply(batch: QuestionImport, *, by: User | None) -> Preview:
    """Import every importable question of a file in one transaction; nothing when any
    question has an error."""
    preview = check(batch)
    if not preview.ok:
        return preview
    stored: list[str] = []  # picture files written, deleted again if the import fails
    try:
        with transaction.atomic():
            categories: dict[tuple[str, ...], Category] = {}
            for item in preview.importable:
                path = _target(item, batch.category)
                if path not in categories:
                    if path:
                        categories[path] = services.category_path(path, under=batch.category)
                    else:
                        assert batch.category is not None  # _target gives a path when None
                        categories[path] = batch.category
                _store_pictures(item, by, stored)
                services.create_question(
                    category=categories[path],
                    type=item.type,
                    prompt=item.prompt,
                    data=item.data,
                    by=by,
                    name=item.name,
                    general_feedback=item.general_feedback,
                    default_mark=item.default_mark,
                    tags=item.tags,
                )
            batch.status = QuestionImport.Status.APPLIED
            batch.question_count = len(preview.importable)
            batch.applied_at = timezone.now()
            batch.save(update_fields=["status", "question_count", "applied_at"])
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return preview
