"""Under the platforms' limits: a burst of customers' messages with the emulators' rate limits
on; everything delivered, nothing twice, how many 429s, and how fast the backlog drains
compared with what the platforms allow.

    .venv/bin/python benchmarks/under_limits.py [--db sqlite|postgres] [--customers 200]
                                                [--burst 5] [--smoke]

Tickets are opened with limits off (their cards would take minutes at Slack's pace); then the
limits go on: Slack's chat.postMessage about 1/s per channel with bursts of 3 (every thread
line goes to the one support channel, so that is the ceiling for the burst), Telegram's 1/s per
chat (bursts of 3) and 30/s overall for the "added to #N" confirmations. Each customer sends
`--burst` messages at once. Figures: thread lines delivered and duplicated, 429 share of the
calls to each platform, drain rate of the Slack backlog against the allowed rate, and the time
until the last thread line is visible. `--smoke` makes Slack's allowance 10/s so it runs in
seconds (the 429s and the drain ratio still mean the same).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import check_supported, desk, parser, reproduce, verdict, wait_until

SHARE_429_TARGET = 0.01
DRAIN_TARGET = 0.9


async def main_async(args: argparse.Namespace) -> None:
    per_minute = 60.0 * args.slack_per_second
    async with desk(args, args.customers) as run:
        run.slack.rate_limits.set("chat.postMessage", per_minute, 3)
        run.slack.rate_limits.enable()
        run.telegram.rate_limits.enable()
        slack_before = dict(run.slack.calls.statuses)
        telegram_before = dict(run.telegram.stats.by_status)
        posts_before = run.slack.calls.counts["chat.postMessage"]
        clock = run.clock
        tokens = []
        started = time.perf_counter()
        for seq in range(args.burst):
            for person in run.customers:
                tok = f"bm{person.index}x{seq}"
                tokens.append(tok)
                person.user.send_text(f"{tok} the export still stops at 80%")
        timed_out = False
        try:
            await wait_until(
                lambda: all(t in clock.in_slack for t in tokens),
                60 + 3 * len(tokens) / args.slack_per_second,
                "every message in Slack",
            )
            await run.quiet(within=600)
        except TimeoutError as error:
            timed_out = True
            print(f"NOT EVERYTHING ARRIVED: {error}")
        posts = run.slack.calls.counts["chat.postMessage"] - posts_before
        slack = _since(dict(run.slack.calls.statuses), slack_before)
        telegram = _since(dict(run.telegram.stats.by_status), telegram_before)
    arrived = [clock.in_slack[t] for t in tokens if t in clock.in_slack]
    last = max(arrived) - started if arrived else float("nan")
    first = min(arrived) - started if arrived else float("nan")
    twice = sum(1 for t in tokens if clock.slack_copies[t] > 1)
    span = last - first if len(arrived) > 1 and last > first else float("nan")
    drain = (len(arrived) - 1) / span
    # What the limit is about: chat.postMessage calls (the bot may gather several thread
    # lines into one post), against the allowance; the bucket's burst of 3 comes on top.
    post_rate = max(0, posts - 3) / span
    allowed = args.slack_per_second
    ratio = post_rate / allowed
    share_slack = slack.get(429, 0) / max(1, sum(slack.values()))
    share_telegram = telegram.get(429, 0) / max(1, sum(telegram.values()))
    print(
        f"under limits: db={args.db} {args.customers} customers x {args.burst} messages = "
        f"{len(tokens)}; Slack allows {allowed:g} thread lines/s in the channel"
    )
    everything = len(arrived) == len(tokens) and not timed_out
    print(f"delivered {len(arrived)}/{len(tokens)} {verdict(everything)}; twice: {twice}")
    print(
        f"429 share: Slack {share_slack:.1%} of {sum(slack.values())} calls, Telegram "
        f"{share_telegram:.1%} of {sum(telegram.values())} calls "
        f"(target < {SHARE_429_TARGET:.0%}) {verdict(max(share_slack, share_telegram) < 0.01)}"
    )
    print(
        f"drain: {drain:.2f} messages/s in {posts} posts, {post_rate:.2f} posts/s beyond the "
        f"burst = {ratio:.0%} of allowed (target >= {DRAIN_TARGET:.0%}) "
        f"{verdict(ratio >= DRAIN_TARGET)}"
    )
    print(f"time to last message visible: {last:.1f} s (first after {first:.2f} s)")
    print(f"reproduce: {reproduce('under_limits.py')}")


def _since(now: dict[int, int], before: dict[int, int]) -> dict[int, int]:
    return {status: count - before.get(status, 0) for status, count in now.items()}


def main() -> int:
    p = parser(__doc__)
    p.add_argument("--customers", type=int, default=200)
    p.add_argument("--burst", type=int, default=5)
    p.add_argument("--slack-per-second", type=float, default=1.0, help="chat.postMessage allowance")
    args = p.parse_args()
    if args.smoke:
        args.customers, args.burst, args.slack_per_second = 5, 3, 10.0
    check_supported(args)
    asyncio.run(main_async(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
