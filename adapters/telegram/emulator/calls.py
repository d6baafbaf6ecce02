"""The log of every Bot API call, with small assertion helpers and counters.

Recording must stay cheap (the emulator serves thousands of calls a second), so a record keeps
references to what the server already parsed and decodes arguments only when a test reads them.
Nothing is printed: bots send their token in every URL and user data in every body.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


def normalize_value(value: Any) -> Any:
    """Form-encoded values arrive as text; give JSON-looking text its JSON meaning."""
    if not isinstance(value, str) or not value:
        return value
    first = value[0]
    if first in "{[" or first == "-" or first.isdigit() or value in ("true", "false", "null"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def normalize_args(values: dict[str, Any]) -> dict[str, Any]:
    return {name: normalize_value(value) for name, value in values.items()}


@dataclass(slots=True)
class CallRecord:
    method: str  # as the client spelled it, e.g. "sendMessage"
    raw_args: dict[str, Any]  # values as sent; files summarised as name/size/content_type
    time: float
    status: int = 0  # HTTP status answered; 0 when the connection was dropped
    description: str | None = None  # the error description, for failed calls
    result: Any = None  # the ``result`` of a successful call

    @property
    def args(self) -> dict[str, Any]:
        return normalize_args(self.raw_args)

    @property
    def ok(self) -> bool:
        return self.status == 200

    def matches(self, expected: dict[str, Any]) -> bool:
        args = self.args
        return all(name in args and args[name] == value for name, value in expected.items())


@dataclass
class Stats:
    """Counters for benchmarks and dashboards."""

    calls: int = 0
    by_method: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)

    def snapshot(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "by_method": dict(self.by_method),
            "by_status": dict(self.by_status),
        }


class CallLog:
    def __init__(self, keep: int | None = 100_000) -> None:
        # Bounded so a long benchmark doesn't grow memory forever; None keeps everything.
        self.keep = keep
        self.records: list[CallRecord] = []
        self.stats = Stats()

    def add(self, record: CallRecord) -> None:
        self.records.append(record)
        if self.keep is not None and len(self.records) > self.keep:
            del self.records[: len(self.records) - self.keep]

    def finish(self, record: CallRecord, status: int) -> None:
        record.status = status
        stats = self.stats
        stats.calls += 1
        stats.by_method[record.method] += 1
        stats.by_status[status] += 1

    def calls(self, method: str | None = None, **expected: Any) -> list[CallRecord]:
        """Calls of ``method`` (any case; all if ``None``) whose args include ``expected``."""
        wanted = method.lower() if method else None
        return [
            r
            for r in self.records
            if (wanted is None or r.method.lower() == wanted)
            and (not expected or r.matches(expected))
        ]

    def assert_called(self, method: str, times: int | None = None, **expected: Any) -> CallRecord:
        """Assert ``method`` was called (``times`` times, if given) with ``expected`` args."""
        found = self.calls(method, **expected)
        if not found or (times is not None and len(found) != times):
            seen = [(r.method, r.args) for r in self.calls(method)][-5:]
            raise AssertionError(
                f"expected {method} {expected or ''} called {times or 'at least once'} time(s), "
                f"found {len(found)}; last calls of {method}: {seen}"
            )
        return found[-1]

    def assert_not_called(self, method: str, **expected: Any) -> None:
        found = self.calls(method, **expected)
        if found:
            raise AssertionError(f"{method} {expected or ''} was called {len(found)} time(s)")

    def clear(self) -> None:
        self.records.clear()
