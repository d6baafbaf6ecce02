"""JSON routes under ``/_emulator/`` that let a browser page (the playground) be a Slack user.

They mirror the `Person` API, as the Telegram emulator's routes mirror `SimUser`. Texts are
handed out rendered (mentions resolved, Slack's ``&lt;`` escapes undone) as plain text: the page
must put them in the DOM as text, never as HTML. Binary content travels as base64.

* ``GET  /_emulator/state``                            team, people, channels, ``version``
* ``GET  /_emulator/changes?since=V&timeout=S``        long-poll until the version passes V
* ``GET  /_emulator/people/{user}/channels/{channel}``  the channel as that person sees it
* ``GET  /_emulator/people/{user}/threads/{channel}/{ts}``  a thread, parent first
* ``GET  /_emulator/people/{user}/views``              open modals (top last) and ephemerals
* ``POST /_emulator/people/{user}/{action}``           post, upload, click, submit, close,
  command (a slash command: ``{command, text, channel}``)
* ``GET  /_emulator/files/{file_id}``                  a shared file's bytes
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import copy
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .state import JSON, Message, View
from .workspace import Person

if TYPE_CHECKING:
    from .server import SlackEmulator


class BadRequest(Exception):
    """The page asked for something impossible; answered 400 with the reason."""


class ChangeFeed:
    """A version number that grows on every visible change, and a way to wait for it."""

    def __init__(self) -> None:
        self.version = 0
        self._waiters: list[asyncio.Future[None]] = []

    def bump(self) -> None:
        self.version += 1
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_past(self, since: int, within: float) -> int:
        if self.version <= since:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await asyncio.wait_for(waiter, within)
            except TimeoutError:
                pass
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
        return self.version


def _data(body: dict[str, Any]) -> bytes:
    try:
        return base64.b64decode(str(body.get("data_base64", "")), validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest("data_base64 is not valid base64") from None


class PlaygroundRoutes:
    def __init__(self, emulator: SlackEmulator) -> None:
        self.emu = emulator

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/_emulator/state", self.state)
        app.router.add_get("/_emulator/changes", self.changes)
        app.router.add_get("/_emulator/people/{user}/channels/{channel}", self.channel)
        app.router.add_get("/_emulator/people/{user}/threads/{channel}/{ts}", self.thread)
        app.router.add_get("/_emulator/people/{user}/views", self.views)
        app.router.add_post("/_emulator/people/{user}/{action}", self.act)
        app.router.add_get("/_emulator/files/{file_id}", self.file)

    # ------------------------------------------------------------------ reading

    async def state(self, request: web.Request) -> web.Response:
        ws = self.emu.ws
        return web.json_response(
            {
                "team": {"id": ws.team_id, "name": ws.team_name},
                "bot_user_id": ws.app.bot_user_id,
                "people": [
                    {"id": u.id, "name": u.name, "real_name": u.real_name, "role": u.role}
                    for u in ws.users.values()
                    if not u.is_bot
                ],
                "channels": [
                    {"id": c.id, "name": c.name, "members": list(c.members)}
                    for c in ws.channels.values()
                    if not c.is_im
                ],
                "version": self.emu.feed.version,
            }
        )

    async def changes(self, request: web.Request) -> web.Response:
        since = int(request.query.get("since", "0"))
        timeout = min(float(request.query.get("timeout", "25")), 60.0)
        return web.json_response({"version": await self.emu.feed.wait_past(since, timeout)})

    async def channel(self, request: web.Request) -> web.Response:
        person = self._person(request)
        if person is None:
            return _fail("no such person", 404)
        try:
            messages = person.messages(request.match_info["channel"])
        except LookupError:
            return _fail("no such channel", 404)
        return web.json_response({"messages": [self._message(m) for m in messages]})

    async def thread(self, request: web.Request) -> web.Response:
        person = self._person(request)
        parent = self.emu.ws.message(request.match_info["channel"], request.match_info["ts"])
        if person is None or parent is None:
            return _fail("no such person or thread", 404)
        return web.json_response({"messages": [self._message(m) for m in person.thread(parent)]})

    async def views(self, request: web.Request) -> web.Response:
        person = self._person(request)
        if person is None:
            return _fail("no such person", 404)
        return web.json_response(
            {
                "views": [_view(v) for v in person.views],
                "ephemerals": [
                    {
                        "channel": e.channel,
                        "ts": e.ts,
                        "thread_ts": e.thread_ts,
                        "text": self._plain(e.text),
                        "blocks": self._readable(e.blocks),
                    }
                    for e in person.ephemerals
                ],
            }
        )

    async def file(self, request: web.Request) -> web.StreamResponse:
        stored = self.emu.ws.files.get(request.match_info["file_id"])
        if stored is None or stored.content is None:
            return _fail("no such file", 404)
        return web.Response(body=stored.content, content_type=stored.mimetype)

    # ------------------------------------------------------------------ acting

    async def act(self, request: web.Request) -> web.Response:
        person = self._person(request)
        action = request.match_info["action"]
        if person is None or action not in (
            "post",
            "upload",
            "click",
            "submit",
            "close",
            "command",
        ):
            return _fail("no such person or action", 404)
        try:
            body = await request.json() if request.body_exists else {}
            if not isinstance(body, dict):
                raise BadRequest("a JSON object is expected")
            return web.json_response(await self._act(person, action, body))
        except (BadRequest, LookupError, PermissionError, TypeError, ValueError) as exc:
            return _fail(f"{type(exc).__name__}: {exc}")

    async def _act(self, person: Person, action: str, body: dict[str, Any]) -> JSON:
        if action == "post":
            message = await person.post(
                str(body["channel"]), str(body["text"]), thread_ts=body.get("thread_ts")
            )
            return {"ok": True, "ts": message.ts}
        if action == "upload":
            message = await person.upload(
                str(body["channel"]),
                str(body.get("file_name") or "file.bin"),
                _data(body),
                comment=str(body.get("comment") or ""),
                thread_ts=body.get("thread_ts"),
            )
            return {"ok": True, "ts": message.ts}
        if action == "click":
            target: Message | View | None
            if body.get("view_id"):
                target = self.emu.ws.views.get(str(body["view_id"]))
            else:
                target = self.emu.ws.message(str(body.get("channel")), str(body.get("ts")))
            if target is None:
                raise BadRequest("no such message or view")
            delivery = await person.click(target, str(body["action_id"]), value=body.get("value"))
            return {"ok": delivery.delivered}
        if action == "command":
            command = str(body["command"])
            if not command.startswith("/"):
                raise BadRequest("a slash command starts with /")
            delivery = await person.command(
                command, str(body.get("text") or ""), channel=str(body.get("channel") or "#support")
            )
            return {"ok": delivery.delivered}
        if action == "submit":
            values = body.get("values") or {}
            if not isinstance(values, dict):
                raise BadRequest("values must be {block_id: {action_id: value}}")
            delivery = await person.submit(values)
            return {"ok": delivery.delivered}
        await person.close_modal()
        return {"ok": True}

    # ------------------------------------------------------------------ shapes

    def _person(self, request: web.Request) -> Person | None:
        user = self.emu.ws.users.get(request.match_info["user"])
        return None if user is None or user.is_bot else Person(self.emu, user)

    def _plain(self, text: str) -> str:
        ws = self.emu.ws
        return ws.rendered(Message(ts="", channel="", text=text)).plain

    def _readable(self, blocks: list[JSON] | None) -> list[JSON]:
        """The blocks with every mrkdwn text rendered to the plain text a reader sees."""
        copied: list[JSON] = copy.deepcopy(blocks or [])

        def visit(node: object) -> None:
            if isinstance(node, dict):
                if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                    node["text"] = self._plain(node["text"])
                for value in node.values():
                    visit(value)
            elif isinstance(node, list):
                for item in node:
                    visit(item)

        visit(copied)
        return copied

    def _message(self, message: Message) -> JSON:
        ws = self.emu.ws
        author = ws.users.get(message.user or "")
        name = (author.real_name or author.name) if author else (message.username or "")
        if message.bot_id and not name:
            name = ws.bot.real_name
        files = [ws.files[f] for f in message.files if f in ws.files]
        return {
            "ts": message.ts,
            "channel": message.channel,
            "user": message.user,
            "author": name,
            "bot": bool(message.bot_id),
            "text": self._plain(message.text),
            "blocks": self._readable(message.blocks) if message.bot_id else [],
            "files": [{"id": f.id, "name": f.name, "mimetype": f.mimetype} for f in files],
            "reply_count": len(message.reply_ts),
            "thread_ts": message.thread_ts,
            "edited": message.edited is not None,
        }


def _view(view: View) -> JSON:
    return {
        "id": view.id,
        "title": view.title,
        "blocks": view.blocks,
        "submit": view.submit,
        "close": view.close,
        "errors": view.errors,
    }


def _fail(message: str, status: int = 400) -> web.Response:
    return web.json_response({"ok": False, "description": message}, status=status)
