"""IMS QTI 2.1 import: a single ``assessmentItem`` file, or a content package (a zip with
``imsmanifest.xml`` at its root listing the item files), as Canvas and Chamilo exchange.

Read with defusedxml (no entities, no DTDs) through SAX, so every element knows its line;
the item body keeps its mixed content so prompts stay HTML. One interaction per item
becomes one Lectio type; text entries and inline choices inside the text become a cloze.
Every other interaction, several block interactions in one item, template variables and
response-processing templates Lectio cannot follow are listed by name and reason."""

import base64
import binascii
import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from html import escape
from typing import Any, Union
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

import defusedxml.sax
from defusedxml import DefusedXmlException
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from lectio.assessments.formats import FileProblem, Item
from lectio.assessments.rich_text import placeholder_url

ZIP_PREFIX = "qti-package:base64:"  # how a package is kept in QuestionImport.content
MAX_MEMBERS = 2000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 200  # a member inflating more than this is a zip bomb

SUPPORTED = {
    "choiceInteraction", "textEntryInteraction", "extendedTextInteraction",
    "matchInteraction", "associateInteraction", "orderInteraction", "inlineChoiceInteraction",
}  # fmt: skip
KNOWN_TEMPLATES = {"match_correct", "map_response"}
_STRIPPED = {"object"}  # media Lectio does not show


def _reason(interaction: str) -> str:
    reasons = {
        "hotspotInteraction": _("hotspots on an image have no Lectio type"),
        "graphicOrderInteraction": _("ordering on an image has no Lectio type"),
        "graphicAssociateInteraction": _("associating on an image has no Lectio type"),
        "graphicGapMatchInteraction": _("gaps on an image have no Lectio type"),
        "selectPointInteraction": _("picking a point on an image has no Lectio type"),
        "positionObjectInteraction": _("positioning objects has no Lectio type"),
        "gapMatchInteraction": _("drag and drop into text has no Lectio type"),
        "hottextInteraction": _("selecting words in the text has no Lectio type"),
        "sliderInteraction": _("a slider has no Lectio type"),
        "uploadInteraction": _("file upload answers have no Lectio type"),
        "drawingInteraction": _("drawing answers have no Lectio type"),
        "mediaInteraction": _("media interactions have no Lectio type"),
        "customInteraction": _("custom interactions cannot be read"),
        "endAttemptInteraction": _("ending the attempt from a question has no Lectio type"),
    }
    return reasons.get(
        interaction, _("Lectio has no question type for “%(type)s”") % {"type": interaction}
    )


# ---- A tree that keeps mixed content and lines --------------------------------------------


@dataclass
class El:
    tag: str
    attrs: dict[str, str]
    line: int
    content: list[Union["El", str]] = field(default_factory=list)

    @property
    def children(self) -> list["El"]:
        return [c for c in self.content if isinstance(c, El)]

    def find(self, tag: str) -> "El | None":
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list["El"]:
        return [c for c in self.children if c.tag == tag]

    def descendants(self, test: Callable[["El"], bool]) -> list["El"]:
        found = []
        for child in self.children:
            if test(child):
                found.append(child)
            found += child.descendants(test)
        return found

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.content)


