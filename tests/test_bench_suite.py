"""The benchmark suite runs end to end at a tiny size (so it cannot rot): a real server in
its own process, every learner step answered without errors in a bounded number of
queries, the baseline without any, bad requests refused with 4xx, and both reports
written. On the PostgreSQL pass (DATABASE_URL set) it runs on a throw-away PostgreSQL
database."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_it_runs_the_whole_suite_at_a_tiny_size(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "LECTIO_DATA_DIR"}
    command = [
        sys.executable,
        str(ROOT / "bench" / "suite.py"),
        "--size=tiny",
        "--concurrency=3",
        "--seconds=1",
        "--bad-share=0.3",
        "--matrix-runs=2",
        f"--out={tmp_path}",
    ]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    [report] = tmp_path.glob("*.json")
    assert report.with_suffix(".md").exists()
    results = json.loads(report.read_text())
    expected = "postgresql" if env.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert results["database"] == expected
    assert results["data"]["enrolments"] == 240
    assert results["data"]["progress_rows"] == 2400
    [level] = results["levels"]
    steps = level["steps"]
    assert steps["baseline"]["queries_max"] == 0  # the baseline never touches the database
    for name in ("dashboard", "course page", "lesson page", "heartbeat", "quiz start",
                 "quiz page", "quiz autosave", "quiz submit"):  # fmt: skip
        step = steps[name]
        assert step["requests"] > 0, name
        assert step["errors"] == 0, (name, step["error_samples"])
        assert 1 <= step["queries_max"] <= 40, (name, step["queries_max"])
        assert step["vs_baseline_rps"] > 0, name
    assert "driver errors" not in steps
    walked = level["walks"]["walk with bad requests"]["steps"]
    bad = {name: step for name, step in walked.items() if name.startswith("bad:")}
    assert bad, "no bad request was sent"
    for name, step in bad.items():
        assert step["errors"] == 0, (name, step["error_samples"])
        assert all(400 <= int(status) < 500 for status in step["statuses"]), (name, step)
    assert results["team_matrix"]["errors"] == 0
    assert all(run["status"] == 200 for run in results["compliance_export"]["runs"])
    assert results["compliance_export"]["runs"][0]["bytes"] > 0
    assert results["server"]["processes"] >= 2
    assert results["server"]["peak_rss_mib_total"] > 0
    assert not results["server"]["log_errors"], results["server"]["log_errors"]
    assert results["targets"], "the targets are reported, met or missed"
