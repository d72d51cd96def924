"""Moodle XML, both ways. Read with defusedxml (no entities, no DTDs, no network) through
SAX, so every element knows its line."""

import base64
import binascii
import json
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from html import escape as xml_escape
from typing import Any
from urllib.parse import quote
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

import defusedxml.sax
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _

from lectio.assessments.formats import (
    Exported,
    FileProblem,
    Item,
    category_path_from_text,
    category_path_to_text,
    plain_to_html,
)
from lectio.assessments.rich_text import IMAGE_SRC, placeholder_url

# Moodle types Lectio does not have (calculated* too); _reason says why, translated.
UNSUPPORTED = {
    "ddwtos", "ddimageortext", "ddmarker", "gapselect", "randomsamatch", "random", "description",
}  # fmt: skip


def _reason(qtype: str) -> str:
    reasons = {
        "calculated": _("calculated questions (formulas with wildcards) have no Lectio type"),
        "ddwtos": _("drag and drop into text has no Lectio type"),
        "ddimageortext": _("drag and drop onto an image has no Lectio type"),
        "ddmarker": _("drag and drop markers have no Lectio type"),
        "gapselect": _("select missing words has no Lectio type"),
        "randomsamatch": _("random short-answer matching has no Lectio type"),
        "random": _("a random question is a quiz slot, not a question in a bank"),
        "description": _("a description is text between questions, not a question"),
    }
    key = "calculated" if qtype.startswith("calculated") else qtype
    return reasons.get(key, _("Lectio has no question type “%(type)s”") % {"type": qtype})


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list["Node"] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> "Node | None":
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list["Node"]:
        return [c for c in self.children if c.tag == tag]

    def value(self, tag: str, default: str = "") -> str:
        child = self.find(tag)
        return child.text.strip() if child else default

    def inner_text(self, tag: str) -> str:
        """The ``<text>`` of a child element such as ``<name><text>…</text></name>``."""
        child = self.find(tag)
        return child.value("text") if child else ""

    def descendants(self, tag: str) -> list["Node"]:
        found = []
        for child in self.children:
            if child.tag == tag:
                found.append(child)
            found += child.descendants(tag)
        return found


class _Builder(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.root: Node | None = None
        self.stack: list[Node] = []

    def startElement(self, name: str, attrs: Any) -> None:
        locator = getattr(self, "_locator", None)
        line = locator.getLineNumber() if locator else 0
        node = Node(name, dict(attrs.items()), line)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def endElement(self, name: str) -> None:
        self.stack.pop()

    def characters(self, content: str) -> None:
        if self.stack:
            self.stack[-1].text += content


def read_tree(text: str) -> Node:
    builder = _Builder()
    try:
        defusedxml.sax.parseString(text.encode("utf-8"), builder, forbid_dtd=True)
    except SAXParseException as exc:
        raise FileProblem(
            _("Line %(line)s: the XML is not well formed (%(error)s).")
            % {"line": exc.getLineNumber(), "error": exc.getMessage()}
        ) from exc
    except DefusedXmlException as exc:
        raise FileProblem(_("The file uses XML entities or a DTD, which are not allowed.")) from exc
    if builder.root is None or builder.root.tag != "quiz":
        raise FileProblem(_("This is not a Moodle XML file: its root element must be <quiz>."))
    return builder.root


def _html(node: Node | None) -> str:
    if node is None:
        return ""
    text = node.value("text")
    return text if node.attrs.get("format", "html") == "html" else plain_to_html(text)


def _fraction(node: Node) -> float:
    try:
        return float(node.attrs.get("fraction", "0")) / 100
    except ValueError:
        raise ValueError(
            _("Line %(line)s: the fraction “%(value)s” is not a number.")
            % {"line": node.line, "value": node.attrs.get("fraction")}
        ) from None


def _answers(question: Node, *, html: bool = True) -> list[dict[str, Any]]:
    return [
        {
            "text": _html(a) if html else a.value("text"),
            "fraction": _fraction(a),
            "feedback": _html(a.find("feedback")),
        }
        for a in question.all("answer")
    ]


def _flag(question: Node, tag: str, default: bool) -> bool:
    value = question.value(tag, "").lower()
    if not value:
        return default
    return value in ("1", "true", "yes")


# ---- Cloze (Moodle's embedded answers) ---------------------------------------------------

_CLOZE_TYPES = {
    "SHORTANSWER": ("short", False),
    "SA": ("short", False),
    "MW": ("short", False),
    "SHORTANSWER_C": ("short", True),
    "SAC": ("short", True),
    "MWC": ("short", True),
    "NUMERICAL": ("numeric", False),
    "NM": ("numeric", False),
}
_CHOICE_TYPES = {
    "MULTICHOICE", "MC", "MULTICHOICE_V", "MCV", "MULTICHOICE_H", "MCH", "MULTICHOICE_S",
    "MCS", "MULTICHOICE_VS", "MCVS", "MULTICHOICE_HS", "MCHS",
}  # fmt: skip
_EMBEDDED = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^\\}])*)\}")
_UNESCAPE = re.compile(r"\\(.)")


def _embedded_answers(spec: str) -> list[dict[str, Any]]:
    answers = []
    for raw in re.split(r"(?<!\\)~", spec):
        fraction = 0.0
        raw = raw.strip()
        if raw.startswith("="):
            fraction, raw = 1.0, raw[1:]
        elif match := re.match(r"%(-?\d+(?:\.\d+)?)%", raw):
            fraction, raw = float(match.group(1)) / 100, raw[match.end() :]
        pieces = re.split(r"(?<!\\)#", raw, maxsplit=1)
        text, feedback = pieces[0], pieces[1] if len(pieces) > 1 else ""
        answers.append(
            {
                "text": _UNESCAPE.sub(r"\1", text).strip(),
                "fraction": fraction,
                "feedback": _UNESCAPE.sub(r"\1", feedback).strip(),
            }
        )
    return answers


def _cloze(item: Item, text: str, line: int) -> None:
    gaps: list[dict[str, Any]] = []

    def replace(match: re.Match[str]) -> str:
        weight, kind, spec = match.groups()
        gap_id = str(len(gaps) + 1)
        gap: dict[str, Any] = {"id": gap_id, "weight": int(weight or 1)}
        answers = _embedded_answers(spec)
        if kind in _CLOZE_TYPES:
            gap["kind"], case_sensitive = _CLOZE_TYPES[kind]
            if gap["kind"] == "short":
                gap["answers"], gap["case_sensitive"] = answers, case_sensitive
            else:
                gap["answers"] = []
                for answer in answers:
                    value, _sep, tolerance = answer.pop("text").partition(":")
                    gap["answers"].append({**answer, "value": value, "tolerance": tolerance or 0})
        elif kind in _CHOICE_TYPES:
            gap["kind"], gap["choices"] = "choice", answers
        else:
            raise ValueError(
                _("Line %(line)s: gap %(gap)s is of kind %(kind)s, which Lectio does not have.")
                % {"line": line, "gap": gap_id, "kind": kind}
            )
        gaps.append(gap)
        return f"[[{gap_id}]]"

    item.prompt = _EMBEDDED.sub(replace, text)
    item.data = {"gaps": gaps}


# ---- Reading ------------------------------------------------------------------------------


def _question(node: Node, category: tuple[str, ...]) -> Item:
    qtype = node.attrs.get("type", "")
    item = Item(line=node.line, category=category)
    item.name = node.inner_text("name")
    item.tags = [t.value("text") for t in (node.find("tags") or Node("", {}, 0)).all("tag")]
    item.tags = [t for t in item.tags if t]
    item.general_feedback = _html(node.find("generalfeedback"))
    try:
        item.default_mark = float(node.value("defaultgrade", "1") or 1)
    except ValueError:
        item.error = _("Line %(line)s: the default grade is not a number.") % {"line": node.line}
        return item
    prompt_node = node.find("questiontext")
    item.prompt = _html(prompt_node)
    if qtype in UNSUPPORTED or qtype.startswith("calculated") or qtype not in _READERS:
        item.type = qtype
        item.unsupported = _reason(qtype)
        return item
    if node.all("hint"):
        item.warnings.append(_("Hints left out: Lectio has no hints yet."))
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        if node.inner_text(tag):
            item.warnings.append(
                _("Combined feedback (%(tag)s) left out: use per-choice or general feedback.")
                % {"tag": tag}
            )
    try:
        _READERS[qtype](node, item)
        _pictures(node, item)
    except ValueError as exc:
        item.error = str(exc)
    return item


