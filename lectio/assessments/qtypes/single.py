"""Single choice: one of several choices, each worth a fraction (the best is 100%)."""

from typing import Any

from django.utils.translation import gettext as _

from lectio.assessments.qtypes._common import (
    Data,
    Problems,
    Result,
    as_dict,
    as_list,
    clamp,
    fraction_of,
    html,
    item_id,
)

RESPONSE_SHAPE = {"choice": "the id of one choice"}


def clean_choices(
    value: Any, problems: Problems, *, low: float, where: str = ""
) -> list[dict[str, Any]]:
    choices = []
    taken: set[str] = set()
    raw = as_list(value)
    if len(raw) < 2:
        problems.add(_("%(where)sGive at least two choices.") % {"where": where})
    for index, item in enumerate(raw, start=1):
        item = as_dict(item)
        label = _("%(where)sChoice %(number)s") % {"where": where, "number": index}
        choice = {
            "id": item_id(item.get("id"), taken, problems, label, "c"),
            "text": html(item.get("text")),
            "fraction": fraction_of(item.get("fraction", 0), problems, label, low=low),
            "feedback": html(item.get("feedback")),
        }
        if not choice["text"]:
            problems.add(_("%(where)s has no text.") % {"where": label})
        choices.append(choice)
    return choices


def clean(data: Data, *, prompt: str = "") -> Data:
    problems = Problems()
    choices = clean_choices(data.get("choices"), problems, low=-1.0)
    if choices and not any(c["fraction"] == 1 for c in choices):
        problems.add(_("No choice is fully correct: one choice must be worth 100%."))
    problems.raise_any()
    return {"choices": choices, "shuffle": bool(data.get("shuffle", True))}


def grade(data: Data, response: Any) -> Result:
    picked = as_dict(response).get("choice")
    for choice in data["choices"]:
        if choice["id"] == picked:
            return Result(clamp(choice["fraction"]), feedback=(choice["id"],))
    return Result(0.0)


def correct_response(data: Data) -> dict[str, Any]:
    best = max(data["choices"], key=lambda c: c["fraction"])
    return {"choice": best["id"]}


def public_view(data: Data) -> Data:
    return {
        "choices": [{"id": c["id"], "text": c["text"]} for c in data["choices"]],
        "shuffle": data["shuffle"],
    }
