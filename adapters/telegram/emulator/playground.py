"""JSON routes under ``/_emulator/`` that drive simulated users over HTTP.

They mirror the Python API so a browser page (the playground) or a test in another process can
play the user side. Binary content travels as base64 in ``data_base64``.

* ``GET  /_emulator/state``                     bot, users, webhook, counters, ``version``
* ``GET  /_emulator/changes?since=V&timeout=S``  long-poll until the state version passes V
* ``POST /_emulator/users``                     create a user ``{first_name, username, ...}``
* ``GET  /_emulator/users/{id}/messages``       the user's view of the chat
* ``GET  /_emulator/users/{id}/keyboard``       the reply keyboard shown to the user, or null
* ``POST /_emulator/users/{id}/{action}``       start, text, photo, document, video, voice,
  video_note, audio, album, contact, press (``message_id`` optional), tap, edit, block,
  unblock
* ``GET  /_emulator/calls?method=M&limit=N``    the call log
* ``POST /_emulator/faults`` / ``DELETE``       add / clear injected faults
* ``POST /_emulator/rate_limits``               ``{"enabled": true, ...settings}``
* ``GET  /_emulator/files/{file_id}``           raw bytes of a stored file
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .errors import EmulatorUsageError
from .server import dumps
from .users import AlbumItem, SimUser
from .views import ViewMessage

if TYPE_CHECKING:
    from .emulator import TelegramEmulator

_JSON = "application/json"


def _ok(value: Any, status: int = 200) -> web.Response:
    return web.Response(body=dumps(value), status=status, content_type=_JSON)


def _fail(message: str, status: int = 400) -> web.Response:
    return _ok({"ok": False, "description": message}, status)


def _data(body: dict[str, Any]) -> bytes:
    try:
        return base64.b64decode(str(body.get("data_base64", "")), validate=True)
    except (binascii.Error, ValueError):
        raise EmulatorUsageError("data_base64 is not valid base64") from None


def view_to_json(view: ViewMessage) -> dict[str, Any]:
    return {"from_bot": view.from_bot, "deleted": view.deleted, "message": view.raw}


def _shown(user: SimUser, message_id: object) -> ViewMessage | None:
    """The message a button was pressed on (None: the newest one showing that button)."""
    if message_id is None:
        return None
    wanted = int(str(message_id))
    found = next((m for m in user.messages() if m.message_id == wanted), None)
    if found is None:
        raise EmulatorUsageError(f"no message {wanted} in this chat")
    return found


def _actions() -> dict[str, Callable[[SimUser, dict[str, Any]], Any]]:
    def reply_to(body: dict[str, Any]) -> int | None:
        value = body.get("reply_to_message_id")
        return None if value is None else int(value)

    return {
        "start": lambda u, b: u.start(b.get("payload")),
        "text": lambda u, b: u.send_text(str(b["text"]), reply_to=reply_to(b)),
        "photo": lambda u, b: u.send_photo(_data(b), b.get("caption"), reply_to=reply_to(b)),
        "document": lambda u, b: u.send_document(
            _data(b), b.get("file_name", "document.bin"), b.get("mime_type"), b.get("caption")
        ),
        "video": lambda u, b: u.send_video(_data(b), caption=b.get("caption")),
        "voice": lambda u, b: u.send_voice(_data(b)),
        "video_note": lambda u, b: u.send_video_note(_data(b)),
        "audio": lambda u, b: u.send_audio(_data(b), caption=b.get("caption")),
        "album": lambda u, b: u.send_album(
            [
                AlbumItem(i["type"], _data(i), i.get("caption"), i.get("file_name"))
                for i in b["items"]
            ]
        ),
        "contact": lambda u, b: u.share_contact(b.get("phone_number")),
        "press": lambda u, b: u.press(str(b["button_text"]), _shown(u, b.get("message_id"))),
        "tap": lambda u, b: u.tap_reply_button(str(b["text"])),
        "edit": lambda u, b: u.edit(int(b["message_id"]), str(b["text"])),
        "block": lambda u, b: u.block(),
        "unblock": lambda u, b: u.unblock(),
    }


class PlaygroundRoutes:
    def __init__(self, emulator: TelegramEmulator) -> None:
        self.emu = emulator
        self.actions = _actions()

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/_emulator/state", self.state)
        app.router.add_get("/_emulator/changes", self.changes)
        app.router.add_post("/_emulator/users", self.create_user)
        app.router.add_get("/_emulator/users/{user_id}/messages", self.messages)
        app.router.add_get("/_emulator/users/{user_id}/keyboard", self.keyboard)
        app.router.add_post("/_emulator/users/{user_id}/{action}", self.act)
        app.router.add_get("/_emulator/calls", self.calls)
        app.router.add_post("/_emulator/faults", self.add_fault)
        app.router.add_delete("/_emulator/faults", self.clear_faults)
        app.router.add_post("/_emulator/rate_limits", self.rate_limits)
        app.router.add_get("/_emulator/files/{file_id}", self.file)

    async def _body(self, request: web.Request) -> dict[str, Any]:
        if not request.body_exists:
            return {}
        body = await request.json()
        if not isinstance(body, dict):
            raise EmulatorUsageError("a JSON object is expected")
        return body

    def _user(self, request: web.Request) -> SimUser | None:
        try:
            return self.emu.users.get(int(request.match_info["user_id"]))
        except ValueError:
            return None

    async def state(self, request: web.Request) -> web.Response:
        emu = self.emu
        return _ok(
            {
                "bot": emu.world.bot.get_me(),
                "users": [
                    {**u.record.to_api(), "started": u.started, "blocked": u.blocked}
                    for u in emu.users.values()
                ],
                "webhook": emu.webhook.info(),
                "stats": emu.stats.snapshot(),
                "version": emu.world.version,
            }
        )

    async def changes(self, request: web.Request) -> web.Response:
        since = int(request.query.get("since", "0"))
        timeout = min(float(request.query.get("timeout", "25")), 60.0)
        world = self.emu.world
        if world.version <= since:
            await world.changed.wait(timeout)
        return _ok({"version": world.version})

    async def create_user(self, request: web.Request) -> web.Response:
        try:
            body = await self._body(request)
            user = self.emu.add_user(
                first_name=str(body.get("first_name", "Test")),
                last_name=body.get("last_name"),
                username=body.get("username"),
                language_code=body.get("language_code"),
            )
        except (EmulatorUsageError, ValueError) as exc:
            return _fail(str(exc))
        return _ok(user.record.to_api(), 201)

    async def messages(self, request: web.Request) -> web.Response:
        user = self._user(request)
        if user is None:
            return _fail("no such user", 404)
        return _ok([view_to_json(v) for v in user.messages(include_deleted=True)])

    async def keyboard(self, request: web.Request) -> web.Response:
        user = self._user(request)
        if user is None:
            return _fail("no such user", 404)
        return _ok({"keyboard": user.chat.reply_keyboard})

    async def act(self, request: web.Request) -> web.Response:
        user = self._user(request)
        action = self.actions.get(request.match_info["action"])
        if user is None or action is None:
            return _fail("no such user or action", 404)
        try:
            result = action(user, await self._body(request))
        except (EmulatorUsageError, KeyError, ValueError, TypeError) as exc:
            return _fail(f"{type(exc).__name__}: {exc}")
        if isinstance(result, ViewMessage):
            return _ok(view_to_json(result))
        if isinstance(result, list):
            return _ok([view_to_json(v) for v in result])
        if result is not None and hasattr(result, "id"):
            return _ok({"callback_query_id": result.id})
        return _ok({"ok": True})

    async def calls(self, request: web.Request) -> web.Response:
        limit = int(request.query.get("limit", "100"))
        records = self.emu.calls(request.query.get("method"))[-limit:]
        return _ok(
            [
                {
                    "method": r.method,
                    "args": r.args,
                    "time": r.time,
                    "status": r.status,
                    "description": r.description,
                }
                for r in records
            ]
        )

    async def add_fault(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        try:
            self.emu.faults.add(
                body.get("method"),
                body.get("kind", "500"),
                times=body.get("times", 1),
                probability=float(body.get("probability", 1.0)),
                retry_after=int(body.get("retry_after", 1)),
                delay=float(body.get("delay", 1.0)),
            )
        except (ValueError, TypeError) as exc:
            return _fail(str(exc))
        return _ok({"ok": True}, 201)

    async def clear_faults(self, request: web.Request) -> web.Response:
        self.emu.faults.clear()
        return _ok({"ok": True})

    async def rate_limits(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        enabled = bool(body.pop("enabled", True))
        try:
            if enabled:
                self.emu.rate_limits.enable(**{k: float(v) for k, v in body.items()})
            else:
                self.emu.rate_limits.disable()
        except (TypeError, ValueError) as exc:
            return _fail(str(exc))
        return _ok({"ok": True})

    async def file(self, request: web.Request) -> web.StreamResponse:
        stored = self.emu.world.files.get(request.match_info["file_id"])
        if stored is None:
            return _fail("no such file", 404)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )
