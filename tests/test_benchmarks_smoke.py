"""Every benchmark still runs: each in --smoke mode, in its own process, printing its figures.

The figures themselves are not checked against targets here (that is what the benchmarks are
for, on a quiet machine); this only keeps the scripts from rotting as the product changes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIGURE = r"[0-9][0-9,.]*"

# script, extra arguments, lines it must print (regular expressions)
CASES = [
    (
        "relay.py",
        [],
        [
            rf"bare PTB echo \(ceiling\): {FIGURE} msg/s",
            rf"customer -> Slack thread: {FIGURE} msg/s",
            rf"customer -> Slack latency at .* p99={FIGURE} ms",
            rf"agent -> Telegram latency at .* p99={FIGURE} ms",
            rf"ratio to bare echo: {FIGURE}",
        ],
    ),
    (
        "report_flow.py",
        [],
        [rf"completed reports: {FIGURE}/s", rf"step latency, all steps: n=36 .*p99={FIGURE} ms"],
    ),
    (
        "under_limits.py",
        [],
        [r"delivered 15/15 MET; twice: 0", rf"429 share: Slack {FIGURE}%", r"drain: "],
    ),
    (
        "memory.py",
        [],
        [
            rf"Telegram: 2 MB document sent \(1 sendDocument\), peak Python memory \+{FIGURE} MB",
            rf"Slack: 2 MB uploaded into the thread, peak Python memory \+{FIGURE} MB",
            rf"110 report flows in progress \(110 stored mid-flow\).* growth -?{FIGURE} MB",
        ],
    ),
]


def run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, f"benchmarks/{script}", "--smoke", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=110,
        env=env,
        check=False,
    )


def shows(done: subprocess.CompletedProcess[str], patterns: list[str]) -> None:
    assert done.returncode == 0, done.stderr[-3000:]
    for pattern in [*patterns, r"reproduce: \.venv/bin/python benchmarks/\S+\.py --smoke"]:
        assert re.search(pattern, done.stdout), f"{pattern!r} not in:\n{done.stdout}"


@pytest.mark.slow
@pytest.mark.parametrize(("script", "args", "patterns"), CASES, ids=[c[0] for c in CASES])
def test_benchmark_smoke(script: str, args: list[str], patterns: list[str]) -> None:
    shows(run(script, *args), patterns)


@pytest.mark.slow
@pytest.mark.postgres
def test_data_scale_smoke(postgres_url: str) -> None:
    done = run("data_scale.py", "--postgres-url", postgres_url)
    shows(
        done,
        [
            rf"seeded 20,000 tickets in {FIGURE} s \({FIGURE} rows/s\)",
            rf"ticket by Slack thread: n=20 .*p99={FIGURE} ms",
            r"Bitmap Index Scan on ix_tickets_subject_trgm",
            r"Index Scan using uq_tickets_number",
        ],
    )


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
def test_scale_out_smoke(postgres_url: str, redis_url: str) -> None:
    done = run("scale_out.py", "--postgres-url", postgres_url, "--redis", redis_url)
    shows(
        done,
        [
            rf"2 worker process\(es\) \+ 1 web: customer -> Slack {FIGURE} msg/s, "
            rf"agent -> Telegram {FIGURE} msg/s",
            rf"load average after: {FIGURE}",
        ],
    )
