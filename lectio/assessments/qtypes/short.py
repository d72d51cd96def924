"""Short answer: typed text compared with accepted answers, each with its own fraction.

The first accepted answer that matches counts (so list the best first). Whitespace is
normalised, case is ignored unless the question is case-sensitive, ``*`` matches any
text and ``\\*`` a literal star."""

from typing import Any

from django.utils.translation import gettext as _

from lectio.assessments.qtypes._common import (
    Data,
    Problems,
    Result,
    as_dict,
    as_list,
    fraction_of,
    html,
    item_id,
    normalise_space,
    text,
    text_matches,
)

RESPONSE_SHAPE = {"text": "the typed answer"}


def clean_answers(value: Any, problems: Problems, where: str = "") -> list[dict[str, Any]]:
    answers = []
    taken: set[str] = set()
    raw = as_list(value)
    if not raw:
        problems.add(_("%(where)sGive at least one accepted answer.") % {"where": where})
    for index, item in enumerate(raw, start=1):
        item = as_dict(item)
        label = _("%(where)sAnswer %(number)s") % {"where": where, "number": index}
        answer = {
            "id": item_id(item.get("id"), taken, problems, label, "a"),
            "text": normalise_space(text(item.get("text"))),
            "fraction": fraction_of(item.get("fraction", 1), problems, label),
            "feedback": html(item.get("feedback")),
        }
        if not answer["text"]:
            problems.add(_("%(where)s is empty.") % {"where": label})
        answers.append(answer)
    if answers and not any(a["fraction"] == 1 for a in answers):
        problems.add(
            _("%(where)sNo answer is fully correct: one must be worth 100%%.") % {"where": where}
        )
    return answers


def clean(data: Data, *, prompt: str = "") -> Data:
    problems = Problems()
    answers = clean_answers(data.get("answers"), problems)
    problems.raise_any()
    return {"answers": answers, "case_sensitive": bool(data.get("case_sensitive", False))}


def grade(data: Data, response: Any) -> Result:
    typed = as_dict(response).get("text")
    if not isinstance(typed, str) or not typed.strip():
        return Result(0.0)
    for answer in data["answers"]:
        if text_matches(answer["text"], typed, case_sensitive=data["case_sensitive"]):
            return Result(answer["fraction"], feedback=(answer["id"],))
    return Result(0.0)


def example(answer: str) -> str:
    """A response that the accepted answer matches (each wildcard star stands for "x")."""
    return answer.replace("\\*", "\x00").replace("*", "x").replace("\x00", "*")


def correct_response(data: Data) -> dict[str, Any]:
    best = max(data["answers"], key=lambda a: a["fraction"])
    return {"text": example(best["text"])}


def public_view(data: Data) -> Data:
    return {}
