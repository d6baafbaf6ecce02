"""Flaky platforms for the whole run: a random 20 % of the bot's sending calls, to Telegram and
to Slack, fail one way or another (429 with a retry time, 5xx, time-outs), with one bot process
that is never restarted. Everything must arrive, in order per chat and per ticket thread.

A time-out leaves the bot not knowing whether its message arrived. When the platform had in
fact taken it (the emulators' "late" and "lost" faults), sending again doubles it: the one
duplicate the bot cannot avoid. Every duplicate must be one of those, and they are counted.
When the platform had not taken it ("slow": the client gives up first; "disconnect"),
sending again is simply right.

The seed is printed; SUPPORTBOT_FAULT_SEED=<n> replays the faults' draws (how the bot's calls
interleave still depends on the machine).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from adapters.telegram.emulator.limits import SENDING_METHODS
from tests.faults.desk import chosen_seed, field_desk, report
from tests.integration.conftest import sqlite_url

SHARE = 0.2  # of the sending calls that fail
PACE = 0.25  # seconds between two actions of the stream
ACTIONS = 100
# PTB gives up on an answer after 5 s (its default read time-out): 6 s is a time-out.
TIMEOUT = 6.0
# Half the failures are rate limits and server errors, a third time-outs: the platform took
# the message ("late", "lost") or not ("slow", "disconnect") in equal parts.
TELEGRAM_MIX = {"429": 2.0, "500": 1.0, "502": 1.0, "late": 1.0, "slow": 1.0}
SLACK_MIX = {"ratelimited": 2.0, "server_error": 2.0, "lost": 1.0, "disconnect": 1.0}
SLACK_SENDING = (
    "chat.postMessage", "chat.update", "chat.delete", "files.getUploadURLExternal",
    "files.completeUploadExternal", "files.upload",
)  # fmt: skip


@pytest.mark.slow
@pytest.mark.timeout(300)
async def test_a_fifth_of_the_calls_failing_everything_arrives_in_order(tmp_path: Path) -> None:
    seed = chosen_seed("SUPPORTBOT_FAULT_SEED")
    print(f"\n[faults/20%] seed={seed} (SUPPORTBOT_FAULT_SEED={seed} repeats the draws)")
    async with field_desk(tmp_path, sqlite_url(tmp_path / "bot.db"), customers=5) as desk:
        telegram_faults = desk.telegram.faults.mix(
            SHARE, TELEGRAM_MIX, methods=SENDING_METHODS, seed=seed, delay=TIMEOUT
        )
        slack_faults = desk.slack.faults.mix(
            SHARE, SLACK_MIX, methods=SLACK_SENDING, seed=seed + 1, status=503
        )
        await desk.start()
        await desk.cards(within=90)
        async with desk.streaming(random.Random(seed), PACE) as run:
            await desk.more_actions(ACTIONS, within=120)
        tally = run.tally
        hits = {
            **{f"telegram_{f.kind}": f.hits for f in telegram_faults},
            **{f"slack_{f.kind}": f.hits for f in slack_faults},
        }
        sent = len(desk.telegram.calls("sendMessage")) + sum(
            1 for r in desk.slack.calls.records if r.method in SLACK_SENDING
        )
        taken = desk.taken_unanswered()
        print(
            report(
                "faults/20%",
                seed,
                tally,
                actions=run.actions,
                sending_calls=sent,
                failed=sum(hits.values()),
                **hits,
                taken_but_timed_out=sum(taken.values()),
            )
        )
        tally.assert_whole()
        assert not tally.never_received, "the bot never went down: Slack never gave up"
        # The faults did happen, about a fifth of the calls, every kind of them.
        assert 0.1 * sent <= sum(hits.values()) <= 0.3 * sent, (hits, sent)
        classes = {
            "rate limits": hits["telegram_429"] + hits["slack_ratelimited"],
            "server errors": hits["telegram_500"] + hits["telegram_502"]
            + hits["slack_server_error"],
            "time-outs": hits["telegram_late"] + hits["telegram_slow"] + hits["slack_lost"]
            + hits["slack_disconnect"],
        }  # fmt: skip
        assert all(classes.values()), classes
        # Duplicates only where a time-out hid a message the platform had taken, at most one
        # extra copy per such call.
        for token, times in tally.duplicates.items():
            assert len(times) - 1 <= taken[token], (token, times, taken)
        assert desk.bot.starts == 1
        assert desk.bot.alive