def _pictures(node: Node, item: Item) -> None:
    """The question's embedded files (``<file encoding="base64">`` beside the texts that
    show them as ``@@PLUGINFILE@@/name``): carried as pictures, the texts pointing at
    their placeholders until they are stored."""
    texts = json.dumps([item.prompt, item.general_feedback, item.data])
    for file in node.descendants("file"):
        name = (file.attrs.get("path", "/") + file.attrs.get("name", "")).lstrip("/")
        try:
            data = base64.b64decode("".join(file.text.split()), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(
                _("Line %(line)s: the embedded file “%(name)s” is not valid base64.")
                % {"line": file.line, "name": name}
            ) from None
        placeholder = placeholder_url(name)
        found = False
        for reference in {f"@@PLUGINFILE@@/{quote(name)}", f"@@PLUGINFILE@@/{name}"}:
            found = found or reference in texts
            texts = texts.replace(reference, placeholder)
        if found:
            item.images[name] = data
        else:
            item.warnings.append(
                _("The embedded file “%(name)s” left out: no text shows it.") % {"name": name}
            )
    item.prompt, item.general_feedback, item.data = json.loads(texts)


def _read_multichoice(node: Node, item: Item) -> None:
    choices = _answers(node)
    shuffle = _flag(node, "shuffleanswers", True)
    if _flag(node, "single", True):
        item.type, item.data = "single", {"choices": choices, "shuffle": shuffle}
    else:
        item.type = "multiple"
        item.data = {"choices": choices, "scoring": "partial", "shuffle": shuffle}


def _read_multichoiceset(node: Node, item: Item) -> None:
    item.type = "multiple"
    choices = _answers(node)
    correct = [c for c in choices if c["fraction"] > 0]
    for choice in choices:
        choice["fraction"] = 1 / len(correct) if choice["fraction"] > 0 else 0.0
    item.data = {
        "choices": choices,
        "scoring": "all_or_nothing",
        "shuffle": _flag(node, "shuffleanswers", True),
    }


def _read_truefalse(node: Node, item: Item) -> None:
    item.type = "truefalse"
    answers = {a.value("text").lower(): a for a in node.all("answer")}
    if set(answers) != {"true", "false"}:
        raise ValueError(
            _("Line %(line)s: a true/false question needs the answers “true” and “false”.")
            % {"line": node.line}
        )
    item.data = {
        "answer": _fraction(answers["true"]) > 0,
        "feedback_true": _html(answers["true"].find("feedback")),
        "feedback_false": _html(answers["false"].find("feedback")),
    }


def _read_shortanswer(node: Node, item: Item) -> None:
    item.type = "short"
    item.data = {
        "answers": _answers(node, html=False),
        "case_sensitive": _flag(node, "usecase", False),
    }


def _read_numerical(node: Node, item: Item) -> None:
    item.type = "numeric"
    answers = []
    for answer in node.all("answer"):
        if answer.value("text") == "*":
            item.warnings.append(_("The catch-all answer “*” left out: Lectio has none."))
            continue
        answers.append(
            {
                "value": answer.value("text"),
                "tolerance": answer.value("tolerance", "0") or 0,
                "fraction": _fraction(answer),
                "feedback": _html(answer.find("feedback")),
            }
        )
    units = [
        {"unit": unit.value("unit_name"), "multiplier": unit.value("multiplier", "1")}
        for unit in (node.find("units") or Node("", {}, 0)).all("unit")
    ]
    required = node.value("unitgradingtype", "0") not in ("", "0")
    item.data = {"answers": answers, "units": units, "unit_required": required and bool(units)}


def _read_matching(node: Node, item: Item) -> None:
    item.type = "matching"
    pairs, distractors = [], []
    for sub in node.all("subquestion"):
        prompt = _html(sub)
        answer = sub.inner_text("answer")
        if prompt.strip():
            pairs.append({"prompt": prompt, "answer": answer})
        elif answer:
            distractors.append(answer)
    item.data = {
        "pairs": pairs,
        "distractors": distractors,
        "shuffle": _flag(node, "shuffleanswers", True),
    }


def _read_ordering(node: Node, item: Item) -> None:
    item.type = "ordering"
    grading = node.value("gradingtype", "1")
    if grading not in ("-1", "1"):
        item.warnings.append(
            _("Ordering grading type %(value)s is graded as “next item in place”.")
            % {"value": grading}
        )
    item.data = {
        "items": [{"text": _html(a)} for a in node.all("answer")],
        "scoring": "all_or_nothing" if grading == "-1" else "partial",
    }


def _read_cloze(node: Node, item: Item) -> None:
    item.type = "cloze"
    _cloze(item, item.prompt, node.line)


def _read_essay(node: Node, item: Item) -> None:
    item.type = "essay"
    item.data = {
        "rubric": _html(node.find("graderinfo")),
        "min_words": node.value("minwordlimit", "0") or 0,
    }


_READERS = {
    "multichoice": _read_multichoice,
    "multichoiceset": _read_multichoiceset,
    "truefalse": _read_truefalse,
    "shortanswer": _read_shortanswer,
    "numerical": _read_numerical,
    "matching": _read_matching,
    "ordering": _read_ordering,
    "cloze": _read_cloze,
    "essay": _read_essay,
}


def parse(text: str) -> list[Item]:
    root = read_tree(text)
    items: list[Item] = []
    category: tuple[str, ...] = ()
    for node in root.children:
        if node.tag != "question":
            continue
        if node.attrs.get("type") == "category":
            category = category_path_from_text(node.inner_text("category"))
            continue
        items.append(_question(node, category))
    return items


# ---- Writing ------------------------------------------------------------------------------


def _t(value: object) -> str:
    return xml_escape(str(value), quote=True)


# The pictures of the question being written, by file name (``<key>.<suffix>``).
_PICTURES: ContextVar[dict[str, bytes] | None] = ContextVar("pictures", default=None)


def _files(text: str) -> tuple[str, str]:
    """A text with its bank pictures as ``@@PLUGINFILE@@/name`` and the ``<file>``
    elements that carry them, as Moodle writes them beside the text."""
    pictures = _PICTURES.get() or {}
    used: list[str] = []

    def plugin_file(match: re.Match[str]) -> str:
        name = next((n for n in pictures if n.startswith(match.group(1) + ".")), None)
        if name is None:
            return match.group(0)
        used.append(name)
        return f"@@PLUGINFILE@@/{name}"

    text = IMAGE_SRC.sub(plugin_file, text)
    files = "".join(
        f'<file name="{_t(name)}" path="/" encoding="base64">'
        f"{base64.b64encode(pictures[name]).decode('ascii')}</file>"
        for name in dict.fromkeys(used)
    )
    return text, files


def _text(tag: str, text: str, *, html: bool = True, attrs: str = "") -> str:
    fmt = ' format="html"' if html else ""
    text, files = _files(text)
    return f"<{tag}{fmt}{attrs}><text>{_t(text)}</text>{files}</{tag}>"


def _percent(fraction: float) -> str:
    return f"{round(fraction * 100, 5):g}"


def _answer(
    text: str, fraction: float, feedback: str, *, html: bool = True, extra: str = ""
) -> str:
    fmt = ' format="html"' if html else ' format="plain_text"'
    text, files = _files(text)
    return (
        f'<answer fraction="{_percent(fraction)}"{fmt}><text>{_t(text)}</text>{files}{extra}'
        f"{_text('feedback', feedback)}</answer>"
    )


def _embedded_escape(text: str) -> str:
    return re.sub(r"([}#~/\"\\])", r"\\\1", text)


def _embedded(gap: dict[str, Any]) -> str:
    parts = []
    if gap["kind"] == "choice":
        kind = "MULTICHOICE"
        entries = [(c["text"], c["fraction"], c["feedback"]) for c in gap["choices"]]
    elif gap["kind"] == "short":
        kind = "SHORTANSWER_C" if gap["case_sensitive"] else "SHORTANSWER"
        entries = [(a["text"], a["fraction"], a["feedback"]) for a in gap["answers"]]
    else:
        kind = "NUMERICAL"
        entries = [
            (f"{a['value']!r}:{a['tolerance']!r}", a["fraction"], a["feedback"])
            for a in gap["answers"]
        ]
    for text, fraction, feedback in entries:
        head = "=" if fraction == 1 else f"%{_percent(fraction)}%"
        body = _embedded_escape(text) if gap["kind"] != "numeric" else text
        parts.append(head + body + (f"#{_embedded_escape(feedback)}" if feedback else ""))
    weight = gap["weight"]
    weight_text = str(int(weight)) if float(weight).is_integer() else "1"
    return f"{{{weight_text}:{kind}:{'~'.join(parts)}}}"


def _body(item: Item, lost: list[str]) -> tuple[str, str, str]:
    """The Moodle type, the question text and the type's own elements."""
    data, prompt = item.data, item.prompt
    if item.type in ("single", "multiple"):
        shuffle = f"<shuffleanswers>{'true' if data['shuffle'] else 'false'}</shuffleanswers>"
        if item.type == "multiple" and data["scoring"] == "all_or_nothing":
            answers = "".join(
                _answer(c["text"], 1.0 if c["fraction"] > 0 else 0.0, c["feedback"])
                for c in data["choices"]
            )
            return "multichoiceset", prompt, shuffle + answers
        single = "true" if item.type == "single" else "false"
        answers = "".join(_answer(c["text"], c["fraction"], c["feedback"]) for c in data["choices"])
        return (
            "multichoice",
            prompt,
            f"<single>{single}</single>{shuffle}<answernumbering>abc</answernumbering>{answers}",
        )
    if item.type == "truefalse":
        answers = _answer("true", 1.0 if data["answer"] else 0.0, data["feedback_true"], html=False)
        answers += _answer(
            "false", 0.0 if data["answer"] else 1.0, data["feedback_false"], html=False
        )
        return "truefalse", prompt, answers
    if item.type == "short":
        usecase = f"<usecase>{1 if data['case_sensitive'] else 0}</usecase>"
        answers = "".join(
            _answer(a["text"], a["fraction"], a["feedback"], html=False) for a in data["answers"]
        )
        return "shortanswer", prompt, usecase + answers
    if item.type == "numeric":
        answers = "".join(
            _answer(
                repr(a["value"]),
                a["fraction"],
                a["feedback"],
                html=False,
                extra=f"<tolerance>{a['tolerance']!r}</tolerance>",
            )
            for a in data["answers"]
        )
        units = "".join(
            f"<unit><multiplier>{u['multiplier']!r}</multiplier><unit_name>{_t(u['unit'])}</unit_name></unit>"
            for u in data["units"]
        )
        grading = "1" if data["unit_required"] else "0"
        extra = f"<units>{units}</units>" if units else ""
        return (
            "numerical",
            prompt,
            f"{answers}{extra}<unitgradingtype>{grading}</unitgradingtype>"
            f"<unitpenalty>1</unitpenalty><showunits>{3 if not units else 0}</showunits>"
            "<unitsleft>0</unitsleft>",
        )
    if item.type == "matching":
        subs = "".join(
            f'<subquestion format="html"><text>{_t(p["prompt"])}</text>'
            f"<answer><text>{_t(p['answer'])}</text></answer></subquestion>"
            for p in data["pairs"]
        )
        subs += "".join(
            '<subquestion format="html"><text></text>'
            f"<answer><text>{_t(d)}</text></answer></subquestion>"
            for d in data["distractors"]
        )
        shuffle = f"<shuffleanswers>{'true' if data['shuffle'] else 'false'}</shuffleanswers>"
        return "matching", prompt, shuffle + subs
    if item.type == "ordering":
        grading = "-1" if data["scoring"] == "all_or_nothing" else "1"
        answers = "".join(
            f'<answer fraction="{index}" format="html"><text>{_t(i["text"])}</text></answer>'
            for index, i in enumerate(data["items"], start=1)
        )
        return (
            "ordering",
            prompt,
            "<layouttype>VERTICAL</layouttype><selecttype>ALL</selecttype>"
            f"<selectcount>0</selectcount><gradingtype>{grading}</gradingtype>{answers}",
        )
    if item.type == "cloze":
        gaps = {g["id"]: g for g in data["gaps"]}
        if any(not float(g["weight"]).is_integer() for g in data["gaps"]):
            lost.append(_("fractional gap weights (rounded to 1)"))
        text = re.sub(r"\[\[([A-Za-z0-9_-]+)\]\]", lambda m: _embedded(gaps[m.group(1)]), prompt)
        return "cloze", text, ""
    if item.type == "essay":
        return (
            "essay",
            prompt,
            "<responseformat>editor</responseformat><responserequired>1</responserequired>"
            "<responsefieldlines>15</responsefieldlines>"
            f"<minwordlimit>{data['min_words'] or ''}</minwordlimit><attachments>0</attachments>"
            f"{_text('graderinfo', data['rubric'])}{_text('responsetemplate', '')}",
        )
    raise ValueError(item.type)


def write(items: list[Item]) -> Exported:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    warnings: list[str] = []
    category: tuple[str, ...] | None = None
    for item in items:
        lost: list[str] = []
        _PICTURES.set(item.images)
        qtype, text, body = _body(item, lost)
        if item.translations:
            lost.append(_("translations"))
        if lost:
            warnings.append(
                _("%(question)s: Moodle XML cannot carry %(lost)s.")
                % {"question": item.label, "lost": ", ".join(lost)}
            )
        if item.category != category:
            category = item.category
            out.append(
                '<question type="category"><category><text>'
                f"{_t(category_path_to_text(category))}</text></category></question>"
            )
        tags = "".join(f"<tag><text>{_t(tag)}</text></tag>" for tag in item.tags)
        out.append(
            f'<question type="{qtype}">'
            f"{_text('name', item.name or item.label, html=False)}"
            f"{_text('questiontext', text)}"
            f"{_text('generalfeedback', item.general_feedback)}"
            f"<defaultgrade>{item.default_mark:g}</defaultgrade><penalty>0</penalty><hidden>0</hidden>"
            f"{body}"
            f"{f'<tags>{tags}</tags>' if tags else ''}"
            "</question>"
        )
    out.append("</quiz>\n")
    return Exported(text="\n".join(out), count=len(items), warnings=warnings)
