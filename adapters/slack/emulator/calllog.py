"""A record of every Web API call, with small assertion helpers and counters."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class CallRecord:
    method: str
    args: dict[str, Any]
    at: float  # time.time()
    status: int = 200
    ok: bool = True
    error: str | None = None
    fault: str | None = None
    duration: float = 0.0


@dataclass
class CallLog:
    records: list[CallRecord] = field(default_factory=list)
    # Counters stay exact even when `max_records` trims the list during long benchmarks.
    counts: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    max_records: int = 200_000

    def add(self, record: CallRecord) -> None:
        self.counts[record.method] += 1
        self.statuses[record.status] += 1
        if record.error:
            self.errors[record.error] += 1
        self.records.append(record)
        if len(self.records) > self.max_records:
            del self.records[: len(self.records) // 2]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def calls(self, method: str | None = None, **args: Any) -> list[CallRecord]:
        """Calls of `method` whose arguments include every given key=value."""
        return [
            r
            for r in self.records
            if (method is None or r.method == method)
            and all(r.args.get(k) == v for k, v in args.items())
        ]

    def count(self, method: str | None = None, **args: Any) -> int:
        return len(self.calls(method, **args))

    def last(self, method: str | None = None) -> CallRecord:
        found = self.calls(method)
        if not found:
            raise AssertionError(f"{method or 'the Web API'} was never called")
        return found[-1]

    def assert_called(self, method: str, *, times: int | None = None, **args: Any) -> CallRecord:
        found = self.calls(method, **args)
        if not found:
            seen = [(r.method, r.args) for r in self.records[-10:]]
            raise AssertionError(f"{method} with {args} not called; last calls: {seen}")
        if times is not None and len(found) != times:
            raise AssertionError(f"{method} with {args} called {len(found)} times, not {times}")
        return found[-1]

    def assert_not_called(self, method: str, **args: Any) -> None:
        found = self.calls(method, **args)
        if found:
            raise AssertionError(f"{method} unexpectedly called: {[r.args for r in found]}")

    def clear(self) -> None:
        self.records.clear()
        self.counts.clear()
        self.errors.clear()
        self.statuses.clear()

    def rate(self, since: float) -> float:
        """Calls per second since `since` (time.time()), for benchmarks."""
        elapsed = time.time() - since
        recent = sum(1 for r in self.records if r.at >= since)
        return recent / elapsed if elapsed > 0 else 0.0
