"""views.open / views.push / views.update.

A trigger_id is good once and for 3 seconds (Slack: `expired_trigger_id`; reused:
`exchanged_trigger_id`; unknown: `invalid_trigger_id`). Modals stack up to three deep.
"""

from __future__ import annotations

import time
from typing import Any

from .state import JSON, View
from .store import Workspace
from .web_api import ApiError, Call, method

MAX_STACK = 3
MAX_VIEW_BLOCKS = 100


def _trigger_user(call: Call) -> str:
    trigger_id = call.need("trigger_id")
    trigger = call.ws.triggers.get(trigger_id)
    if trigger is None:
        raise ApiError("invalid_trigger_id")
    if trigger.used:
        raise ApiError("exchanged_trigger_id")
    if time.monotonic() - trigger.created > call.emu.config.trigger_ttl:
        raise ApiError("expired_trigger_id")
    trigger.used = True
    return trigger.user_id


def _view_spec(call: Call) -> JSON:
    spec = call.json("view")
    if not isinstance(spec, dict) or spec.get("type") not in ("modal", "home"):
        raise ApiError(
            "invalid_arguments", response_metadata={"messages": ["[ERROR] invalid `view`"]}
        )
    if spec["type"] == "modal" and not isinstance(spec.get("title"), dict):
        raise ApiError(
            "invalid_arguments", response_metadata={"messages": ["[ERROR] missing title"]}
        )
    blocks = spec.get("blocks", [])
    if not isinstance(blocks, list) or len(blocks) > MAX_VIEW_BLOCKS:
        raise ApiError("invalid_arguments")
    if any(not isinstance(b, dict) or "type" not in b for b in blocks):
        raise ApiError("invalid_arguments")
    return spec


def _fill(ws: Workspace, view: View, spec: JSON) -> View:
    blocks: list[JSON] = [dict(b) for b in spec.get("blocks", [])]
    for block in blocks:
        block.setdefault("block_id", ws.ids.new("", 5).lower())
        element = block.get("element")
        if isinstance(element, dict):
            block["element"] = {"action_id": ws.ids.new("", 5).lower(), **element}
    view.type = str(spec["type"])
    view.title = spec.get("title")
    view.blocks = blocks
    view.callback_id = str(spec.get("callback_id", ""))
    view.private_metadata = str(spec.get("private_metadata", ""))
    view.submit = spec.get("submit")
    view.close = spec.get("close")
    view.notify_on_close = bool(spec.get("notify_on_close", False))
    view.clear_on_close = bool(spec.get("clear_on_close", False))
    view.hash = f"{int(time.time())}.{ws.ids.secret(8)}"
    view.state_values = {}
    view.errors = None
    external_id = str(spec.get("external_id", ""))
    if external_id and any(
        v.external_id == external_id and v.id != view.id for v in ws.views.values()
    ):
        raise ApiError("duplicate_external_id")
    view.external_id = external_id
    return view


def new_view(ws: Workspace, user_id: str, spec: JSON, previous: str | None = None) -> View:
    view = View(
        id=ws.ids.new("V", 10),
        team_id=ws.team_id,
        user_id=user_id,
        app_id=ws.app.app_id,
        bot_id=ws.app.bot_id,
        type="modal",
        title=None,
        blocks=[],
        previous_view_id=previous,
    )
    _fill(ws, view, spec)
    stack = ws.view_stacks.get(user_id, [])
    view.root_view_id = ws.views[stack[0]].id if stack and previous else view.id
    ws.views[view.id] = view
    return view


@method("views.open")
async def views_open(call: Call) -> JSON:
    spec = _view_spec(call)
    user_id = _trigger_user(call)
    view = new_view(call.ws, user_id, spec)
    call.ws.view_stacks[user_id] = [view.id]
    call.emu.changed()
    return {"view": view.to_api()}


@method("views.push")
async def views_push(call: Call) -> JSON:
    spec = _view_spec(call)
    user_id = _trigger_user(call)
    stack = call.ws.view_stacks.get(user_id, [])
    if not stack:
        raise ApiError("not_found")
    if len(stack) >= MAX_STACK:
        raise ApiError("push_limit_reached")
    view = new_view(call.ws, user_id, spec, previous=stack[-1])
    stack.append(view.id)
    call.emu.changed()
    return {"view": view.to_api()}


@method("views.update")
async def views_update(call: Call) -> JSON:
    spec = _view_spec(call)
    view = _find(call.ws, call.arg("view_id"), call.arg("external_id"))
    expected = call.arg("hash")
    if expected is not None and expected != view.hash:
        raise ApiError("hash_conflict")
    _fill(call.ws, view, {**spec, "external_id": spec.get("external_id", view.external_id)})
    call.emu.changed()
    return {"view": view.to_api()}


def _find(ws: Workspace, view_id: str | None, external_id: str | None) -> View:
    if view_id is None and external_id is None:
        raise ApiError("invalid_arguments")
    for view in ws.views.values():
        if (view_id and view.id == view_id) or (external_id and view.external_id == external_id):
            return view
    raise ApiError("not_found")


def apply_response_action(ws: Workspace, user_id: str, view: View, answer: Any) -> None:
    """What a view_submission's acknowledgement does to the person's modal stack."""
    stack = ws.view_stacks.setdefault(user_id, [])
    action = answer.get("response_action") if isinstance(answer, dict) else None
    if action == "errors":
        view.errors = dict(answer.get("errors") or {})
    elif action == "update" and isinstance(answer.get("view"), dict):
        _fill(ws, view, answer["view"])
    elif action == "push" and isinstance(answer.get("view"), dict):
        pushed = new_view(ws, user_id, answer["view"], previous=view.id)
        stack.append(pushed.id)
    elif action == "clear":
        stack.clear()
    elif view.id in stack:
        stack.remove(view.id)
