"""``TelegramEmulator``: a local Bot API server plus the people who talk to the bot.

    async with TelegramEmulator() as emu:
        bot = emu.make_bot()            # a real telegram.Bot pointed at the emulator
        alice = emu.add_user("Alice")
        alice.start("promo")            # the bot gets "/start promo"
        ...

It listens on 127.0.0.1 on a free port; ``emu.url`` is the base, ``emu.api_base_url`` and
``emu.file_base_url`` are what python-telegram-bot's ``base_url`` / ``base_file_url`` take.
"""

from __future__ import annotations

import json
import secrets
from types import TracebackType
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .api_methods import build_method_table
from .calls import CallLog, CallRecord, Stats
from .errors import EmulatorUsageError
from .files import MIB
from .limits import Faults, RateLimits
from .playground import PlaygroundRoutes
from .server import UPLOAD_LIMIT, BotApiServer
from .state import BotIdentity, ChatRecord, UserRecord, World
from .users import SimUser
from .views import ViewMessage
from .webhook import WebhookDeliverer

if TYPE_CHECKING:
    from telegram import Bot


class SimGroup:
    """A group chat with the bot in it; users post with ``send_text(..., chat=group.chat)``."""

    def __init__(self, world: World, chat: ChatRecord) -> None:
        self._world = world
        self.chat = chat

    @property
    def id(self) -> int:
        return self.chat.id

    def messages(self) -> list[ViewMessage]:
        return [
            ViewMessage(self._world, self.chat, raw)
            for message_id, raw in self.chat.messages.items()
            if message_id not in self.chat.deleted
        ]


class TelegramEmulator:
    def __init__(
        self,
        *,
        token: str | None = None,
        bot_name: str = "Support Bot",
        bot_username: str = "supportbot_test_bot",
        host: str = "127.0.0.1",
        port: int = 0,
        first_update_id: int = 1,
        upload_limit: int = UPLOAD_LIMIT,
        webhook_retry_delays: tuple[float, ...] = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0),
        fault_seed: int | None = None,
        keep_calls: int | None = 100_000,
    ) -> None:
        bot_id = 7_000_000_000 + secrets.randbelow(1_000_000_000)
        self.token = token or f"{bot_id}:AA{secrets.token_urlsafe(33)[:33]}"
        bot_id = int(self.token.split(":", 1)[0])
        self.world = World(
            BotIdentity(bot_id, bot_name, bot_username), first_update_id=first_update_id
        )
        self.calls_log = CallLog(keep_calls)
        self.faults = Faults(fault_seed)
        self.rate_limits = RateLimits()
        self.webhook = WebhookDeliverer(self.world.updates, retry_delays=webhook_retry_delays)
        self.users: dict[int, SimUser] = {}
        self._host = host
        self._port = port
        self._api = BotApiServer(
            token=self.token,
            world=self.world,
            methods=build_method_table(self.world, self.webhook),
            calls=self.calls_log,
            faults=self.faults,
            rate_limits=self.rate_limits,
            upload_limit=upload_limit,
        )
        self._runner: web.AppRunner | None = None
        self.url = ""

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> TelegramEmulator:
        # aiohttp reads plain (non-multipart) bodies up to client_max_size itself.
        app = web.Application(client_max_size=self._api.upload_limit + MIB)
        self._api.add_routes(app)
        PlaygroundRoutes(self).add_routes(app)
        # handler_cancellation: a client that gives up on a long poll frees it at once.
        runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._port)
        await site.start()
        self._runner = runner
        host, port = runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self

    async def stop(self) -> None:
        self.world.updates.close()
        await self.webhook.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> TelegramEmulator:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # --- connecting a bot ------------------------------------------------------------------

    @property
    def api_base_url(self) -> str:
        """For ``Bot(base_url=...)``: python-telegram-bot appends the token and method."""
        return f"{self.url}/bot"

    @property
    def file_base_url(self) -> str:
        return f"{self.url}/file/bot"

    def bot_kwargs(self) -> dict[str, str]:
        return {
            "token": self.token,
            "base_url": self.api_base_url,
            "base_file_url": self.file_base_url,
        }

    def make_bot(self, **kwargs: Any) -> Bot:
        """A real ``telegram.Bot`` pointed at this emulator (use ``async with`` on it)."""
        from telegram import Bot

        return Bot(**{**self.bot_kwargs(), **kwargs})

    @property
    def bot_user(self) -> dict[str, Any]:
        return self.world.bot.to_api()

    # --- people ----------------------------------------------------------------------------

    def add_user(
        self,
        first_name: str = "Test",
        *,
        user_id: int | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        phone_number: str | None = None,
    ) -> SimUser:
        uid = user_id if user_id is not None else self.world.new_user_id()
        if uid in self.world.users or uid <= 0:
            raise EmulatorUsageError(f"user id {uid} is taken or invalid")
        record = UserRecord(uid, first_name, last_name, username, language_code, phone_number)
        user = SimUser(self.world, record, self.world.add_user(record))
        self.users[uid] = user
        return user

    def add_group(self, title: str, *, supergroup: bool = False) -> SimGroup:
        return SimGroup(self.world, self.world.add_group(title, supergroup))

    # --- observing the bot -----------------------------------------------------------------

    def calls(self, method: str | None = None, **expected: Any) -> list[CallRecord]:
        return self.calls_log.calls(method, **expected)

    def assert_called(self, method: str, times: int | None = None, **expected: Any) -> CallRecord:
        return self.calls_log.assert_called(method, times, **expected)

    def assert_not_called(self, method: str, **expected: Any) -> None:
        self.calls_log.assert_not_called(method, **expected)

    @property
    def stats(self) -> Stats:
        return self.calls_log.stats

    def pending_updates(self) -> list[dict[str, Any]]:
        return [u.body for u in self.world.updates.pending.values()]

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        return self.world.commands.get(key, [])
