"""True/false: a statement that is true or false, with feedback for each response."""

from typing import Any

from django.utils.translation import gettext as _

from lectio.assessments.qtypes._common import Data, Problems, Result, as_dict, html

RESPONSE_SHAPE = {"value": "true or false"}


def clean(data: Data, *, prompt: str = "") -> Data:
    problems = Problems()
    answer = data.get("answer")
    if not isinstance(answer, bool):
        problems.add(_("Say whether the statement is true or false."))
    problems.raise_any()
    return {
        "answer": answer,
        "feedback_true": html(data.get("feedback_true")),
        "feedback_false": html(data.get("feedback_false")),
    }


def grade(data: Data, response: Any) -> Result:
    value = as_dict(response).get("value")
    if not isinstance(value, bool):
        return Result(0.0)
    return Result(1.0 if value is data["answer"] else 0.0, feedback=("true" if value else "false",))


def correct_response(data: Data) -> dict[str, Any]:
    return {"value": data["answer"]}


def public_view(data: Data) -> Data:
    return {}
