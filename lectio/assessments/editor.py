"""The question editor: one form per question type, read from and written back to the
type's data. Each type's own ``clean()`` decides what is valid; this module only turns
form fields into data (and data into fields) so the same checks apply as on import.

Types the editor covers are listed in ``EDITABLE``; the others are imported only."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.http import QueryDict

# Blank choice rows offered beyond the existing ones, so the form works without script.
BLANK_ROWS = 3
EDITABLE = (
    "single",
    "multiple",
    "truefalse",
    "short",
    "numeric",
    "matching",
    "ordering",
    "cloze",
    "essay",
)
# Types whose data is a list of rows of text, fraction and feedback.
CHOICE_TYPES = ("single", "multiple")
ROW_TYPES = (*CHOICE_TYPES, "short")


def other_languages() -> list[tuple[str, str]]:
    """The languages a question can be translated into: all but the original one."""
    return [
        (code, str(name)) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
    ]


def choice_rows(type_name: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The choices (or accepted answers) as form rows, then a few blank ones."""
    if type_name not in ROW_TYPES:
        return []
    rows = [
        {
            "id": c["id"],
            "text": c["text"],
            "fraction": f"{c['fraction']:g}",
            "feedback": c["feedback"],
        }
        for c in data.get("choices", data.get("answers", []))
    ]
    rows += [{"id": "", "text": "", "fraction": "", "feedback": ""} for _ in range(BLANK_ROWS)]
    return rows


def rows_from_post(post: QueryDict) -> list[dict[str, Any]]:
    """The rows as posted (kept on the page when the form is refused)."""
    count = _int(post.get("rows"), 0)
    rows = []
    for index in range(min(count, 100)):
        row = {
            key: post.get(f"choice-{index}-{key}", "").strip()
            for key in ("id", "text", "fraction", "feedback")
        }
        rows.append(row)
    return rows


NUMERIC_KEYS = ("id", "value", "tolerance", "fraction", "feedback")
UNIT_KEYS = ("unit", "multiplier")


