"""The compliance benchmark runs (so it cannot rot) and reports a bounded number of queries
for every page and export. (That the counts do not grow with the data is asserted by the
views' own tests; the benchmark shows it at 10,000 people.)"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_compliance_benchmark_runs_and_reports_bounded_query_counts(tmp_path):
    out = tmp_path / "compliance.json"
    env = {key: value for key, value in os.environ.items() if key != "LECTIO_DATA_DIR"}
    command = [sys.executable, str(ROOT / "bench" / "compliance.py"), "--quick"]
    command += ["--people=40", "--courses=3", "--runs=1", f"--json={out}"]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "matrix: first page" in done.stdout  # the readable table
    results = json.loads(out.read_text())
    assert results["data"]["subtree_obligations"] == 120
    assert results["data"]["all_obligations"] == 132  # and a tenth as many outside it
    steps = results["steps"]
    assert steps["export CSV"]["rows"] == 120
    assert steps["export CSV"]["rows_per_second"] > 0
    assert steps["export XLSX"]["peak_mib"] > 0
    assert len(steps) == 12
    for name, step in steps.items():
        assert 1 <= step["queries"] <= 12, (name, step)
        assert step["p50_ms"] > 0, name
