"""Essay: free text graded by a person, with a rubric for graders."""

from typing import Any

from lectio.assessments.qtypes._common import Data, Result, html, number

RESPONSE_SHAPE = {"text": "the essay"}


def clean(data: Data, *, prompt: str = "") -> Data:
    min_words = number(data.get("min_words", 0)) or 0
    return {"rubric": html(data.get("rubric")), "min_words": max(0, int(min_words))}


def grade(data: Data, response: Any) -> Result:
    return Result(None)


def correct_response(data: Data) -> dict[str, Any]:
    return {"text": "…"}


def public_view(data: Data) -> Data:
    return {"min_words": data["min_words"]}
