"""GIFT, Moodle's plain-text question format, both ways.

Questions are separated by blank lines; ``//`` starts a comment line (``// [tag:x]``
tags the next question); ``$CATEGORY: a/b`` puts the questions after it in a category.
A question is ``::name::`` (optional), ``[html]`` (optional), the text and an answer
block in braces; text after the block makes it a missing-word question. ``\\`` escapes
``~ = # { } :`` and ``\\n`` is a new line."""

import re
from typing import Any

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from lectio.assessments.formats import (
    Exported,
    Item,
    category_path_from_text,
    category_path_to_text,
    plain_to_html,
)

SPECIAL = "~=#{}:"
# Escaped characters become private-use code points while the structure is read.
_CODES = {c: chr(0xE000 + i) for i, c in enumerate(SPECIAL + "\\")}
_UNESCAPES = {v: k for k, v in _CODES.items()}
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_TAG = re.compile(r"//\s*\[tag:([^\]]+)\]")
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_TRUE_FALSE = re.compile(r"(T|TRUE|F|FALSE)((?:#.*)?)", re.IGNORECASE | re.DOTALL)
_FORMAT = re.compile(r"\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
GAP = "[[1]]"


class GiftError(Exception):
    pass


def _protect(text: str) -> str:
    def code(match: re.Match[str]) -> str:
        char = match.group(1)
        return "\n" if char == "n" else _CODES.get(char, match.group(0))

    return _ESCAPE.sub(code, text)


def _restore(text: str) -> str:
    for code, char in _UNESCAPES.items():
        text = text.replace(code, char)
    return text.strip()


def _text(raw: str, html: bool) -> str:
    text = _restore(raw)
    return text if html else plain_to_html(text)


def _split_answers(body: str) -> list[tuple[str, str]]:
    """``=a ~b ~%50%c`` as (marker, rest) pairs."""
    parts = re.split(r"([=~])", body)
    if parts[0].strip():
        raise GiftError(
            _("Text “%(text)s” before the first answer: start each answer with = or ~.")
            % {"text": _restore(parts[0])[:40]}
        )
    return [(parts[i], parts[i + 1]) for i in range(1, len(parts) - 1, 2)]


def _weight(rest: str, default: float) -> tuple[float, str]:
    match = _WEIGHT.match(rest.strip())
    if not match:
        return default, rest
    return float(match.group(1)) / 100, rest.strip()[match.end() :]


def _feedback(rest: str, html: bool) -> tuple[str, str]:
    text, _sep, feedback = rest.partition("#")
    return text, _text(feedback, html)


def _numeric_answer(spec: str) -> dict[str, Any]:
    spec = _restore(spec)
    try:
        if ".." in spec:
            low, high = (float(x) for x in spec.split("..", 1))
            return {"value": (low + high) / 2, "tolerance": abs(high - low) / 2}
        value, _sep, tolerance = spec.partition(":")
        return {"value": float(value), "tolerance": float(tolerance or 0)}
    except ValueError:
        raise GiftError(
            _("“%(text)s” is not a number, a number:tolerance or a low..high range.")
            % {"text": spec}
        ) from None


def _answer_block(body: str, html: bool) -> tuple[str, dict[str, Any]]:
    """The type and data of an answer block's contents."""
    body = body.strip()
    if not body:
        return "essay", {}
    if body.startswith("#"):
        body = body[1:].strip()
        numbers: list[dict[str, Any]] = []
        if body.startswith("="):
            for marker, rest in _split_answers(body):
                if marker != "=":
                    raise GiftError(_("Numeric answers start with =."))
                fraction, rest = _weight(rest, 1.0)
                spec, feedback = _feedback(rest, html)
                numbers.append(
                    {**_numeric_answer(spec), "fraction": fraction, "feedback": feedback}
                )
        else:
            spec, feedback = _feedback(body, html)
            numbers.append({**_numeric_answer(spec), "fraction": 1, "feedback": feedback})
        return "numeric", {"answers": numbers}
    true_false = _TRUE_FALSE.fullmatch(body)
    if true_false:
        answer = true_false.group(1).upper().startswith("T")
        feedbacks = [_text(f, html) for f in true_false.group(2).split("#")[1:]] + ["", ""]
        wrong, right = feedbacks[0], feedbacks[1]
        return "truefalse", {
            "answer": answer,
            "feedback_true": right if answer else wrong,
            "feedback_false": wrong if answer else right,
        }
    if "=" not in body and "~" not in body:  # one short answer written without its "="
        text, feedback = _feedback(body, html)
        return "short", {"answers": [{"text": _restore(text), "fraction": 1, "feedback": feedback}]}
    answers = _split_answers(body)
    if not answers:
        raise GiftError(_("The answer block has no answers."))
    if any("->" in rest for _marker, rest in answers):
        pairs, distractors = [], []
        for marker, rest in answers:
            if marker != "=" or "->" not in rest:
                raise GiftError(_("Each matching pair is written “=prompt -> answer”."))
            left, right = rest.split("->", 1)
            if _restore(left):
                pairs.append({"prompt": _text(left, html), "answer": _restore(right)})
            else:
                distractors.append(_restore(right))
        return "matching", {"pairs": pairs, "distractors": distractors}
    choices: list[dict[str, Any]] = []
    for marker, rest in answers:
        fraction, rest = _weight(rest, 1.0 if marker == "=" else 0.0)
        text, feedback = _feedback(rest, html)
        choices.append({"text": text, "fraction": fraction, "feedback": feedback, "marker": marker})
    if all(c["marker"] == "=" for c in choices):
        return "short", {
            "answers": [
                {"text": _restore(c["text"]), "fraction": c["fraction"], "feedback": c["feedback"]}
                for c in choices
            ]
        }
    cleaned = [
        {
            "text": _text(c["text"], html),
            "fraction": c["fraction"],
            "feedback": c["feedback"],
            "raw": _restore(c["text"]),  # for a gap, where text stays inline
        }
        for c in choices
    ]
    # As in Moodle: exactly one answer marked = is a single choice; answers all marked ~
    # with weights are a multiple response.
    if sum(1 for c in choices if c["marker"] == "=") == 1:
        return "single", {"choices": cleaned}
    return "multiple", {"choices": cleaned, "scoring": "partial"}


def _find_block(text: str) -> tuple[int, int]:
    start = text.find("{")
    if start < 0:
        return -1, -1
    end = text.find("}", start)
    if end < 0:
        raise GiftError(_("The answer block is not closed: a “}” is missing."))
    if "{" in text[start + 1 : end]:
        raise GiftError(_("A “{” inside the answer block: escape it as \\{."))
    return start, end


def _question(block: str, line: int, category: tuple[str, ...], tags: list[str]) -> Item:
    item = Item(line=line, category=category, tags=tags)
    text = _protect(block.strip())
    try:
        if text.startswith("::"):
            end = text.find("::", 2)
            if end < 0:
                raise GiftError(_("The question name is not closed with ::."))
            item.name = _restore(text[2:end])
            text = text[end + 2 :].lstrip()
        html = False
        if fmt := _FORMAT.match(text):
            html = fmt.group(1).lower() == "html"
            if fmt.group(1).lower() == "markdown":
                item.warnings.append(_("Markdown is imported as plain text."))
            text = text[fmt.end() :]
        start, end = _find_block(text)
        if start < 0:
            item.unsupported = _("A text without an answer block is a description, not a question.")
            item.prompt = _text(text, html)
            return item
        before, body, after = text[:start], text[start + 1 : end], text[end + 1 :]
        if "}" in after or "{" in after:
            raise GiftError(_("A question may have only one answer block."))
        body, _sep, general = body.partition("####")
        item.general_feedback = _text(general, html)
        item.type, item.data = _answer_block(body, html)
        if _restore(after):
            if item.type in ("single", "short", "numeric"):
                gap: dict[str, Any] = {"id": "1", "kind": item.type, "weight": 1}
                if item.type == "single":
                    choices = [{**c, "text": c.pop("raw")} for c in item.data["choices"]]
                    gap = {**gap, "kind": "choice", "choices": choices}
                else:
                    gap["answers"] = item.data["answers"]
                item.type, item.data = "cloze", {"gaps": [gap]}
                item.prompt = _text(f"{before}{GAP}{after}", html)
            else:
                item.prompt = _text(f"{before}_____{after}", html)
        else:
            item.prompt = _text(before, html)
        for choice in item.data.get("choices", []):
            choice.pop("raw", None)
        if not strip_tags(item.prompt).strip():
            raise GiftError(_("The question has no text."))
    except GiftError as exc:
        item.error = _("Line %(line)s: %(problem)s") % {"line": line, "problem": exc}
    return item


def parse(text: str) -> list[Item]:
    items: list[Item] = []
    category: tuple[str, ...] = ()
    tags: list[str] = []
    block: list[str] = []
    start = 0

    def flush() -> None:
        nonlocal block, tags
        if block:
            items.append(_question("\n".join(block), start, category, tags))
        block, tags = [], []

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("//"):
            if tag := _TAG.match(line):
                tags.append(tag.group(1).strip())
            continue
        if not line:
            flush()
            continue
        if line.startswith("$CATEGORY:") and not block:
            category = category_path_from_text(line[len("$CATEGORY:") :])
            continue
        if not block:
            start = number
        block.append(raw)
    flush()
    return items


# ---- Writing ----------------------------------------------------------------------------


def escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _percent(fraction: float) -> str:
    return f"%{round(fraction * 100, 5):g}%"


def _with_feedback(text: str, feedback: str) -> str:
    return f"{text}#{escape(feedback)}" if feedback else text


def _choice_block(choices: list[dict[str, Any]], *, multiple: bool) -> str:
    parts = []
    marked = multiple
    for choice in choices:
        fraction = choice["fraction"]
        if not marked and fraction == 1:
            head, marked = "=", True
        elif fraction == 0:
            head = "~"
        else:
            head = "~" + _percent(fraction)
        parts.append(_with_feedback(head + escape(choice["text"]), choice["feedback"]))
    return " ".join(parts)


def _short_block(answers: list[dict[str, Any]]) -> str:
    parts = []
    for answer in answers:
        head = "=" if answer["fraction"] == 1 else "=" + _percent(answer["fraction"])
        parts.append(_with_feedback(head + escape(answer["text"]), answer["feedback"]))
    return " ".join(parts)


def _numeric_block(answers: list[dict[str, Any]]) -> str:
    parts = []
    for answer in answers:
        head = "=" if answer["fraction"] == 1 else "=" + _percent(answer["fraction"])
        spec = f"{answer['value']!r}:{answer['tolerance']!r}"
        parts.append(_with_feedback(head + escape(spec), answer["feedback"]))
    return "#" + " ".join(parts)


def _block(item: Item, lost: list[str]) -> str | None:
    data = item.data
    if item.type == "single":
        return _choice_block(data["choices"], multiple=False)
    if item.type == "multiple":
        choices = data["choices"]
        if data["scoring"] == "all_or_nothing":
            lost.append(_("all-or-nothing scoring became partial credit"))
            correct = [c for c in choices if c["fraction"] > 0]
            wrong = [c for c in choices if c["fraction"] <= 0]
            choices = [{**c, "fraction": 1 / len(correct)} for c in correct] + [
                {**c, "fraction": -1.0} for c in wrong
            ]
        return _choice_block(choices, multiple=True)
    if item.type == "truefalse":
        right, wrong = (
            (data["feedback_true"], data["feedback_false"])
            if data["answer"]
            else (data["feedback_false"], data["feedback_true"])
        )
        block = "TRUE" if data["answer"] else "FALSE"
        if right or wrong:
            block += f"#{escape(wrong)}#{escape(right)}"
        return block
    if item.type == "short":
        if data["case_sensitive"]:
            lost.append(_("case-sensitive matching"))
        return _short_block(data["answers"])
    if item.type == "numeric":
        if data["units"]:
            lost.append(_("units"))
        return _numeric_block(data["answers"])
    if item.type == "matching":
        pairs = [f"={escape(p['prompt'])} -> {escape(p['answer'])}" for p in data["pairs"]]
        pairs += [f"= -> {escape(d)}" for d in data["distractors"]]
        return " ".join(pairs)
    if item.type == "essay":
        if data["rubric"]:
            lost.append(_("the grading rubric"))
        if data["min_words"]:
            lost.append(_("the minimum number of words"))
        return ""
    return None


def _cloze(item: Item, lost: list[str]) -> tuple[str, str] | None:
    """A cloze question with one gap as a missing-word question: text before, block."""
    gaps = item.data["gaps"]
    if len(gaps) != 1:
        return None
    gap = gaps[0]
    if gap["kind"] == "choice":
        block = _choice_block(gap["choices"], multiple=False)
    elif gap["kind"] == "short":
        if gap["case_sensitive"]:
            lost.append(_("case-sensitive matching"))
        block = _short_block(gap["answers"])
    else:
        block = _numeric_block(gap["answers"])
    return item.prompt.replace(f"[[{gap['id']}]]", "\x00"), block


def write(items: list[Item]) -> Exported:
    chunks: list[str] = []
    warnings: list[str] = []
    category: tuple[str, ...] | None = None
    count = 0
    for item in items:
        lost: list[str] = []
        label = item.label
        prompt = item.prompt
        if item.type == "cloze":
            cloze = _cloze(item, lost)
            block = None
            if cloze:
                prompt, block = cloze
        else:
            block = _block(item, lost)
        if block is None:
            reason = (
                _("GIFT has no ordering questions")
                if item.type == "ordering"
                else _("GIFT has only one gap per question")
            )
            warnings.append(
                _("%(question)s: left out (%(reason)s).") % {"question": label, "reason": reason}
            )
            continue
        if item.default_mark != 1:
            lost.append(_("the default mark"))
        if item.translations:
            lost.append(_("translations"))
        if item.images:
            lost.append(_("pictures"))
        if lost:
            warnings.append(
                _("%(question)s: GIFT cannot carry %(lost)s.")
                % {"question": label, "lost": ", ".join(lost)}
            )
        if item.category != category:
            category = item.category
            chunks.append(f"$CATEGORY: {category_path_to_text(category)}\n")
        lines = [f"// [tag:{tag}]" for tag in item.tags]
        name = f"::{escape(item.name)}::" if item.name else ""
        if item.general_feedback:
            block += f" ####{escape(item.general_feedback)}"
        before, gap, after = escape(prompt).partition("\x00")
        text = (
            f"{name}[html]{before}{{{block}}}{after}" if gap else f"{name}[html]{before}{{{block}}}"
        )
        lines.append(text)
        chunks.append("\n".join(lines) + "\n")
        count += 1
    return Exported(text="\n".join(chunks), count=count, warnings=warnings)
