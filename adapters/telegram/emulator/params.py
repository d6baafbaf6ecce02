"""Method parameters, read the way the Bot API reads them.

Telegram accepts the same parameters as a query string, ``application/x-www-form-urlencoded``,
``application/json`` or ``multipart/form-data``. In the form encodings every value is a string and
objects are JSON text (python-telegram-bot sends ``chat_id=123`` and
``reply_markup={"inline_keyboard": ...}``); in a JSON body they are native values. :class:`Params`
keeps whatever arrived and converts on access, so a method handler never cares which encoding a
client chose.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import BodyPartReader, web

from .errors import ENTITY_TOO_LARGE, bad_request

REDACTED = "<redacted>"


@dataclass(slots=True)
class Upload:
    """One file part of a multipart request, kept byte for byte."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """The parameters of one call, with typed getters that fail like Telegram does."""

    __slots__ = ("files", "values")

    def __init__(
        self, values: dict[str, Any] | None = None, files: dict[str, Upload] | None = None
    ) -> None:
        self.values: dict[str, Any] = values if values is not None else {}
        self.files: dict[str, Upload] = files if files is not None else {}

    def __contains__(self, name: str) -> bool:
        return name in self.values or name in self.files

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def get_str(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        return json.dumps(value)

    def get_int(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        if isinstance(value, int):
            return value
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_float(self, name: str) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0
        return str(value).strip().lower() in ("true", "1", "yes", "on")

    def get_json(self, name: str, what: str | None = None) -> Any:
        """A JSON-serialized parameter (objects and arrays); ``None`` when absent."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {what or name} JSON object") from None

    def require_int(self, name: str) -> int:
        value = self.get_int(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        return value

    def chat_id(self) -> int:
        """``chat_id`` as an integer (``@username`` names channels, which don't exist here)."""
        value = self.values.get("chat_id")
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None

    def upload(self, name: str) -> Upload | None:
        """The file sent for ``name``: its own part, or the part an ``attach://`` value names."""
        direct = self.files.get(name)
        if direct is not None:
            return direct
        value = self.values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            return self.files.get(value[len("attach://") :])
        return None

    def summary(self) -> dict[str, Any]:
        """Arguments for the call log: values as sent, files as name/size/type only.

        The webhook secret is masked: the log is served to the playground page.
        """
        if not self.files and "secret_token" not in self.values:
            return self.values
        out = dict(self.values)
        if "secret_token" in out:
            out["secret_token"] = REDACTED
        for name, part in self.files.items():
            out[name] = {
                "file": part.filename,
                "size": len(part.data),
                "content_type": part.content_type,
            }
        return out


async def read_params(request: web.Request, max_body: int) -> Params:
    """Collect the query string and the body of a Bot API request into :class:`Params`.

    Bodies over ``max_body`` are drained and refused with 413, as Telegram's front end does
    for uploads over 50 MB: reading the body first lets the client finish writing and see
    the answer instead of a reset connection.
    """
    values: dict[str, Any] = dict(request.query) if request.query_string else {}
    if not request.body_exists:
        return Params(values)
    length = request.content_length
    if length is not None and length > max_body:
        async for _chunk in request.content.iter_chunked(1 << 16):
            pass
        raise ENTITY_TOO_LARGE
    ctype = request.content_type
    if ctype == "multipart/form-data":
        return await _read_multipart(request, values, max_body)
    body = await request.read()
    if len(body) > max_body:
        raise ENTITY_TOO_LARGE
    if not body:
        return Params(values)
    if ctype == "application/json":
        try:
            decoded = json.loads(body)
        except ValueError:
            raise bad_request("can't parse JSON encoded request") from None
        if not isinstance(decoded, dict):
            raise bad_request("JSON object expected")
        values.update(decoded)
        return Params(values)
    # Form encoding is the default, as for Telegram (and for curl -d).
    try:
        text = body.decode()
    except UnicodeDecodeError:
        raise bad_request("request must be encoded in UTF-8") from None
    values.update(parse_qsl(text, keep_blank_values=True))
    return Params(values)


async def _read_multipart(request: web.Request, values: dict[str, Any], max_body: int) -> Params:
    files: dict[str, Upload] = {}
    reader = await request.multipart()
    total = 0
    while True:
        part = await reader.next()
        if part is None:
            break
        if not isinstance(part, BodyPartReader):
            continue  # nested multipart: Telegram ignores it too
        data = await part.read()
        total += len(data)
        if total > max_body:
            raise ENTITY_TOO_LARGE
        name = part.name or ""
        if part.filename is not None:
            ctype = part.headers.get("Content-Type")
            files[name] = Upload(name, part.filename, ctype, bytes(data))
        else:
            try:
                values[name] = bytes(data).decode()
            except UnicodeDecodeError:
                raise bad_request("request must be encoded in UTF-8") from None
    return Params(values, files)
