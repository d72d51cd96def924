"""The in-process profile of the learner's steps (bench/profile_steps.py) runs, so it
cannot rot: every step answers as the suite expects, with its query count and CPU time,
and a profiled step lists the functions it spent its time in."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Queries per request of each step on the tiny data set (the quiz: its four requests).
BOUNDS = {
    "healthz": 1,
    "dashboard": 5,
    "course page": 5,
    "lesson page": 10,
    "heartbeat": 9,
    "quiz attempt": 54,
}


def test_it_profiles_every_learner_step(tmp_path):
    out = tmp_path / "profile.json"
    env = {key: value for key, value in os.environ.items() if key != "LECTIO_DATA_DIR"}
    command = [sys.executable, str(ROOT / "bench" / "profile_steps.py"), "--requests=4"]
    command += ["--top=5", f"--json={out}"]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "===== lesson page =====" in done.stdout  # a profile per step
    assert "Ordered by: internal time" in done.stdout
    assert "calls/request" in done.stdout
    assert "| heartbeat |" in done.stdout  # the readable table
    results = json.loads(out.read_text())
    assert results["size"] == "tiny"
    steps = {step["step"]: step for step in results["steps"]}
    assert set(steps) == set(BOUNDS)
    for name, step in steps.items():
        assert 1 <= step["queries"] <= BOUNDS[name], (name, step)
        assert step["cpu_ms"] > 0 and step["calls"] > 100, name
