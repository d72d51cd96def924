"""Reading commits and mapping SCORM data to outcomes and their rollup."""

import pytest

from lectio.scorm import runtime
from lectio.scorm.runtime import CommitRefused, Outcome


def commit12(**core):
    return {"session": 1, "seq": 1, "cmi": {"core": core}}


def test_it_reads_a_scorm_12_commit():
    data = runtime.read_commit(
        "scorm12",
        {
            "session": 2,
            "seq": 5,
            "finished": True,
            "cmi": {
                "core": {
                    "lesson_status": "passed",
                    "score": {"raw": "85", "min": "0", "max": "100"},
                    "session_time": "0001:02:03.50",
                    "exit": "suspend",
                    "lesson_location": "p3",
                },
                "suspend_data": "x=1",
            },
        },
    )
    assert (data.session, data.seq, data.finished) == (2, 5, True)
    assert (data.status, data.score_raw, data.exit) == ("passed", 85.0, "suspend")
    assert data.session_seconds == 3723.5


def test_it_reads_a_scorm_2004_commit():
    data = runtime.read_commit(
        "scorm2004_4",
        {
            "session": 1,
            "seq": 1,
            "cmi": {
                "completion_status": "completed",
                "success_status": "passed",
                "score": {"scaled": "0.75"},
                "progress_measure": "1",
                "session_time": "PT1H2M3.5S",
            },
        },
    )
    assert (data.completion, data.success, data.score_scaled) == ("completed", "passed", 0.75)
    assert data.session_seconds == 3723.5


@pytest.mark.parametrize(
    ("standard", "payload", "message"),
    [
        ("scorm12", [], "A commit is a JSON object."),
        ("scorm12", {"session": 1, "cmi": {}}, "A commit needs positive whole numbers"),
        ("scorm12", {"session": 1, "seq": 1}, "A commit needs the “cmi” object."),
        ("scorm12", commit12(lesson_status="done"), "cmi.core.lesson_status “done” is not a valid"),
        ("scorm12", commit12(score={"raw": "abc"}), "cmi.core.score.raw “abc” is not a number."),
        ("scorm12", commit12(score={"raw": "150"}), "cmi.core.score.raw 150 is out of range."),
        ("scorm12", commit12(session_time="5 minutes"), "is not HHHH:MM:SS."),
        (
            "scorm12",
            {"session": 1, "seq": 1, "cmi": {"suspend_data": "x" * 4097}},
            "cmi.suspend_data is longer than 4096 characters.",
        ),
        (
            "scorm2004_4",
            {"session": 1, "seq": 1, "cmi": {"session_time": "PT"}},
            "is not an ISO 8601 duration",
        ),
        (
            "scorm2004_4",
            {"session": 1, "seq": 1, "cmi": {"score": {"scaled": "2"}}},
            "cmi.score.scaled 2 is out of range.",
        ),
    ],
)
def test_it_refuses_malformed_commits(standard, payload, message):
    with pytest.raises(CommitRefused) as caught:
        runtime.read_commit(standard, payload)
    assert message in str(caught.value)


def test_scorm_12_mastery_score_decides_pass_or_fail():
    sco = {"id": "a", "mastery_score": 80}
    passed = runtime.outcome("scorm12", sco, {"status": "completed", "score_raw": 85})
    failed = runtime.outcome("scorm12", sco, {"status": "passed", "score_raw": 60})
    assert (passed.completed, passed.passed, passed.score) == (True, True, 0.85)
    assert (failed.completed, failed.passed) == (False, False)


@pytest.mark.parametrize(
    ("status", "completed", "passed"),
    [
        ("passed", True, True),
        ("completed", True, None),
        ("failed", False, False),
        ("incomplete", False, None),
        ("browsed", False, None),
        ("not attempted", False, None),
    ],
)
def test_scorm_12_lesson_status_maps_to_an_outcome(status, completed, passed):
    result = runtime.outcome("scorm12", {"id": "a"}, {"status": status})
    assert (result.completed, result.passed) == (completed, passed)


def test_scorm_2004_threshold_and_passing_score_are_judged_by_the_lms():
    sco = {"id": "a", "completion_threshold": 0.8, "scaled_passing_score": 0.7}
    result = runtime.outcome(
        "scorm2004_4",
        sco,
        {
            "completion": "incomplete",
            "progress_measure": 0.9,
            "success": "failed",
            "score_scaled": 0.75,
        },
    )
    assert (result.completed, result.passed, result.score) == (True, True, 0.75)
    short = runtime.outcome(
        "scorm2004_4", sco, {"completion": "completed", "progress_measure": 0.5}
    )
    assert (short.completed, short.progress) == (False, 0.5)


def test_rollup_needs_every_tracked_child_and_weights_scores():
    tree = {
        "id": "org",
        "children": [
            {"id": "a"},
            {"id": "b", "sequencing": {"rollup": {"weight": 3.0}}},
            {"id": "c", "sequencing": {"tracked": False}},
        ],
    }
    states = {
        "a": {"completion": "completed", "score_scaled": 1.0},
        "b": {"completion": "completed", "score_scaled": 0.6},
    }
    result = runtime.rollup("scorm2004_4", tree, states)
    assert result.completed and result.progress == 1.0
    assert result.score == pytest.approx((1.0 + 0.6 * 3) / 4)
    half = runtime.rollup("scorm2004_4", tree, {"a": states["a"]})
    assert (half.completed, half.progress) == (False, 0.5)


def test_rollup_fails_when_a_child_failed():
    tree = {"id": "org", "children": [{"id": "a"}, {"id": "b"}]}
    states = {
        "a": {"completion": "completed", "success": "passed"},
        "b": {"completion": "completed", "success": "failed"},
    }
    assert runtime.rollup("scorm2004_4", tree, states).passed is False
    assert runtime.rollup(
        "scorm2004_4", tree, {**states, "b": {"completion": "completed", "success": "passed"}}
    ).passed


def test_reloaded_data_keeps_what_a_sco_reads_back():
    cmi = {
        "core": {
            "lesson_location": "p2",
            "lesson_status": "incomplete",
            "session_time": "00:01:00",
            "exit": "suspend",
        },
        "suspend_data": "abc",
        "interactions": {"0": {"id": "q1"}},
        "objectives": {"0": {"id": "o1", "status": "passed", "score": {"raw": "", "max": "100"}}},
    }
    assert runtime.reloaded("scorm12", cmi) == {
        "core": {"lesson_location": "p2", "lesson_status": "incomplete"},
        "suspend_data": "abc",
        "objectives": {"0": {"id": "o1", "status": "passed", "score": {"max": "100"}}},
    }
    assert isinstance(runtime.rollup("scorm12", {"id": "x", "children": []}, {}), Outcome)
