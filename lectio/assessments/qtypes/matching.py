"""Matching: pair each prompt with its answer, from the answers and some distractors.

Each pair counts equally; the fraction is the share of pairs matched right."""

from typing import Any

from django.utils.translation import gettext as _

from lectio.assessments.qtypes._common import (
    Data,
    Problems,
    Result,
    as_dict,
    as_list,
    html,
    item_id,
    normalise_space,
    text,
)

RESPONSE_SHAPE = {"matches": {"pair id": "the text of the option picked for it"}}


def clean(data: Data, *, prompt: str = "") -> Data:
    problems = Problems()
    pairs = []
    taken: set[str] = set()
    raw = as_list(data.get("pairs"))
    if len(raw) < 2:
        problems.add(_("Give at least two pairs to match."))
    for index, item in enumerate(raw, start=1):
        item = as_dict(item)
        label = _("Pair %(number)s") % {"number": index}
        pair = {
            "id": item_id(item.get("id"), taken, problems, label, "p"),
            "prompt": html(item.get("prompt")),
            "answer": normalise_space(text(item.get("answer"))),
        }
        if not pair["prompt"]:
            problems.add(_("%(where)s has no prompt.") % {"where": label})
        if not pair["answer"]:
            problems.add(_("%(where)s has no answer.") % {"where": label})
        pairs.append(pair)
    answers = {p["answer"] for p in pairs}
    distractors = []
    for item in as_list(data.get("distractors")):
        distractor = normalise_space(text(item))
        if not distractor:
            continue
        if distractor in answers or distractor in distractors:
            problems.add(
                _("The distractor “%(text)s” is also an answer or listed twice.")
                % {"text": distractor}
            )
        distractors.append(distractor)
    problems.raise_any()
    return {"pairs": pairs, "distractors": distractors, "shuffle": bool(data.get("shuffle", True))}


def grade(data: Data, response: Any) -> Result:
    matches = as_dict(as_dict(response).get("matches"))
    parts: dict[str, float | None] = {}
    for pair in data["pairs"]:
        given = matches.get(pair["id"])
        right = isinstance(given, str) and normalise_space(given) == pair["answer"]
        parts[pair["id"]] = 1.0 if right else 0.0
    score = sum(v or 0.0 for v in parts.values()) / len(parts)
    return Result(round(score, 6), parts=parts)


def correct_response(data: Data) -> dict[str, Any]:
    return {"matches": {p["id"]: p["answer"] for p in data["pairs"]}}


def public_view(data: Data) -> Data:
    # The options are sorted, so their order says nothing about which prompt they fit.
    options = sorted(
        {p["answer"] for p in data["pairs"]} | set(data["distractors"]), key=str.casefold
    )
    return {
        "prompts": [{"id": p["id"], "text": p["prompt"]} for p in data["pairs"]],
        "options": options,
        "shuffle": data["shuffle"],
    }
