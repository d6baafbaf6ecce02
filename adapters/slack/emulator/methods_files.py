"""Files: the external upload flow and authenticated downloads.

Upload is three steps, as in Slack: files.getUploadURLExternal hands out an upload URL,
the client POSTs the bytes there (raw body or multipart), files.completeUploadExternal
shares the file, posting a `file_share` message (in a thread if `thread_ts`).

Downloads: `url_private` / `url_private_download` need `Authorization: Bearer <token>`.
Without a valid token Slack does not answer 401: it redirects (302) to the workspace
sign-in page, which is served with 200 and `text/html`, so a client that follows
redirects silently receives an HTML page instead of the file. The emulator does the same.
"""

from __future__ import annotations

import time
import urllib.parse

from aiohttp import web

from .methods_chat import bot_message, thread_parent
from .state import JSON, File
from .store import Workspace
from .web_api import EMULATOR_KEY, ApiError, Call, apply_fault, method, token_kind

LOGIN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in | Slack</title></head>
<body><h1>Sign in to {team}</h1><p>{domain}.slack.com</p>
<form method="post"><input type="email" name="email"><button>Sign in</button></form>
</body></html>"""


@method("files.getUploadURLExternal")
async def get_upload_url(call: Call) -> JSON:
    ws = call.ws
    filename = call.need("filename")
    length = call.number("length", 0)
    if length <= 0:
        raise ApiError("missing_argument")
    alt_txt = call.arg("alt_txt")
    if alt_txt and len(alt_txt) > 1000:
        raise ApiError("alt_txt_too_large")
    file = File(
        id=ws.ids.new("F", 10),
        name=filename,
        title=filename,
        user=ws.app.bot_user_id,
        created=int(time.time()),
        expected_length=length,
        alt_txt=alt_txt,
        snippet_type=call.arg("snippet_type"),
    )
    ws.files[file.id] = file
    ticket = ws.ids.secret(40)
    ws.upload_tickets[ticket] = file.id
    return {"upload_url": f"{ws.base_url}/upload/v1/{ticket}", "file_id": file.id}


@method("files.completeUploadExternal")
async def complete_upload(call: Call) -> JSON:
    ws = call.ws
    entries = call.json("files")
    if not isinstance(entries, list) or not entries:
        raise ApiError("invalid_arguments")
    files: list[File] = []
    for entry in entries:
        file = ws.files.get(str(entry.get("id"))) if isinstance(entry, dict) else None
        if file is None or file.content is None or file.completed:
            raise ApiError("file_not_found")
        if entry.get("title"):
            file.title = str(entry["title"])
        files.append(file)
    channel_id = call.arg("channel_id") or (call.arg("channels") or "").split(",")[0]
    channel = ws.resolve_channel(channel_id) if channel_id else None
    if channel_id and channel is None:
        raise ApiError("invalid_channel")
    if channel is not None and ws.app.bot_user_id not in channel.members:
        raise ApiError("posting_to_channel_denied")
    for file in files:
        file.completed = True
    if channel is not None:
        message = bot_message(call, channel.id, call.arg("initial_comment") or "")
        message.subtype = "file_share"
        message.files = [f.id for f in files]
        message.thread_ts = thread_parent(call, channel.id)
        ws.store(message)
        for file in files:
            share: JSON = {
                "reply_users": [],
                "reply_users_count": 0,
                "reply_count": 0,
                "ts": message.ts,
                "channel_name": channel.name,
                "team_id": ws.team_id,
                "share_user_id": ws.app.bot_user_id,
                "source": "UNKNOWN",
            }
            if message.thread_ts:
                share["thread_ts"] = message.thread_ts
            file.shares.setdefault(channel.id, []).append(share)
        call.emu.events.message_posted(message)
    return {"files": [ws.file_json(f) for f in files]}


@method("files.info")
async def files_info(call: Call) -> JSON:
    file = call.ws.files.get(call.need("file", "file_not_found"))
    if file is None or not file.completed:
        raise ApiError("file_not_found")
    return {
        "file": call.ws.file_json(file),
        "comments": [],
        "response_metadata": {"next_cursor": ""},
    }


async def handle_upload(request: web.Request) -> web.StreamResponse:
    emu = request.app[EMULATOR_KEY]
    fault = emu.faults.take("files.upload")
    if fault is not None:
        faulted = await apply_fault(request, fault)
        if faulted is not None:
            return faulted
    file_id = emu.ws.upload_tickets.get(request.match_info["ticket"])
    if file_id is None:
        return web.Response(status=404, text="upload URL not found", content_type="text/plain")
    if request.content_type == "multipart/form-data":
        form = await request.post()
        field = next((v for v in form.values() if isinstance(v, web.FileField)), None)
        data = field.file.read() if field is not None else b""
    else:
        data = await request.read()
    file = emu.ws.files[file_id]
    file.content = data
    emu.changed()
    # The edge answers plain text; slack_sdk reads it as the upload's body.
    return web.Response(text=f"OK - {len(data)}", content_type="text/plain")


async def handle_download(request: web.Request) -> web.StreamResponse:
    emu = request.app[EMULATOR_KEY]
    fault = emu.faults.take("files.download")
    if fault is not None:
        faulted = await apply_fault(request, fault)
        if faulted is not None:
            return faulted
    ws = emu.ws
    _, _, file_id = request.match_info["team_file"].partition("-")
    file = ws.files.get(file_id)
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.startswith("Bearer ") else None
    if token_kind(emu, token) != "bot" or file is None or not _bot_can_see(emu.ws, file):
        login = f"{ws.base_url}/?redir={urllib.parse.quote(request.path_qs)}"
        raise web.HTTPFound(login)
    headers = {}
    if request.path.split("/")[-2] == "download":
        headers["Content-Disposition"] = f'attachment; filename="{file.name}"'
    return web.Response(body=file.content or b"", content_type=file.mimetype, headers=headers)


def _bot_can_see(ws: Workspace, file: File) -> bool:
    if file.user == ws.app.bot_user_id:
        return True
    return any(ws.app.bot_user_id in ws.channels[c].members for c in file.shares)


async def handle_login_page(request: web.Request) -> web.StreamResponse:
    ws = request.app[EMULATOR_KEY].ws
    return web.Response(
        text=LOGIN_PAGE.format(team=ws.team_name, domain=ws.domain), content_type="text/html"
    )
