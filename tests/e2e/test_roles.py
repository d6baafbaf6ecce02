"""The web and worker roles split the work: one receives and handles, the other delivers."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from adapters.telegram.emulator import TelegramEmulator
from bot.runtime import running
from tests.e2e.desk import WAIT, settings_for
from tests.mailroom import free_port


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


async def test_web_handles_the_inbox_and_the_worker_polls_and_delivers(tmp_path: Path) -> None:
    async with TelegramEmulator() as emu:
        web_settings = settings_for(emu, tmp_path, port=free_port())
        worker_settings = settings_for(emu, tmp_path, port=free_port())
        async with (
            running(web_settings, role="web", http=True, poll_timeout=1) as web,
            running(worker_settings, role="worker", http=True, poll_timeout=1) as worker,
        ):
            anna = emu.add_user("Anna")
            anna.start()
            answer = await anna.wait_for_message(timeout=WAIT)
            assert "Welcome" in (answer.text or "")
            # The worker serves health and metrics on its own port (METRICS_PORT).
            async with (
                aiohttp.ClientSession() as http,
                http.get(f"http://127.0.0.1:{worker.web_port}/metrics") as scraped,
            ):
                assert scraped.status == 200
                assert "supportbot_messages_out_total" in await scraped.text()
        assert web.inbox.processed >= 1
        assert worker.inbox.processed == 0
        assert worker.worker.totals.delivered >= 1
        assert web.worker.totals.delivered == 0
        assert worker.poller is not None
        assert worker.poller.received >= 1
        assert web.poller is None
        assert web.jobs is None
        assert worker.jobs is not None
        assert emu.calls("getUpdates")  # polled (by the worker: the web role never polls)
