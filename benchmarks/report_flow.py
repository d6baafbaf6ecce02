"""Report-flow throughput: many Telegram customers completing the whole report flow with a
screenshot at the same time, through the full runtime and both emulators.

    .venv/bin/python benchmarks/report_flow.py [--db sqlite|postgres] [--customers 100]
                                               [--smoke] [--profile report.html]

Each customer presses "Report a problem", picks the kind, types a subject and a description,
sends a screenshot, presses Done, answers the impact and phone questions and sends the report;
each step waits for the bot's answer to it. Figures: completed reports per second (all
customers, from the first press to the last "Ticket #N is open") and the latency of a step
(from the customer's action to the bot's answer in the chat): p50/p95/p99, overall and for
the slowest step.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.telegram.emulator import SimUser
from adapters.telegram.emulator.views import ViewMessage
from benchmarks._common import (
    check_supported,
    desk,
    latency_line,
    parser,
    pct,
    profiled,
    reproduce,
)
from tests.e2e.desk import png

STEP_TIMEOUT = 120.0


def has_button(label: str) -> Callable[[ViewMessage], bool]:
    return lambda m: m.button(label) is not None


def says(fragment: str) -> Callable[[ViewMessage], bool]:
    return lambda m: fragment in (m.text or m.caption or "")


async def report(user: SimUser, n: int, screenshot: bytes, steps: dict[str, list[float]]) -> None:
    async def step(name: str, act: Callable[[], object], expect: Callable[[ViewMessage], bool]):
        began = time.perf_counter()
        act()
        await user.wait_for_message(expect, timeout=STEP_TIMEOUT)
        steps[name].append(time.perf_counter() - began)

    await step("report", lambda: user.press("🆘 Report a problem"), says("What kind"))
    await step("kind", lambda: user.press("🐞 Something doesn't work"), says("In one line"))
    await step("subject", lambda: user.send_text(f"Export {n} hangs"), says("Now describe"))
    description = "At 80% the export stops with error E-1042."
    await step("description", lambda: user.send_text(description), says("Add screenshots"))
    await step("screenshot", lambda: user.send_photo(screenshot), says("Added:"))
    await step("done", lambda: user.press("✅ Done"), says("stop you from working"))
    await step("impact", lambda: user.press("🟢 No, I can keep working"), says("call you"))
    await step("phone", lambda: user.press("Skip ➡️"), says("check your report"))
    await step("send", lambda: user.press("✅ Send the report"), says("is open"))


async def main_async(args: argparse.Namespace) -> None:
    screenshot = png(1280, 800)
    steps: dict[str, list[float]] = defaultdict(list)
    async with desk(args, args.customers, open_tickets=False) as run:
        for person in run.customers:  # the greeting with the menu has been read
            await person.user.wait_for_message(has_button("🆘 Report a problem"), timeout=30)
        with profiled(args.profile):
            began = time.perf_counter()
            await asyncio.gather(
                *(report(p.user, p.index, screenshot, steps) for p in run.customers)
            )
            elapsed = time.perf_counter() - began
        await run.quiet()
    everything = [s for samples in steps.values() for s in samples]
    slowest = max(steps, key=lambda name: pct(steps[name], 0.99))
    print(
        f"report flow: db={args.db} {args.customers} customers at once, "
        f"{len(steps)} steps each with a 1280x800 PNG screenshot"
    )
    print(f"completed reports: {args.customers / elapsed:.1f}/s ({elapsed:.1f} s for all)")
    print(latency_line("step latency, all steps", everything))
    print(latency_line(f"slowest step ({slowest})", steps[slowest]))
    print(f"reproduce: {reproduce('report_flow.py')}")


def main() -> int:
    p = parser(__doc__)
    p.add_argument("--customers", type=int, default=100)
    args = p.parse_args()
    if args.smoke:
        args.customers = 4
    check_supported(args)
    asyncio.run(main_async(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
