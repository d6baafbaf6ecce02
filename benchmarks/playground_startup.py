"""How long `supportbot playground` takes from launch to ready (the issue's target: < 2 s).

Starts the command `--runs` times, each on a free port with a clean environment (no chat
tokens), and times two things: the process's own figure (printed in its "playground ready
... in X s" line: from `bot.cli` being imported to the page served with the bot connected to
both emulators and the demo data in place) and the wall clock from spawning the process to
that line (adds the interpreter's own start). On a shared machine both grow with the load, so
it also reports the CPU time the process had used when ready (Linux /proc): what the start
costs, whatever the neighbours do. Stops each with SIGTERM and times that too.

    .venv/bin/python benchmarks/playground_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

TARGET = 2.0
READY = re.compile(r"in ([\d.]+) s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process (0 where /proc is not there)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run() -> tuple[float, float, float, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SLACK_"))}
    env.update(PORT=str(free_port()), LOG_LEVEL="WARNING", PTB_TIMEDELTA="true")
    with tempfile.TemporaryDirectory() as cwd:
        began = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-c", "from bot.cli import main; main()", "playground"],
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        line = process.stdout.readline()
        wall = time.perf_counter() - began
        cpu = cpu_seconds(process.pid)
        found = READY.search(line)
        if found is None:
            process.kill()
            raise SystemExit(f"no ready line: {line!r}")
        stopping = time.perf_counter()
        process.send_signal(signal.SIGTERM)
        process.wait(30)
        return float(found.group(1)), wall, cpu, time.perf_counter() - stopping


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results = [one_run() for _ in range(args.runs)]
    own, wall, cpu, stop = (sorted(column) for column in zip(*results, strict=True))
    print(f"runs: {args.runs}, CPUs: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")
    figures = (("ready (own figure)", own), ("ready (wall clock)", wall), ("CPU used", cpu))
    for name, values in figures:
        print(
            f"{name}: median {statistics.median(values):.2f} s, "
            f"min {values[0]:.2f} s, max {values[-1]:.2f} s (target < {TARGET:.0f} s)"
        )
    print(f"stop on SIGTERM: median {statistics.median(stop):.2f} s, max {stop[-1]:.2f} s")


if __name__ == "__main__":
    main()