class _Builder(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.root: El | None = None
        self.stack: list[El] = []

    def startElement(self, name: str, attrs: Any) -> None:
        locator = getattr(self, "_locator", None)
        line = locator.getLineNumber() if locator else 0
        kept = {
            k.rpartition(":")[2]: v
            for k, v in attrs.items()
            if not k.startswith("xmlns") and not k.startswith("xsi:")
        }
        node = El(name.rpartition(":")[2], kept, line)
        if self.stack:
            self.stack[-1].content.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def endElement(self, name: str) -> None:
        self.stack.pop()

    def characters(self, content: str) -> None:
        if self.stack:
            self.stack[-1].content.append(content)


def _where(source: str, line: int) -> str:
    if source:
        return _("%(file)s, line %(line)s") % {"file": source, "line": line}
    return _("Line %(line)s") % {"line": line}


def read_tree(data: bytes, source: str = "") -> El:
    builder = _Builder()
    try:
        defusedxml.sax.parseString(data, builder, forbid_dtd=True)
    except SAXParseException as exc:
        raise FileProblem(
            _("%(where)s: the XML is not well formed (%(error)s).")
            % {"where": _where(source, exc.getLineNumber() or 0), "error": exc.getMessage()}
        ) from exc
    except DefusedXmlException as exc:
        raise FileProblem(_("The file uses XML entities or a DTD, which are not allowed.")) from exc
    assert builder.root is not None  # a well-formed document has a root
    return builder.root


# ---- Item body to HTML ----------------------------------------------------------------------


def _html(node: El, replace: Callable[[El], str | None], dropped: set[str]) -> str:
    out = []
    for child in node.content:
        if isinstance(child, str):
            out.append(escape(child, quote=False))
            continue
        replaced = replace(child)
        if replaced is not None:
            out.append(replaced)
        elif child.tag == "img":
            # Carried by the package: its placeholder; otherwise the source as written,
            # which the import lists by name as left out (sanitising drops it).
            src, alt = escape(child.attrs.get("src", "")), escape(child.attrs.get("alt", ""))
            out.append(_picture(child) or f'<img src="{src}" alt="{alt}">')
        elif child.tag in _STRIPPED:
            dropped.add(child.tag)
        elif child.tag in ("feedbackInline", "feedbackBlock", "rubricBlock", "prompt"):
            continue
        else:
            attrs = "".join(
                f' {k}="{escape(v)}"' for k, v in child.attrs.items() if k in ("href", "title")
            )
            out.append(f"<{child.tag}{attrs}>{_html(child, replace, dropped)}</{child.tag}>")
    return "".join(out).strip()


# While an item of a package is read: how to read a member of the package, the item's
# own path (pictures are relative to it), and the pictures found so far by path.
_PACKAGE: ContextVar[tuple[Callable[[str], bytes | None], str, dict[str, bytes]] | None] = (
    ContextVar("package", default=None)
)


def _picture(node: El) -> str | None:
    """An ``<img>`` of a package item whose file the package carries, pointing at the
    picture's placeholder until it is stored; None when it cannot be carried."""
    package = _PACKAGE.get()
    src = node.attrs.get("src", "")
    if package is None or not src or "://" in src or src.startswith(("/", "data:")):
        return None
    read_member, source, found = package
    path = posixpath.normpath(posixpath.join(posixpath.dirname(source), src))
    if path.startswith("../"):
        return None
    data = read_member(path)
    if data is None:
        return None
    found[path] = data
    return f'<img src="{placeholder_url(path)}" alt="{escape(node.attrs.get("alt", ""))}">'


def _plain(node: El) -> str:
    return " ".join(strip_tags(node.text).split())


def _keep(node: El) -> None:
    return None


# ---- Responses ------------------------------------------------------------------------------


@dataclass
class Declaration:
    base_type: str
    cardinality: str
    correct: list[str]
    mapping: dict[str, float]
    case_sensitive: bool
    upper_bound: float | None


def _declarations(root: El) -> dict[str, Declaration]:
    found = {}
    for node in root.all("responseDeclaration"):
        correct_node = node.find("correctResponse")
        correct = [v.text.strip() for v in correct_node.all("value")] if correct_node else []
        mapping: dict[str, float] = {}
        case_sensitive = True
        upper = None
        if mapping_node := node.find("mapping"):
            for entry in mapping_node.all("mapEntry"):
                try:
                    mapping[entry.attrs.get("mapKey", "")] = float(entry.attrs["mappedValue"])
                except (KeyError, ValueError):
                    raise ValueError(
                        _("Line %(line)s: a mapEntry needs a numeric mappedValue.")
                        % {"line": entry.line}
                    ) from None
                if entry.attrs.get("caseSensitive", "true") == "false":
                    case_sensitive = False
            if "upperBound" in mapping_node.attrs:
                try:
                    upper = float(mapping_node.attrs["upperBound"])
                except ValueError:
                    upper = None
        found[node.attrs.get("identifier", "")] = Declaration(
            base_type=node.attrs.get("baseType", "identifier"),
            cardinality=node.attrs.get("cardinality", "single"),
            correct=correct,
            mapping=mapping,
            case_sensitive=case_sensitive,
            upper_bound=upper,
        )
    return found


def _declaration(decls: dict[str, Declaration], interaction: El) -> Declaration:
    key = interaction.attrs.get("responseIdentifier", "")
    if key not in decls:
        raise ValueError(
            _("Line %(line)s: the %(tag)s answers “%(id)s”, which has no responseDeclaration.")
            % {"line": interaction.line, "tag": interaction.tag, "id": key}
        )
    return decls[key]


def _scores(decl: Declaration, keys: list[str], *, multiple: bool) -> dict[str, float]:
    """Fractions per key: the mapping divided by the best score, or the correct response."""
    if decl.mapping:
        positive = sorted((v for v in decl.mapping.values() if v > 0), reverse=True)
        best = sum(positive) if multiple else (positive[0] if positive else 0)
        if decl.upper_bound is not None and decl.upper_bound > 0:
            best = min(best, decl.upper_bound) if best else decl.upper_bound
        if not best:
            return dict.fromkeys(keys, 0.0)
        return {k: max(-1.0, min(1.0, decl.mapping.get(k, 0) / best)) for k in keys}
    share = 1 / len(decl.correct) if multiple and decl.correct else 1.0
    return {k: share if k in decl.correct else 0.0 for k in keys}


def _feedback(choice: El) -> str:
    node = choice.find("feedbackInline")
    return _html(node, _keep, set()) if node else ""


def _choices(interaction: El, tag: str, decl: Declaration, *, multiple: bool) -> list[Any]:
    nodes = interaction.all(tag)
    scores = _scores(decl, [n.attrs.get("identifier", "") for n in nodes], multiple=multiple)
    return [
        {
            "text": _html(n, _keep, set()),
            "fraction": round(scores[n.attrs.get("identifier", "")], 7),
            "feedback": _feedback(n),
        }
        for n in nodes
    ]


# ---- Interactions ---------------------------------------------------------------------------


def _choice(item: Item, node: El, decl: Declaration) -> None:
    shuffle = node.attrs.get("shuffle", "false") == "true"
    multiple = decl.cardinality != "single" or node.attrs.get("maxChoices", "1") != "1"
    choices = _choices(node, "simpleChoice", decl, multiple=multiple)
    texts = [strip_tags(c["text"]).strip().lower() for c in choices]
    if not multiple and sorted(texts) == ["false", "true"]:
        item.type = "truefalse"
        by_text = dict(zip(texts, choices, strict=True))
        item.data = {
            "answer": by_text["true"]["fraction"] == 1,
            "feedback_true": by_text["true"]["feedback"],
            "feedback_false": by_text["false"]["feedback"],
        }
    elif not multiple:
        item.type, item.data = "single", {"choices": choices, "shuffle": shuffle}
    else:
        scoring = "partial" if decl.mapping else "all_or_nothing"
        item.type = "multiple"
        item.data = {"choices": choices, "scoring": scoring, "shuffle": shuffle}


def _typed_answers(decl: Declaration, node: El) -> tuple[str, list[dict[str, Any]]]:
    """The kind (short or numeric) and the accepted answers of a text entry."""
    values = list(dict.fromkeys([*decl.correct, *decl.mapping]))
    scores = _scores(decl, values, multiple=False)
    if not values:
        raise ValueError(
            _("Line %(line)s: the text entry has no correct response or mapping.")
            % {"line": node.line}
        )
    if decl.base_type in ("float", "integer"):
        return "numeric", [
            {"value": v, "tolerance": 0, "fraction": scores[v], "feedback": ""} for v in values
        ]
    return "short", [{"text": v, "fraction": scores[v], "feedback": ""} for v in values]


def _text_entry(item: Item, node: El, decl: Declaration) -> None:
    kind, answers = _typed_answers(decl, node)
    item.type = kind
    if kind == "numeric":
        item.data = {"answers": answers, "units": [], "unit_required": False}
    else:
        item.data = {"answers": answers, "case_sensitive": decl.case_sensitive}


def _essay(item: Item, node: El, decl: Declaration) -> None:
    item.type, item.data = "essay", {"rubric": "", "min_words": 0}


def _pairs(item: Item, sources: list[El], targets: list[El], decl: Declaration) -> None:
    by_id = {n.attrs.get("identifier", ""): n for n in [*sources, *targets]}
    source_ids = [n.attrs.get("identifier", "") for n in sources]
    matched: dict[str, str] = {}
    for value in decl.correct:
        first, _sep, second = value.partition(" ")
        if first not in source_ids and second in source_ids:
            first, second = second, first
        if first in matched:
            raise ValueError(
                _("Line %(line)s: “%(id)s” is matched to several answers; Lectio matches one.")
                % {"line": item.line, "id": first}
            )
        if first not in by_id or second not in by_id:
            raise ValueError(
                _("Line %(line)s: the correct pair “%(pair)s” names an unknown choice.")
                % {"line": item.line, "pair": value}
            )
        matched[first] = second
    used = set(matched.values())
    item.type = "matching"
    item.data = {
        "pairs": [
            {"prompt": _html(by_id[s], _keep, set()), "answer": _plain(by_id[t])}
            for s, t in matched.items()
        ],
        "distractors": [
            _plain(n) for n in targets if n.attrs.get("identifier", "") not in used | set(matched)
        ],
        "shuffle": True,
    }


def _match(item: Item, node: El, decl: Declaration) -> None:
    sets = node.all("simpleMatchSet")
    if len(sets) != 2:
        raise ValueError(
            _("Line %(line)s: a matchInteraction needs two simpleMatchSets.") % {"line": node.line}
        )
    _pairs(item, sets[0].all("simpleAssociableChoice"), sets[1].all("simpleAssociableChoice"), decl)


def _associate(item: Item, node: El, decl: Declaration) -> None:
    choices = node.all("simpleAssociableChoice")
    firsts = {v.partition(" ")[0] for v in decl.correct}
    sources = [c for c in choices if c.attrs.get("identifier") in firsts]
    targets = [c for c in choices if c.attrs.get("identifier") not in firsts]
    _pairs(item, sources, targets, decl)


def _order(item: Item, node: El, decl: Declaration) -> None:
    by_id = {n.attrs.get("identifier", ""): n for n in node.all("simpleChoice")}
    if sorted(decl.correct) != sorted(by_id):
        raise ValueError(
            _("Line %(line)s: the correct order must list every choice once.") % {"line": node.line}
        )
    item.type = "ordering"
    item.data = {
        "items": [{"text": _html(by_id[i], _keep, set())} for i in decl.correct],
        "scoring": "all_or_nothing",
    }


_BLOCK: dict[str, Callable[[Item, El, Declaration], None]] = {
    "choiceInteraction": _choice,
    "extendedTextInteraction": _essay,
    "matchInteraction": _match,
    "associateInteraction": _associate,
    "orderInteraction": _order,
}
_GAP_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")


def _cloze(item: Item, body: El, decls: dict[str, Declaration], dropped: set[str]) -> None:
    gaps: list[dict[str, Any]] = []

    def replace(node: El) -> str | None:
        if node.tag not in ("textEntryInteraction", "inlineChoiceInteraction"):
            return None
        decl = _declaration(decls, node)
        response_id = node.attrs.get("responseIdentifier", "")
        gap_id = response_id if _GAP_ID.fullmatch(response_id) else str(len(gaps) + 1)
        gap: dict[str, Any] = {"id": gap_id, "weight": 1}
        if node.tag == "inlineChoiceInteraction":
            gap["kind"] = "choice"
            gap["choices"] = _choices(node, "inlineChoice", decl, multiple=False)
        else:
            gap["kind"], gap["answers"] = _typed_answers(decl, node)
            if gap["kind"] == "short":
                gap["case_sensitive"] = decl.case_sensitive
        gaps.append(gap)
        return f"[[{gap_id}]]"

    item.type = "cloze"
    item.prompt = _html(body, replace, dropped)
    item.data = {"gaps": gaps}


def _template(root: El) -> str:
    """The name of the response-processing template, "" for none, "custom" for rules."""
    node = root.find("responseProcessing")
    if node is None:
        return ""
    url = node.attrs.get("template", "")
    if url:
        return url.rstrip("/").rpartition("/")[2].removesuffix(".xml")
    return "custom" if node.children else ""


def parse_item(
    root: El,
    *,
    source: str = "",
    category: tuple[str, ...] = (),
    read_member: Callable[[str], bytes | None] | None = None,
) -> Item:
    """An item; ``read_member`` (in a package) reads the pictures its body shows."""
    if read_member is None:
        return _parse_item(root, source=source, category=category)
    found: dict[str, bytes] = {}
    token = _PACKAGE.set((read_member, source, found))
    try:
        item = _parse_item(root, source=source, category=category)
    finally:
        _PACKAGE.reset(token)
    item.images = found if item.status == "ok" else {}
    return item


def _parse_item(root: El, *, source: str = "", category: tuple[str, ...] = ()) -> Item:
    item = Item(line=root.line, category=category)
    if root.tag != "assessmentItem":
        item.error = _(
            "%(where)s: this is not a QTI 2.1 item: its root element must be <assessmentItem>."
        ) % {"where": _where(source, root.line)}
        return item
    item.name = root.attrs.get("title", "") or root.attrs.get("identifier", "") or source
    body = root.find("itemBody")
    interactions = (
        body.descendants(lambda n: n.tag.endswith("Interaction")) if body is not None else []
    )
    names = [n.tag for n in interactions]
    item.type = ", ".join(dict.fromkeys(names)) or "assessmentItem"
    if unknown := [n for n in dict.fromkeys(names) if n not in SUPPORTED]:
        item.unsupported = "; ".join(f"{name}: {_reason(name)}" for name in unknown)
        return item
    if root.find("templateDeclaration") is not None:
        item.unsupported = _("template variables (cloned items) cannot be followed")
        return item
    template = _template(root)
    if template and template not in KNOWN_TEMPLATES and template != "custom":
        item.unsupported = _(
            "the response-processing template “%(template)s” cannot be followed"
        ) % {"template": template}
        return item
    if body is None or not interactions:
        item.unsupported = _("an item without interactions is text, not a question")
        return item
    if template == "custom":
        item.warnings.append(
            _("Custom response processing left out: graded from the correct responses.")
        )
    if root.all("modalFeedback"):
        item.warnings.append(_("Modal feedback left out: use per-choice or general feedback."))
    dropped: set[str] = set()
    try:
        decls = _declarations(root)
        inline = {"textEntryInteraction", "inlineChoiceInteraction"}
        if set(names) <= inline and (len(names) > 1 or "inlineChoiceInteraction" in names):
            _cloze(item, body, decls, dropped)
        elif len(names) > 1:
            item.unsupported = _(
                "several interactions in one item (%(names)s): a Lectio question has one"
            ) % {"names": ", ".join(names)}
            return item
        else:
            node = interactions[0]
            decl = _declaration(decls, node)
            prompt_node = node.find("prompt")

            def blank(child: El) -> str | None:
                if child is node:
                    return "_____" if node.tag == "textEntryInteraction" else ""
                return None

            item.prompt = _html(body, blank, dropped)
            if prompt_node is not None:
                item.prompt += f"<p>{_html(prompt_node, _keep, dropped)}</p>"
            if node.tag == "textEntryInteraction":
                _text_entry(item, node, decl)
            else:
                _BLOCK[node.tag](item, node, decl)
    except ValueError as exc:
        message = str(exc)
        item.error = f"{source}: {message}" if source else message
    if dropped:
        item.warnings.append(
            _("Media left out (%(elements)s): Lectio questions show pictures only.")
            % {"elements": ", ".join(f"<{n}>" for n in sorted(dropped))}
        )
    return item


# ---- Packages -------------------------------------------------------------------------------


def pack(data: bytes) -> str:
    return ZIP_PREFIX + base64.b64encode(data).decode("ascii")


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise FileProblem(_("The package is not a valid zip file.")) from exc
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise FileProblem(
            _("The package holds more than %(count)s files.") % {"count": MAX_MEMBERS}
        )
    total = 0
    for member in members:
        name = member.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or re.match(r"[A-Za-z]:", name):
            raise FileProblem(
                _("The package names a file outside itself (%(name)s).") % {"name": name}
            )
        total += member.file_size
        if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
            raise FileProblem(
                _("%(name)s inflates too much to be a question file (a zip bomb?).")
                % {"name": name}
            )
    if total > MAX_UNPACKED_BYTES:
        raise FileProblem(
            _("The package unpacks to more than %(mb)s MB.")
            % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )
    return archive


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as handle:
        data = handle.read(MAX_UNPACKED_BYTES + 1)
    if len(data) > MAX_UNPACKED_BYTES:
        raise FileProblem(_("%(name)s is too large.") % {"name": name})
    return data


def _category(href: str) -> tuple[str, ...]:
    folder = posixpath.dirname(href)
    return tuple(p for p in folder.split("/") if p and p not in (".", "items"))


def parse_package(data: bytes) -> list[Item]:
    archive = _open_zip(data)
    names = set(archive.namelist())
    if "imsmanifest.xml" not in names:
        nested = [n for n in names if n.endswith("/imsmanifest.xml")]
        if nested:
            raise FileProblem(
                _("imsmanifest.xml must be at the root of the zip, not in %(folder)s.")
                % {"folder": posixpath.dirname(nested[0])}
            )
        raise FileProblem(_("The package has no imsmanifest.xml: it is not a QTI package."))
    manifest = read_tree(_read_member(archive, "imsmanifest.xml"), "imsmanifest.xml")
    if manifest.tag != "manifest":
        raise FileProblem(_("imsmanifest.xml: its root element must be <manifest>."))
    items: list[Item] = []
    resources = manifest.find("resources")
    for resource in resources.all("resource") if resources else []:
        kind = resource.attrs.get("type", "")
        href = resource.attrs.get("href", "")
        if not href:
            continue
        path = posixpath.normpath(posixpath.join(resource.attrs.get("base", ""), href))
        if kind.startswith("imsqti_test"):
            items.append(
                Item(
                    line=resource.line,
                    name=path,
                    type="assessmentTest",
                    unsupported=_("a test is a quiz, not a question; its items are imported"),
                )
            )
            continue
        if not kind.startswith("imsqti_item"):
            continue
        if path not in names:
            items.append(
                Item(
                    line=resource.line,
                    name=path,
                    error=_("imsmanifest.xml, line %(line)s: %(file)s is not in the package.")
                    % {"line": resource.line, "file": path},
                )
            )
            continue
        try:
            root = read_tree(_read_member(archive, path), path)
        except FileProblem as exc:
            items.append(Item(line=resource.line, name=path, error=str(exc)))
            continue

        def member(name: str) -> bytes | None:
            return _read_member(archive, name) if name in names else None

        items.append(parse_item(root, source=path, category=_category(path), read_member=member))
    return items


def parse(text: str) -> list[Item]:
    if text.startswith(ZIP_PREFIX):
        try:
            data = base64.b64decode(text.removeprefix(ZIP_PREFIX), validate=True)
        except binascii.Error as exc:
            raise FileProblem(_("The package is not a valid zip file.")) from exc
        return parse_package(data)
    root = read_tree(text.encode("utf-8"))
    if root.tag != "assessmentItem":
        raise FileProblem(
            _("This is not a QTI 2.1 item: its root element must be <assessmentItem>.")
        )
    return [parse_item(root)]