def numeric_rows(
    type_name: str, data: dict[str, Any]
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """A numeric question's accepted values and units as form rows, then blank ones."""
    if type_name != "numeric":
        return [], []
    answers = [
        {
            "id": str(a["id"]),
            "value": f"{a['value']:g}",
            "tolerance": f"{a['tolerance']:g}",
            "fraction": f"{a['fraction']:g}",
            "feedback": a["feedback"],
        }
        for a in data.get("answers", [])
    ]
    answers += [dict.fromkeys(NUMERIC_KEYS, "") for _ in range(BLANK_ROWS)]
    units = [
        {"unit": u["unit"], "multiplier": f"{u['multiplier']:g}"} for u in data.get("units", [])
    ]
    units += [dict.fromkeys(UNIT_KEYS, "") for _ in range(BLANK_ROWS)]
    return answers, units


def posted_rows(post: QueryDict, prefix: str, keys: tuple[str, ...]) -> list[dict[str, str]]:
    count = _int(post.get(f"{prefix}-rows"), 0)
    return [
        {key: post.get(f"{prefix}-{index}-{key}", "").strip() for key in keys}
        for index in range(min(count, 100))
    ]


def _numeric_data(post: QueryDict) -> dict[str, Any]:
    answers = []
    for row in posted_rows(post, "answer", NUMERIC_KEYS):
        if not any(row[key] for key in NUMERIC_KEYS if key != "id"):
            continue  # a blank row
        answer: dict[str, Any] = {
            "value": row["value"],
            "tolerance": row["tolerance"] or "0",
            "fraction": row["fraction"] or "1",
            "feedback": row["feedback"],
        }
        if row["id"]:
            answer["id"] = row["id"]
        answers.append(answer)
    units = [
        {"unit": row["unit"], "multiplier": row["multiplier"] or "1"}
        for row in posted_rows(post, "unit", UNIT_KEYS)
        if row["unit"] or row["multiplier"]
    ]
    return {"answers": answers, "units": units, "unit_required": post.get("unit_required") == "on"}


ITEM_KEYS = ("id", "text")
PAIR_KEYS = ("id", "prompt", "answer")


def list_rows(
    type_name: str, data: dict[str, Any]
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Ordering items (in the right order) and matching pairs as rows, then blank ones."""
    items = [{"id": str(i["id"]), "text": i["text"]} for i in data.get("items", [])]
    pairs = [
        {"id": str(p["id"]), "prompt": p["prompt"], "answer": p["answer"]}
        for p in data.get("pairs", [])
    ]
    if type_name == "ordering":
        return items + [dict.fromkeys(ITEM_KEYS, "") for _ in range(BLANK_ROWS)], []
    if type_name == "matching":
        return [], pairs + [dict.fromkeys(PAIR_KEYS, "") for _ in range(BLANK_ROWS)]
    return [], []


# Cloze: one fieldset per gap (id, kind, weight, case rule) with rows of answers; a row's
# "text" is the accepted text, the number (numeric gaps) or the choice's text.
GAP_KEYS = ("id", "kind", "weight", "case_sensitive")
GAP_ROW_KEYS = ("id", "text", "tolerance", "fraction", "feedback")
BLANK_GAPS = 2


def _gap_row(gap: dict[str, Any], item: dict[str, Any]) -> dict[str, str]:
    text = f"{item['value']:g}" if gap["kind"] == "numeric" else str(item.get("text", ""))
    return {
        "id": str(item["id"]),
        "text": text,
        "tolerance": f"{item['tolerance']:g}" if "tolerance" in item else "",
        "fraction": f"{item['fraction']:g}",
        "feedback": str(item.get("feedback", "")),
    }


def _blank_gap(gap_id: str = "") -> dict[str, Any]:
    return {
        "id": gap_id,
        "kind": "short",
        "weight": "1",
        "case_sensitive": False,
        "rows": [dict.fromkeys(GAP_ROW_KEYS, "") for _ in range(BLANK_ROWS)],
    }


def gap_forms(type_name: str, data: dict[str, Any], prompt: str = "") -> list[dict[str, Any]]:
    """A cloze question's gaps as fieldsets, each with its rows then blank ones; then a
    blank fieldset for every gap the text marks but nothing defines yet, and a few more."""
    if type_name != "cloze":
        return []
    gaps = []
    for gap in data.get("gaps", []):
        items = gap.get("choices", gap.get("answers", []))
        rows = [_gap_row(gap, item) for item in items]
        rows += [dict.fromkeys(GAP_ROW_KEYS, "") for _ in range(BLANK_ROWS)]
        gaps.append(
            {
                "id": str(gap["id"]),
                "kind": gap["kind"],
                "weight": f"{gap['weight']:g}",
                "case_sensitive": bool(gap.get("case_sensitive")),
                "rows": rows,
            }
        )
    return with_marked_gaps(gaps, prompt)


def with_marked_gaps(gaps: list[dict[str, Any]], prompt: str) -> list[dict[str, Any]]:
    from lectio.assessments.qtypes.cloze import markers

    defined = {g["id"] for g in gaps}
    gaps = [*gaps, *(_blank_gap(m) for m in markers(prompt) if m not in defined)]
    return gaps + [_blank_gap() for _ in range(BLANK_GAPS)]


def posted_gaps(post: QueryDict) -> list[dict[str, Any]]:
    """The gap fieldsets as posted (kept on the page when the form is refused); blank
    ones are dropped and come back by ``with_marked_gaps``."""
    gaps = []
    for index in range(min(_int(post.get("gaps"), 0), 50)):
        name = f"gap-{index}-"
        gap: dict[str, Any] = {
            "id": post.get(name + "id", "").strip(),
            "kind": post.get(name + "kind", "short"),
            "weight": post.get(name + "weight", "").strip() or "1",
            "case_sensitive": post.get(name + "case_sensitive") == "on",
            "rows": posted_rows(post, f"gap-{index}", GAP_ROW_KEYS),
        }
        if gap["id"] or any(any(row.values()) for row in gap["rows"]):
            gaps.append(gap)
    return gaps


def _cloze_data(post: QueryDict) -> dict[str, Any]:
    gaps = []
    for gap in posted_gaps(post):
        entry: dict[str, Any] = {"id": gap["id"], "kind": gap["kind"], "weight": gap["weight"]}
        items = []
        for row in gap["rows"]:
            if not (row["text"] or row["fraction"] or row["feedback"]):
                continue  # a blank row
            item: dict[str, Any] = {
                "fraction": row["fraction"] or ("0" if gap["kind"] == "choice" else "1"),
                "feedback": row["feedback"],
            }
            if gap["kind"] == "numeric":
                item["value"], item["tolerance"] = row["text"], row["tolerance"] or "0"
            else:
                item["text"] = row["text"]
            if row["id"]:
                item["id"] = row["id"]
            items.append(item)
        entry["choices" if gap["kind"] == "choice" else "answers"] = items
        if gap["kind"] == "short":
            entry["case_sensitive"] = gap["case_sensitive"]
        gaps.append(entry)
    return {"gaps": gaps}


def translatable(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(id, original text) of what a learner sees besides the prompt: choices, ordering
    items, matching prompts, the choices of cloze gaps (``gap:choice``) and matching
    options (``option:<text>``)."""
    texts = [(str(c["id"]), c["text"]) for c in data.get("choices", [])]
    texts += [(str(i["id"]), i["text"]) for i in data.get("items", [])]
    texts += [(str(p["id"]), p["prompt"]) for p in data.get("pairs", [])]
    texts += [
        (f"{g['id']}:{c['id']}", c["text"])
        for g in data.get("gaps", [])
        for c in g.get("choices", [])
    ]
    # Matching options are graded by their text: translated by it, shown, never posted.
    options = [p["answer"] for p in data.get("pairs", [])] + list(data.get("distractors", []))
    texts += [(f"option:{option}", option) for option in options]
    return texts


def _with_ids(rows: list[dict[str, str]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    result = []
    for row in rows:
        if not any(row[key] for key in keys if key != "id"):
            continue  # a blank row
        entry: dict[str, Any] = {key: row[key] for key in keys if key != "id"}
        if row["id"]:
            entry["id"] = row["id"]
        result.append(entry)
    return result


def data_from_post(type_name: str, post: QueryDict) -> dict[str, Any]:
    """The type's data from the posted fields, before the type's ``clean()``."""
    if type_name in ROW_TYPES:
        choices = []
        for row in rows_from_post(post):
            if not (row["text"] or row["fraction"] or row["feedback"]):
                continue  # a blank row
            choice: dict[str, Any] = {
                "text": row["text"],
                "fraction": row["fraction"] or "0",
                "feedback": row["feedback"],
            }
            if row["id"]:
                choice["id"] = row["id"]
            choices.append(choice)
        if type_name == "short":
            return {"answers": choices, "case_sensitive": post.get("case_sensitive") == "on"}
        data: dict[str, Any] = {"choices": choices, "shuffle": post.get("shuffle") == "on"}
        if type_name == "multiple":
            data["scoring"] = post.get("scoring", "partial")
        return data
    if type_name == "numeric":
        return _numeric_data(post)
    if type_name == "ordering":
        return {
            "items": _with_ids(posted_rows(post, "item", ITEM_KEYS), ITEM_KEYS),
            "scoring": post.get("scoring", "partial"),
        }
    if type_name == "matching":
        return {
            "pairs": _with_ids(posted_rows(post, "pair", PAIR_KEYS), PAIR_KEYS),
            "distractors": post.get("distractors", "").splitlines(),
            "shuffle": post.get("shuffle") == "on",
        }
    if type_name == "truefalse":
        answer = {"true": True, "false": False}.get(post.get("answer", ""))
        return {
            "answer": answer,
            "feedback_true": post.get("feedback_true", ""),
            "feedback_false": post.get("feedback_false", ""),
        }
    if type_name == "cloze":
        return _cloze_data(post)
    if type_name == "essay":
        return {"rubric": post.get("rubric", ""), "min_words": post.get("min_words", "0")}
    return {}


def translations_from_post(
    post: QueryDict, ids: list[str], feedback_ids: list[str] | None = None
) -> dict[str, Any]:
    """{language: {prompt, feedback, texts, feedbacks}} for the languages given any text."""
    result: dict[str, Any] = {}
    for code, _name in other_languages():
        entry: dict[str, Any] = {
            "prompt": post.get(f"tr-{code}-prompt", "").strip(),
            "feedback": post.get(f"tr-{code}-feedback", "").strip(),
            "texts": {
                i: post.get(f"tr-{code}-text-{i}", "").strip()
                for i in ids
                if post.get(f"tr-{code}-text-{i}", "").strip()
            },
        }
        feedbacks = {
            i: post.get(f"tr-{code}-fb-{i}", "").strip()
            for i in feedback_ids or []
            if post.get(f"tr-{code}-fb-{i}", "").strip()
        }
        if feedbacks:
            entry["feedbacks"] = feedbacks
        if entry["prompt"] or entry["feedback"] or entry["texts"] or feedbacks:
            result[code] = entry
    return result


def mark_from_post(post: QueryDict) -> Decimal | None:
    try:
        return Decimal(post.get("default_mark", "1").strip().replace(",", "."))
    except InvalidOperation:
        return None


def tags_from_post(post: QueryDict) -> list[str]:
    return [name.strip() for name in post.get("tags", "").split(",") if name.strip()]


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or "")
    except ValueError:
        return default


SIMPLE_FIELDS = (
    "prompt",
    "name",
    "general_feedback",
    "default_mark",
    "tags",
    "scoring",
    "answer",
    "feedback_true",
    "feedback_false",
    "rubric",
    "min_words",
    "distractors",
)


def initial_values(version: Any, question: Any) -> dict[str, Any]:
    """The simple fields of the form from the current version (or the defaults)."""
    if version is None:
        return {"default_mark": "1", "shuffle": True, "scoring": "partial", "min_words": "0"}
    data = version.data
    answer = data.get("answer")
    return {
        "prompt": version.prompt,
        "name": version.name,
        "general_feedback": version.general_feedback,
        "default_mark": f"{version.default_mark:g}",
        "tags": ", ".join(t.name for t in question.tags.order_by("name")),
        "shuffle": data.get("shuffle", True),
        "case_sensitive": data.get("case_sensitive", False),
        "unit_required": data.get("unit_required", False),
        "scoring": data.get("scoring", "partial"),
        "answer": "" if answer is None else ("true" if answer else "false"),
        "feedback_true": data.get("feedback_true", ""),
        "feedback_false": data.get("feedback_false", ""),
        "rubric": data.get("rubric", ""),
        "distractors": "\n".join(data.get("distractors", [])),
        "min_words": str(data.get("min_words", 0)),
    }
