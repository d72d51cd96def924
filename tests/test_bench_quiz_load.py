"""The quiz load benchmark runs (so it cannot rot): every learner starts, autosaves and
submits with no errors, and every step runs a bounded number of queries, on SQLite or,
when the suite runs on PostgreSQL, on a throw-away PostgreSQL database."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_quiz_load_benchmark_runs_without_errors_and_bounded_queries(tmp_path):
    out = tmp_path / "quiz_load.json"
    env = {key: value for key, value in os.environ.items() if key != "LECTIO_DATA_DIR"}
    command = [sys.executable, str(ROOT / "bench" / "quiz_load.py"), "--quick", f"--json={out}"]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "| autosave |" in done.stdout  # the readable table
    results = json.loads(out.read_text())
    assert results["errors"] == 0, results["error_samples"]
    assert results["submitted"] == results["learners"] == 6
    # The suite's own database decides the benchmark's: PostgreSQL when DATABASE_URL is set.
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    assert results["database"] == ("postgresql" if on_postgres else "sqlite")
    steps = results["steps"]
    assert set(steps) == {
        "baseline /healthz",
        "start attempt",
        "attempt page",
        "autosave",
        "submit",
    }
    assert steps["autosave"]["requests"] == 6 * 3
    for name, step in steps.items():
        # 40, plus the xAPI statements of the step (a launch on a cold store: 12).
        assert 1 <= step["max_queries"] <= 40 + 12, (name, step)
        assert step["p50_ms"] > 0, name
