"""A real `supportbot run` process for the fault tests: configured by its environment, killed
with SIGKILL at any moment, restarted, stopped; its output kept for failure messages.

Also `until`, the one way these tests wait: a condition checked until a deadline, failing with
what the bot said last.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from bot.settings import Settings

T = TypeVar("T")

SUPPORTBOT = Path(sys.executable).with_name("supportbot")


def clean_environment(**settings: str) -> dict[str, str]:
    """The test's environment without any supportbot setting it may carry, plus `settings`."""
    ours = {name.upper() for name in Settings.model_fields}
    env = {key: value for key, value in os.environ.items() if key.upper() not in ours}
    env.update({key.upper(): value for key, value in settings.items()})
    env["PTB_TIMEDELTA"] = "true"
    env.setdefault("LOG_FORMAT", "text")
    return env


class BotProcess:
    """`supportbot <role>` (`run`, `web`, `worker`) in `workdir` (so no .env of the repository
    is read)."""

    def __init__(
        self, env: dict[str, str], workdir: Path, name: str = "bot", role: str = "run"
    ) -> None:
        self.env = env
        self.workdir = workdir
        self.name = name
        self.role = role
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0
        self.kills: list[float] = []  # time.time() of each SIGKILL
        self.started_at = 0.0
        self._logs: list[Path] = []

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def start(self) -> None:
        assert not self.alive, "already running"
        self.starts += 1
        path = self.workdir / f"{self.name}-{self.starts}.log"
        self._logs.append(path)
        with path.open("wb") as log:
            self.started_at = time.time()
            self.process = await asyncio.create_subprocess_exec(
                str(SUPPORTBOT),
                self.role,
                env=self.env,
                cwd=self.workdir,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )

    async def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed, connections just drop."""
        assert self.process is not None, "never started"
        assert self.alive, "not running"
        self.process.send_signal(signal.SIGKILL)
        self.kills.append(time.time())
        await self.process.wait()

    async def stop(self, within: float = 15.0) -> None:
        """SIGTERM and wait for a clean exit (SIGKILL after `within`)."""
        if not self.alive or self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()

    def output(self, last: int = 6000) -> str:
        """What the bot processes wrote, the newest last, cut to the last `last` characters."""
        text = ""
        for number, path in enumerate(self._logs, 1):
            if path.exists():
                content = path.read_text(errors="replace")
                text += f"\n--- {self.name} run {number} ---\n{content}"
        return text[-last:]

    def errors(self) -> list[str]:
        """Tracebacks and ERROR lines of every run (for a test to show or to assert on)."""
        found: list[str] = []
        for path in self._logs:
            if path.exists():
                found += [
                    line
                    for line in path.read_text(errors="replace").splitlines()
                    if " ERROR " in line or line.startswith("Traceback")
                ]
        return found


class Crew:
    """Several bot processes seen as one by `until` (their outputs, for a failure message)."""

    def __init__(self, processes: list[BotProcess]) -> None:
        self.processes = processes

    def output(self, last: int = 6000) -> str:
        share = last // max(1, len(self.processes))
        return "".join(p.output(share) for p in self.processes)

    def errors(self) -> list[str]:
        return [line for p in self.processes for line in p.errors()]


async def until(
    condition: Callable[[], T | None] | Callable[[], Awaitable[T | None]],
    within: float,
    what: str,
    *,
    bot: BotProcess | Crew | None = None,
    every: float = 0.05,
) -> T:
    """The first truthy value of `condition`, checked every `every` seconds for `within`."""
    deadline = time.monotonic() + within
    while True:
        value = condition()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            said = f"\nthe bot's output:{bot.output()}" if bot is not None else ""
            raise AssertionError(f"not within {within:.0f} s: {what}{said}")
        await asyncio.sleep(every)
