"""What an operator watches: /healthz, /readyz naming what failed, /metrics in Prometheus format.

The full runtime against the Telegram emulator, serving its web app on a free port.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import aiohttp
import pytest
from multidict import CIMultiDict
from prometheus_client.parser import text_string_to_metric_families

from adapters.telegram.emulator import TelegramEmulator
from bot.runtime import Runtime, running
from tests.e2e.desk import WAIT, settings_for
from tests.mailroom import free_port


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(
    scraped: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return scraped.get((name, frozenset(labels.items())), 0.0)


async def pending(runtime: Runtime) -> int:
    async with runtime.uow_factory(read_only=True) as uow:
        return await uow.outbox.pending_count()


async def get(url: str, **headers: str) -> tuple[int, str, CIMultiDict[str]]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as answer:
        return answer.status, await answer.text(), CIMultiDict(answer.headers)


async def test_health_readiness_and_metrics_follow_a_message(
    tmp_path: Path, redis_url: str
) -> None:
    async with TelegramEmulator() as emu:
        settings = settings_for(
            emu,
            tmp_path,
            port=free_port(),
            redis_url=redis_url,
            redis_prefix=f"test-{uuid.uuid4().hex[:10]}",  # Redis is shared with other tests
        )
        async with running(settings, poll_timeout=1, http=True) as runtime:
            base = f"http://127.0.0.1:{runtime.web_port}"
            assert (await get(f"{base}/healthz"))[0] == 200
            status, body, headers = await get(f"{base}/readyz", **{"X-Request-Id": "probe-1"})
            assert status == 200, body
            assert headers.get("X-Request-Id") == "probe-1"
            assert '"database": "ok"' in body
            assert '"redis": "ok"' in body
            assert '"telegram": "ok"' in body

            _, text, headers = await get(f"{base}/metrics")
            assert headers["Content-Type"].startswith("text/plain")
            before = samples(text)
            anna = emu.add_user("Anna")
            anna.start()
            await anna.wait_for_message(timeout=WAIT)
            # The message is seen before its delivery is recorded: wait for the record.
            for _ in range(int(WAIT / 0.05)):
                if not await pending(runtime):
                    break
                await asyncio.sleep(0.05)
            after = samples((await get(f"{base}/metrics"))[1])

        def grew(name: str, **labels: str) -> float:
            return value(after, name, **labels) - value(before, name, **labels)

        assert grew("supportbot_updates_total", platform="telegram", result="handled") >= 1
        assert grew("supportbot_messages_out_total", platform="telegram", result="delivered") >= 1
        assert grew("supportbot_send_seconds_count", platform="telegram") >= 1
        assert value(after, "supportbot_outbox_depth") == 0
        assert value(after, "supportbot_inbox_backlog") == 0
        assert ("supportbot_tickets", frozenset({("status", "new")})) in after
        assert (
            grew(
                "supportbot_http_request_duration_seconds_count",
                route="/readyz",
                method="GET",
                status="200",
            )
            == 0  # the readiness probe came before the first scrape
        )
        assert (
            value(
                after,
                "supportbot_http_request_duration_seconds_count",
                route="/metrics",
                method="GET",
                status="200",
            )
            >= 1
        )


async def test_readyz_is_503_and_names_what_failed(tmp_path: Path) -> None:
    async with TelegramEmulator() as emu:
        nowhere = f"redis://127.0.0.1:{free_port()}/0"
        settings = settings_for(emu, tmp_path, port=free_port(), redis_url=nowhere)
        async with running(settings, poll_timeout=1, http=True) as runtime:
            emu.faults.add("getMe", "500", times=100)
            status, body, _ = await get(f"http://127.0.0.1:{runtime.web_port}/readyz")
    assert status == 503
    assert '"database": "ok"' in body
    assert '"redis": "ConnectionError' in body
    assert '"telegram": "' in body
    assert '"telegram": "ok"' not in body
    assert emu.token.split(":")[1] not in body
