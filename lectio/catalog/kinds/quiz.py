"""A quiz.

Its content arrives with the assessments app; until then it is a placeholder that learners see as
not yet available.
"""

from typing import Any

ContentForm = None


def snapshot(content: dict[str, Any]) -> dict[str, Any]:
    return dict(content)


def problems(content: dict[str, Any]) -> list[str]:
    return []
