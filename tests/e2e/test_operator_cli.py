"""The operator's commands, run in-process: companies, products, invitations, agents, `check`.

`main()` runs its own event loop; tests that need an emulator serving at the same time run it
in a thread while the emulator answers on the test's loop.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.slack.emulator import SlackEmulator
from adapters.telegram.emulator import TelegramEmulator
from bot.cli import main
from bot.runtime import running
from core.model import Agent, Platform
from tests.e2e.desk import WAIT, settings_for
from tests.integration.conftest import scratch_postgres_database
from tests.mailroom import MailRoom, SmtpServer, free_port

CLEAN = ("TELEGRAM_", "SLACK_", "PUBLIC_URL", "REDIS_URL", "SMTP_", "LINK_SECRET", "PORT", "HOST")


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    import os

    for key in list(os.environ):
        if key.startswith(CLEAN):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # no .env from the repository
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    monkeypatch.setenv("FILES_DIR", str(tmp_path / "files"))
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers  # main() installs its own handler: give pytest its own back
    root.setLevel(level)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run `supportbot ARGV`; returns (exit code, stdout, stderr)."""
    code = 0
    try:
        main(list(argv))
    except SystemExit as done:
        if isinstance(done.code, str):
            print(done.code, file=__import__("sys").stderr)
            code = 1
        else:
            code = done.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_companies_products_and_agents(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "company", "list")
    assert (code, out.startswith("no companies yet")) == (0, True)

    code, out, _ = cli(capsys, "company", "add", "Biuro Nowak", "--tax-id", "5250001009")
    assert code == 0
    assert "company added: Biuro Nowak (tax id 5250001009" in out
    code, _, err = cli(capsys, "company", "add", "Again", "--tax-id", "5250001009")
    assert code != 0
    assert "exists already" in one_line(err)

    code, out, _ = cli(
        capsys, "product", "add", "Faktury", "--company", "biuro nowak", "--license", "L-1"
    )
    assert code == 0
    assert "product added to Biuro Nowak: Faktury (licence L-1)" in out
    code, _, err = cli(capsys, "product", "add", "X", "--company", "nobody", "--license", "L")
    assert code != 0
    assert "no company 'nobody'" in one_line(err)

    code, out, _ = cli(capsys, "company", "add", "Acme", "--tax-id", "1", "--plan", "premium")
    code, out, _ = cli(capsys, "company", "list")
    lines = out.splitlines()
    assert lines[0].split() == ["TAX", "ID", "NAME", "PLAN", "USERS", "PRODUCTS"]
    assert lines[1].split() == ["1", "Acme", "premium", "0", "0"]
    assert lines[2].split() == ["5250001009", "Biuro", "Nowak", "basic", "0", "1"]

    code, out, _ = cli(capsys, "agent", "list")
    assert (code, out.startswith("no agents yet")) == (0, True)

    code, out, _ = cli(capsys, "user", "invite", "--company", "1", "--role", "super_user")
    assert code == 0
    assert "invitation to Acme as super user" in out
    assert out.strip().splitlines()[-1].startswith("/start inv_")  # no bot: the command to type


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["company", "add", "Acme"], "--tax-id"),
        (["company", "add", "Acme", "--tax-id", "1", "--plan", "gold"], "--plan"),
        (["company", "add", "Acme", "--tax-id", "1", "--max-users", "many"], "--max-users"),
        (["user", "invite", "--company", "1", "--role", "boss"], "--role"),
        (["web", "--port", "99999"], "--port"),
        (["company"], "COMMAND"),
        (["launch"], "launch"),
    ],
)
def test_a_bad_argument_is_one_line_naming_it(
    capsys: pytest.CaptureFixture[str], argv: list[str], named: str
) -> None:
    code, _out, err = cli(capsys, *argv)
    assert code == 2
    line = one_line(err)
    assert named in line
    assert "--help" in line


