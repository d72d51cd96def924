"""The grading API the quiz and attempt layer uses. Pure functions of a question
version's type and data: no database, no clock, no randomness.

    grade(version.type, version.data, response) -> Result
    public_view(version.type, version.data) -> what the browser may see
    responses_shape(version.type) -> what an attempt page sends
    correct_response(version.type, version.data) -> a response that scores 1
    feedback_texts(version.data) -> {feedback id: HTML} for Result.feedback ids
"""

from typing import Any

from lectio.assessments.qtypes import QuestionDataError, Result, module

__all__ = [
    "QuestionDataError",
    "Result",
    "clean",
    "correct_response",
    "feedback_texts",
    "grade",
    "public_view",
    "responses_shape",
]


def clean(version_type: str, data: Any, *, prompt: str = "") -> dict[str, Any]:
    """The data checked and normalised for its type, or QuestionDataError."""
    if not isinstance(data, dict):
        raise QuestionDataError(["The question data must be an object."])
    cleaned: dict[str, Any] = module(version_type).clean(data, prompt=prompt)
    return cleaned


def grade(version_type: str, data: dict[str, Any], response: Any) -> Result:
    """The grade of a response; ``fraction`` is None when a person must grade it."""
    result: Result = module(version_type).grade(data, response)
    return result


def public_view(version_type: str, data: dict[str, Any]) -> dict[str, Any]:
    view: dict[str, Any] = module(version_type).public_view(data)
    return view


def responses_shape(version_type: str) -> dict[str, Any]:
    shape: dict[str, Any] = module(version_type).RESPONSE_SHAPE
    return shape


def correct_response(version_type: str, data: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = module(version_type).correct_response(data)
    return response


def feedback_texts(data: dict[str, Any]) -> dict[str, str]:
    """The feedback HTML of every choice or accepted answer by the id ``grade`` names in
    ``Result.feedback``: choice and answer ids, ``true``/``false``, and ``gap:id`` in a
    cloze. Only entries with feedback are listed."""
    texts: dict[str, str] = {}
    for item in [*data.get("choices", []), *data.get("answers", [])]:
        if item.get("feedback"):
            texts[str(item.get("id"))] = str(item["feedback"])
    for value in ("true", "false"):
        if data.get(f"feedback_{value}"):
            texts[value] = str(data[f"feedback_{value}"])
    for gap in data.get("gaps", []):
        for item in [*gap.get("choices", []), *gap.get("answers", [])]:
            if item.get("feedback"):
                texts[f"{gap['id']}:{item.get('id')}"] = str(item["feedback"])
    return texts
