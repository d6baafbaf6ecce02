"""`supportbot` as an operator runs it: a real process, a real configuration, the emulator."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.telegram.emulator import TelegramEmulator
from tests.mailroom import free_port

SUPPORTBOT = [sys.executable, "-c", "from bot.cli import main; main()"]


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SLACK_"))}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
            "FILES_DIR": str(tmp_path / "files"),
            "LOG_LEVEL": "INFO",
            "PORT": str(free_port()),
        }
        | extra
    )
    return env


async def test_run_answers_a_customer_and_stops_cleanly_without_leaking_the_token(
    tmp_path: Path,
) -> None:
    async with TelegramEmulator() as emu:
        env = environment(tmp_path, TELEGRAM_BOT_TOKEN=emu.token, TELEGRAM_API_BASE_URL=emu.url)
        process = await asyncio.create_subprocess_exec(
            *SUPPORTBOT, "run", env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE
        )
        try:
            visitor = emu.add_user("Ola", language_code="it")
            visitor.start()
            answer = await visitor.wait_for_message(timeout=30)
            assert answer.text
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 20)
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "supportbot is running" in log
    secret = emu.token.split(":", 1)[1]
    assert secret not in log


def test_migrate_and_version(tmp_path: Path) -> None:
    env = environment(tmp_path)
    done = subprocess.run(
        [*SUPPORTBOT, "migrate"], env=env, cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "bot.db").exists()
    shown = subprocess.run(
        [*SUPPORTBOT, "--version"], env=env, capture_output=True, text=True, check=False
    )
    assert shown.stdout.strip() == "0.1.0"


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [("PORT", "eighty", "PORT"), ("DATABASE_URL", "mysql://x", "DATABASE_URL")],
)
def test_a_bad_setting_is_one_line_not_a_traceback(
    tmp_path: Path, setting: str, value: str, named: str
) -> None:
    env = environment(tmp_path, **{setting: value})
    done = subprocess.run(
        [*SUPPORTBOT, "migrate"], env=env, cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert named in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
