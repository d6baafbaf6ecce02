"""The playground page in a real headless Chromium: a customer reports a problem with a file in
the Telegram pane, an agent answers and resolves it in the Slack pane, the customer sees both.

Debian's `chromium` driven by Playwright (its own browser downloads are never used). Without a
chromium the test skips locally and fails in CI (SUPPORTBOT_REQUIRE_SERVICES=1), which
installs one (.ci/run).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Locator, Page, async_playwright, expect

from adapters.slack.blocks import ACTION_EXPECTED_CLOSE, ACTION_PRIORITY, option_value
from bot.playground import playground
from bot.settings import Settings
from core.model import Priority
from tests.e2e.desk import png
from tests.mailroom import free_port

WAIT_MS = 15_000
HOSTILE = "<img src=x onerror=\"document.title='pwned'\"><b>bold?</b>"


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


def chromium_path() -> str:
    for candidate in ("chromium", "chromium-browser"):
        found = shutil.which(candidate)
        if found:
            return found
    reason = "no chromium found (apt-get install chromium)"
    if os.environ.get("SUPPORTBOT_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason}, and SUPPORTBOT_REQUIRE_SERVICES=1 says it must be", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    executable = chromium_path()
    async with async_playwright() as driver:
        launched = await driver.chromium.launch(
            executable_path=executable,
            # Containers and CI run as root, where Chromium's sandbox cannot start.
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def page(browser: Browser, tmp_path: Path) -> AsyncIterator[Page]:
    settings = Settings(_env_file=None, port=free_port(), log_level="WARNING")
    async with playground(settings) as running:
        opened = await browser.new_page(viewport={"width": 1400, "height": 900})
        errors: list[str] = []
        opened.on("pageerror", lambda error: errors.append(str(error)))
        await opened.goto(running.url)
        yield opened
        await opened.close()
        assert errors == [], errors


def showing(page: Page, label: str) -> Locator:
    """The newest bot message with an inline button `label`."""
    button = page.get_by_role("button", name=label)
    return page.locator("#tg-chat .tg-msg.bot").filter(has=button).last


async def press(page: Page, label: str) -> None:
    """Press the inline button `label` on the newest bot message showing it."""
    button = showing(page, label).get_by_role("button", name=label)
    await expect(button).to_be_visible(timeout=WAIT_MS)
    await button.click()


async def say(page: Page, text: str) -> None:
    await page.fill("#tg-text", text)
    await page.click("#tg-send")


async def bot_says(page: Page, fragment: str) -> None:
    await expect(page.locator("#tg-chat")).to_contain_text(fragment, timeout=WAIT_MS)


async def screenshot(page: Page, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "playground.png"
    await page.screenshot(path=str(path), full_page=True)
    if os.environ.get("CI"):
        # Kept where CI keeps artifacts (git-ignored), and said even when the test passes.
        path = Path("artifacts") / "playground.png"
        path.parent.mkdir(exist_ok=True)
        await page.screenshot(path=str(path), full_page=True)
    with capsys.disabled():
        print(f"\nplayground screenshot: {path.resolve()}")


@pytest.mark.slow
async def test_a_customer_reports_with_a_file_and_sees_the_agents_reply_and_resolution(
    page: Page, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The customer pane: Anna starts the bot and reports a problem with a screenshot.
    await expect(page.locator("#customer option")).to_have_count(2, timeout=WAIT_MS)
    await expect(page.locator("#customer option:checked")).to_have_text("Anna Nowak")
    await page.click("#tg-start")
    await press(page, "Report a problem")
    await press(page, "Payroll")
    await press(page, "Something doesn't work")
    await bot_says(page, "In one line")
    await say(page, f"Payroll for March {HOSTILE}")
    await bot_says(page, "Now describe the problem")
    await say(page, "Error PAY-17 after pressing Recalculate.")
    await bot_says(page, "Add screenshots")
    await page.set_input_files(
        "#tg-file",
        {"name": "screenshot.png", "mimeType": "image/png", "buffer": png(64, 48, "blue")},
    )
    await bot_says(page, "screenshot.png")
    await press(page, "Done")
    await press(page, "Yes, my work is blocked")
    await bot_says(page, "Can we call you")
    await press(page, "Skip")
    await press(page, "Send the report")
    await bot_says(page, "Ticket #1 is open")

    # The agent pane: the ticket's card in #support, its thread with the customer's file.
    card = page.locator("#sl-channel .sl-msg").filter(has_text="#1")
    await expect(card).to_be_visible(timeout=WAIT_MS)
    await (
        card.get_by_role("button", name="Reply in thread")
        .or_(card.locator("button.replies"))
        .first.click()
    )
    thread = page.locator("#sl-thread")
    await expect(thread.locator("img[alt='screenshot.png']")).to_be_visible(timeout=WAIT_MS)
    await page.fill("#sl-text", "note: checked the logs, it is the 5.2.0 bug")
    await page.click("#sl-send")
    await expect(thread).to_contain_text("checked the logs", timeout=WAIT_MS)
    await page.fill("#sl-text", "Thanks Anna. Please update to 5.2.1, it fixes PAY-17.")
    await page.click("#sl-send")
    await bot_says(page, "Please update to 5.2.1, it fixes PAY-17.")
    # A select on the card: the priority goes to Urgent, the card says so.
    await card.locator(f"select[data-action='{ACTION_PRIORITY}']").select_option(
        value=option_value(1, Priority.URGENT.value)
    )
    await expect(card).to_contain_text("Urgent", timeout=WAIT_MS)
    # The card's date picker: the customer is told when support expects to close the ticket.
    await card.locator(f"input[data-action='{ACTION_EXPECTED_CLOSE}']").fill("2031-03-14")
    await bot_says(page, "we expect to close it by")
    await card.get_by_role("button", name="Resolve").click()
    modal = page.locator("#sl-modal")
    await expect(modal).to_be_visible(timeout=WAIT_MS)
    await modal.locator("textarea").fill("Fixed in 5.2.1 (payroll recalculation).")
    await page.click("#sl-modal-submit")
    await expect(modal).to_be_hidden(timeout=WAIT_MS)

    # A slash command from the channel's box: the answer only this agent sees.
    await page.fill("#sl-channel-text", "/ticket help")
    await page.click("#sl-channel-send")
    answer = page.locator("#sl-channel .ephemeral")
    await expect(answer).to_contain_text("shows tickets to you alone", timeout=WAIT_MS)

    # The customer sees both: the reply and the resolution, and never the internal note.
    await bot_says(page, "is resolved")
    await bot_says(page, "Fixed in 5.2.1 (payroll recalculation).")
    await expect(page.locator("#tg-chat")).not_to_contain_text("checked the logs")
    await expect(card).to_contain_text("Resolved", timeout=WAIT_MS)
    # Hostile text was shown as text, in both panes, and ran nothing.
    await expect(page.locator("#tg-chat")).to_contain_text(HOSTILE)
    await expect(card).to_contain_text("<b>bold?</b>")
    assert await page.title() != "pwned"
    assert await page.locator("#tg-chat img[src='x'], #sl-channel img[src='x']").count() == 0
    await screenshot(page, tmp_path, capsys)
