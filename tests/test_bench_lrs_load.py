"""The LRS load benchmark runs against the production server (so it cannot rot): no errors,
no lost statement, and every step runs a bounded number of queries."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_lrs_load_benchmark_runs_without_errors_or_lost_statements(tmp_path):
    out = tmp_path / "lrs_load.json"
    env = {key: value for key, value in os.environ.items() if key != "LECTIO_DATA_DIR"}
    command = [sys.executable, str(ROOT / "bench" / "lrs_load.py"), "--quick", f"--json={out}"]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "| GET agent+verb |" in done.stdout  # the readable table
    results = json.loads(out.read_text())
    assert results["errors"] == 0, results["error_samples"]
    # Every acknowledged statement is stored, and nothing else.
    assert results["batch_statements_acknowledged"] > 0
    assert results["batch_statements_stored"] == results["batch_statements_acknowledged"]
    assert results["single_statements_stored"] == results["single_statements_acknowledged"] > 0
    steps = results["steps"]
    assert set(steps) == {
        "baseline",
        "single POST",
        "batch POST (100)",
        "GET agent+verb",
        "GET activity+since",
    }
    assert steps["baseline"]["queries_max"] == 0  # no database
    for name, step in steps.items():
        assert step["requests"] > 0 and step["p50_ms"] > 0, name
        if name != "baseline":
            assert 1 <= step["queries_max"] <= 8, (name, step)
    assert results["single_post_vs_baseline"] > 0