def test_a_role_without_any_platform_says_what_to_set(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = cli(capsys, "worker")
    assert code != 0
    assert "TELEGRAM_BOT_TOKEN" in one_line(err)


def test_an_unreachable_database_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:hunter2-secret@127.0.0.1:1/nothing")
    code, _, err = cli(capsys, "company", "list")
    assert code != 0
    line = one_line(err)
    assert "database" in line
    assert "hunter2" not in line


async def test_an_invitation_link_from_the_shell_links_a_telegram_chat(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with TelegramEmulator() as emu:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", emu.token)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", emu.url)
        await asyncio.to_thread(main, ["company", "add", "Acme", "--tax-id", "77"])
        await asyncio.to_thread(main, ["user", "invite", "--company", "77"])
        link = capsys.readouterr().out.strip().splitlines()[-1]
        username = emu.bot_user["username"]
        assert link.startswith(f"https://t.me/{username}?start=inv_")
        payload = link.split("?start=", 1)[1]

        async with running(settings_for(emu, tmp_path), poll_timeout=1) as runtime:
            ola = emu.add_user("Ola")
            ola.start(payload)
            await ola.wait_for_message(lambda m: "Acme" in (m.text or ""), timeout=WAIT)
            async with runtime.uow_factory(read_only=True) as uow:
                identity = await uow.identities.get_by_chat(Platform.TELEGRAM, str(ola.chat_id))
                assert identity is not None
                assert identity.user_id is not None
                await uow.agents.list()
            async with runtime.uow_factory() as uow:
                await uow.agents.add(Agent(slack_user_id="U0MARK", display_name="Mark"))
                await uow.commit()
        _code, out, _ = await asyncio.to_thread(cli, capsys, "agent", "list")
    assert out.splitlines()[1].split() == ["U0MARK", "Mark", "yes"]


async def test_check_says_what_works(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async with TelegramEmulator() as telegram, SlackEmulator() as slack:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", telegram.token)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", telegram.url)
        monkeypatch.setenv("SLACK_BOT_TOKEN", slack.bot_token)
        monkeypatch.setenv("SLACK_APP_TOKEN", slack.app_token)
        monkeypatch.setenv("SLACK_API_BASE_URL", slack.api_url)
        monkeypatch.setenv("SLACK_SUPPORT_CHANNEL", slack.ws.channel("support").id)
        monkeypatch.setenv("LINK_SECRET", "0123456789abcdef-long-enough")
        smtp = SmtpServer(MailRoom(), free_port())
        smtp.start()
        monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SMTP_PORT", str(smtp.port))
        monkeypatch.setenv("SMTP_STARTTLS", "false")
        try:
            main_done = await asyncio.to_thread(_exit_code, ["check"])
        finally:
            smtp.stop()
        out = capsys.readouterr().out
    assert main_done == 0, out
    assert "ok    database: sqlite answers" in out
    assert f"ok    telegram: getMe: the bot is @{telegram.bot_user['username']}" in out
    assert "ok    slack: auth.test" in out
    assert "ok    slack: the bot is in #support" in out
    assert f"ok    smtp: 127.0.0.1:{smtp.port} answers" in out
    assert "warn" not in out
    assert out.strip().endswith("all good")


async def test_check_explains_each_problem_without_printing_secrets(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async with TelegramEmulator() as telegram, SlackEmulator() as slack:
        bad_token = telegram.token.split(":")[0] + ":AAwrong-token-but-well-formed-0123456"
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", bad_token)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", telegram.url)
        monkeypatch.setenv("PUBLIC_URL", "http://bot.example.com")
        monkeypatch.setenv("SLACK_BOT_TOKEN", slack.bot_token)
        monkeypatch.setenv("SLACK_API_BASE_URL", slack.api_url)
        monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
        monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SMTP_PORT", str(free_port()))  # nobody listens there
        code = await asyncio.to_thread(_exit_code, ["check"])
        out = capsys.readouterr().out
    assert code == 1
    fails = [line for line in out.splitlines() if line.startswith("FAIL")]
    named = " ".join(fails)
    for part in (
        "PUBLIC_URL",
        "SLACK_SUPPORT_CHANNEL",
        "SLACK_APP_TOKEN",
        "redis",
        "telegram",
        "smtp",
    ):
        assert part in named, out
    assert "https://" in named
    for secret in (bad_token.split(":")[1], slack.bot_token):
        assert secret not in out


def test_check_lists_every_malformed_setting(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORT", "eighty")
    monkeypatch.setenv("DEFAULT_LANGUAGE", "xx")
    code, out, _ = cli(capsys, "check")
    assert code == 1
    fails = out.strip().splitlines()
    assert [line.split()[1] for line in fails] == ["PORT:", "DEFAULT_LANGUAGE:"]
    assert "eighty" not in out


def _exit_code(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 1
    return 0


async def test_a_refused_token_and_a_busy_port_are_one_line_each(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async with TelegramEmulator() as emu:
        wrong = emu.token.split(":")[0] + ":AAwrong-token-but-well-formed-0123456"
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", wrong)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", emu.url)
        code, _, err = await asyncio.to_thread(cli, capsys, "run")
        assert code != 0
        assert "Telegram refused TELEGRAM_BOT_TOKEN" in one_line(err)
        assert wrong.split(":")[1] not in err

        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", emu.token)
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            port = busy.getsockname()[1]
            code, _, err = await asyncio.to_thread(cli, capsys, "web", "--port", str(port))
        assert code != 0
        assert f"cannot listen on port {port}: it is in use" in one_line(err)


async def test_on_postgresql_check_asks_for_migrate_and_the_shell_commands_work(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    async with scratch_postgres_database(postgres_url) as url:
        monkeypatch.setenv("DATABASE_URL", url)
        code, out, _ = await asyncio.to_thread(cli, capsys, "check")
        assert code == 1
        assert "FAIL  database: postgresql answers, but its schema is not current" in out
        assert "supportbot migrate" in out

        code, _, err = await asyncio.to_thread(cli, capsys, "migrate")
        assert code == 0, err
        code, out, _ = await asyncio.to_thread(cli, capsys, "check")
        assert "ok    database: postgresql answers; the schema is current" in out

        await asyncio.to_thread(cli, capsys, "company", "add", "Acme", "--tax-id", "9")
        await asyncio.to_thread(
            cli, capsys, "product", "add", "Payroll", "--company", "9", "--license", "P-9"
        )
        code, out, _ = await asyncio.to_thread(cli, capsys, "company", "list")
        assert out.splitlines()[1].split() == ["9", "Acme", "basic", "0", "1"]
