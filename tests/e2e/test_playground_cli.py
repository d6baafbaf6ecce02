"""`supportbot run` with no chat tokens: the playground comes up, serves its page, and stops
cleanly on SIGTERM (a real process, as a newcomer runs it)."""

from __future__ import annotations

import asyncio
import re
import signal
import socket
from pathlib import Path

import httpx
import pytest

from bot.playground import playground
from bot.settings import Settings, SettingsError
from tests.e2e.test_cli import SUPPORTBOT, environment
from tests.mailroom import free_port

READY = re.compile(r"playground ready at (http://\S+) in ([\d.]+) s")


@pytest.mark.slow
async def test_run_without_tokens_serves_the_playground_serves_its_page_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        *SUPPORTBOT,
        "run",
        env=environment(tmp_path, PORT=str(port)),
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        line = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
        ready = READY.search(line)
        assert ready, line
        assert ready.group(1) == f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(timeout=10) as client:
            page = await client.get(ready.group(1) + "/")
            script = await client.get(ready.group(1) + "/static/app.js")
            people = await client.get(ready.group(1) + "/telegram/_emulator/state")
        assert page.status_code == 200
        assert "supportbot playground" in page.text
        assert script.status_code == 200
        names = [u["first_name"] for u in people.json()["users"]]
        assert "Anna" in names
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0, stderr.decode()
    assert "Traceback" not in stderr.decode()
    # The demo's data lived in a temporary directory, now gone; nothing was written here.
    assert not (tmp_path / "bot.db").exists()


async def test_a_port_in_use_is_named_in_a_settings_error() -> None:
    """The CLI prints a SettingsError as one line (test_cli.py); this one names the address."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = Settings(_env_file=None, port=port)
        with pytest.raises(SettingsError, match=f"127.0.0.1:{port}.*HOST / PORT"):
            async with playground(settings):
                pass
