"""Fill in the blanks (cloze): a text with gaps, each a short answer, a number or a choice
with its own weight. The gaps are marked in the prompt as ``[[gap id]]``.

The fraction is the weighted mean of the gaps' fractions."""

import re
from typing import Any

from django.utils.translation import gettext as _

from lectio.assessments.qtypes import numeric, short, single
from lectio.assessments.qtypes._common import (
    Data,
    Problems,
    Result,
    as_dict,
    as_list,
    clamp,
    number,
    text,
)

RESPONSE_SHAPE = {"gaps": {"gap id": "the typed text, or the id of the picked choice"}}
GAP_KINDS = ("short", "numeric", "choice")
MARKER = re.compile(r"\[\[([A-Za-z0-9_-]{1,40})\]\]")


def markers(prompt: str) -> list[str]:
    return MARKER.findall(prompt)


def clean(data: Data, *, prompt: str = "") -> Data:
    problems = Problems()
    gaps = []
    seen: set[str] = set()
    raw = as_list(data.get("gaps"))
    if not raw:
        problems.add(_("Give at least one gap."))
    for index, item in enumerate(raw, start=1):
        item = as_dict(item)
        gap_id = text(str(item.get("id", index)))
        where = _("Gap %(id)s: ") % {"id": gap_id}
        if not MARKER.fullmatch(f"[[{gap_id}]]"):
            problems.add(
                _("%(where)sthe id may only hold letters, digits, - and _.") % {"where": where}
            )
        if gap_id in seen:
            problems.add(_("%(where)sthe id is used twice.") % {"where": where})
        seen.add(gap_id)
        weight = number(item.get("weight", 1))
        if weight is None or weight <= 0:
            problems.add(_("%(where)sthe weight must be a number above 0.") % {"where": where})
        kind = item.get("kind")
        gap: dict[str, Any] = {"id": gap_id, "kind": kind, "weight": weight or 1.0}
        if kind == "short":
            gap["answers"] = short.clean_answers(item.get("answers"), problems, where)
            gap["case_sensitive"] = bool(item.get("case_sensitive", False))
        elif kind == "numeric":
            gap["answers"] = numeric.clean_answers(item.get("answers"), problems, where)
        elif kind == "choice":
            gap["choices"] = single.clean_choices(
                item.get("choices"), problems, low=-1.0, where=where
            )
            if gap["choices"] and not any(c["fraction"] == 1 for c in gap["choices"]):
                problems.add(_("%(where)sno choice is worth 100%%.") % {"where": where})
        else:
            problems.add(
                _("%(where)sthe kind “%(kind)s” is unknown: use short, numeric or choice.")
                % {"where": where, "kind": kind}
            )
        gaps.append(gap)
    in_text = markers(prompt)
    for gap_id in sorted(seen - set(in_text)):
        problems.add(
            _("Gap %(id)s is not in the text: mark its place with [[%(id)s]].") % {"id": gap_id}
        )
    for gap_id in sorted(set(in_text) - seen):
        problems.add(_("The text marks a gap [[%(id)s]] that is not defined.") % {"id": gap_id})
    for gap_id in sorted({g for g in in_text if in_text.count(g) > 1}):
        problems.add(_("The gap [[%(id)s]] is marked more than once.") % {"id": gap_id})
    problems.raise_any()
    return {"gaps": gaps}


def grade_gap(gap: Data, given: Any) -> Result:
    if gap["kind"] == "short":
        return short.grade(gap, {"text": given})
    if gap["kind"] == "numeric":
        return numeric.grade({**gap, "units": [], "unit_required": False}, {"text": given})
    return single.grade(gap, {"choice": given})


def grade(data: Data, response: Any) -> Result:
    given = as_dict(as_dict(response).get("gaps"))
    parts: dict[str, float | None] = {}
    feedback: list[str] = []
    total = weights = 0.0
    for gap in data["gaps"]:
        result = grade_gap(gap, given.get(gap["id"]))
        fraction = result.fraction or 0.0
        parts[gap["id"]] = fraction
        feedback += [f"{gap['id']}:{item}" for item in result.feedback]
        total += gap["weight"] * fraction
        weights += gap["weight"]
    return Result(round(clamp(total / weights), 6), parts=parts, feedback=tuple(feedback))


def correct_response(data: Data) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for gap in data["gaps"]:
        if gap["kind"] == "short":
            answers[gap["id"]] = short.correct_response(gap)["text"]
        elif gap["kind"] == "numeric":
            answers[gap["id"]] = numeric.correct_response(gap)["text"]
        else:
            answers[gap["id"]] = single.correct_response(gap)["choice"]
    return {"gaps": answers}


def public_view(data: Data) -> Data:
    gaps = []
    for gap in data["gaps"]:
        entry: dict[str, Any] = {"id": gap["id"], "kind": gap["kind"]}
        if gap["kind"] == "choice":
            entry["choices"] = [{"id": c["id"], "text": c["text"]} for c in gap["choices"]]
        gaps.append(entry)
    return {"gaps": gaps}
