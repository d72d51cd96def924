"""Valid data for every question type, shared by the assessments tests."""

from typing import Any

PROMPTS = {
    "cloze": (
        "<p>Water boils at [[temp]] °C and freezes at [[freeze]] °C; its formula is "
        "[[formula]], and it is [[state]] at room temperature.</p>"
    ),
}

RAW: dict[str, dict[str, Any]] = {
    "single": {
        "choices": [
            {
                "text": "Report it to security",
                "fraction": 1,
                "feedback": "Right: security must know.",
            },
            {"text": "Ignore it", "fraction": 0, "feedback": "Never ignore it."},
            {"text": "Forward it to colleagues", "fraction": -0.5, "feedback": "That spreads it."},
        ]
    },
    "multiple": {
        "choices": [
            {"text": "Gloves", "fraction": 0.5, "feedback": "Yes."},
            {"text": "Goggles", "fraction": 0.5, "feedback": "Yes."},
            {"text": "Sandals", "fraction": -0.5, "feedback": "No."},
            {"text": "Shorts", "fraction": -0.5, "feedback": "No."},
        ],
        "scoring": "partial",
    },
    "truefalse": {"answer": False, "feedback_true": "It is not.", "feedback_false": "Right."},
    "short": {
        "answers": [
            {"text": "Ankara", "fraction": 1, "feedback": "Yes."},
            {"text": "Istanbul", "fraction": 0, "feedback": "The largest city, not the capital."},
            {"text": "Ank*", "fraction": 0.5},
        ],
        "case_sensitive": False,
    },
    "numeric": {
        "answers": [
            {"value": 100, "tolerance": 0.5, "fraction": 1, "feedback": "Right."},
            {"value": 100, "tolerance": 5, "fraction": 0.5},
        ],
        "units": [{"unit": "cm", "multiplier": 1}, {"unit": "m", "multiplier": 0.01}],
        "unit_required": False,
    },
    "matching": {
        "pairs": [
            {"prompt": "Fire", "answer": "Extinguisher"},
            {"prompt": "Cut", "answer": "Bandage"},
            {"prompt": "Fall", "answer": "Harness"},
        ],
        "distractors": ["Umbrella"],
    },
    "ordering": {
        "items": [
            {"text": "Raise the alarm"},
            {"text": "Leave the building"},
            {"text": "Go to the assembly point"},
            {"text": "Report to the warden"},
        ],
        "scoring": "partial",
    },
    "cloze": {
        "gaps": [
            {
                "id": "temp",
                "kind": "numeric",
                "weight": 2,
                "answers": [{"value": 100, "tolerance": 0, "fraction": 1}],
            },
            {
                "id": "freeze",
                "kind": "numeric",
                "weight": 1,
                "answers": [{"value": 0, "tolerance": 0, "fraction": 1}],
            },
            {
                "id": "formula",
                "kind": "short",
                "weight": 1,
                "case_sensitive": True,
                "answers": [{"text": "H2O", "fraction": 1, "feedback": "Yes."}],
            },
            {
                "id": "state",
                "kind": "choice",
                "weight": 1,
                "choices": [
                    {"text": "liquid", "fraction": 1, "feedback": "Yes."},
                    {"text": "gas", "fraction": 0, "feedback": "Not at 20 °C."},
                ],
            },
        ]
    },
    "essay": {"rubric": "<p>Names two hazards and one control for each.</p>", "min_words": 50},
}


def prompt(type_name: str) -> str:
    return PROMPTS.get(type_name, f"<p>A {type_name} question?</p>")
