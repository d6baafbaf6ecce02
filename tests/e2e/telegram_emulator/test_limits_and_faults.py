"""Flood limits, injected faults and the call log, seen through python-telegram-bot."""

from __future__ import annotations

import datetime as dtm

import pytest
from telegram import Bot, InputMediaPhoto
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from adapters.telegram.emulator import SimUser, TelegramEmulator
from tests.e2e.telegram_emulator.helpers import jpeg


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(emu: TelegramEmulator) -> FakeClock:
    fake = FakeClock()
    emu.rate_limits.clock = fake
    return fake


async def test_rate_limits_are_off_by_default(bot: Bot, user: SimUser) -> None:
    for i in range(40):
        await bot.send_message(user.id, f"burst {i}")


async def test_per_chat_limit_allows_a_short_burst(
    emu: TelegramEmulator, bot: Bot, user: SimUser, clock: FakeClock
) -> None:
    emu.rate_limits.enable()  # 1 message/s per chat, bursts of 3
    for i in range(3):
        await bot.send_message(user.id, f"burst {i}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(user.id, "one too many")
    assert caught.value.retry_after == dtm.timedelta(seconds=1)
    assert emu.calls("sendMessage")[-1].description == "Too Many Requests: retry after 1"
    # Another chat is not affected, and the first one recovers with time.
    other = emu.add_user("Other")
    other.start()
    await bot.send_message(other.id, "fine")
    clock.now += 1.0
    await bot.send_message(user.id, "after waiting")
    emu.rate_limits.disable()
    for _ in range(5):
        await bot.send_message(user.id, "unlimited again")


async def test_global_limit_is_30_per_second(
    emu: TelegramEmulator, bot: Bot, clock: FakeClock
) -> None:
    users = [emu.add_user(f"U{i}") for i in range(31)]
    for u in users:
        u.start()
    emu.rate_limits.enable()
    for u in users[:30]:
        await bot.send_message(u.id, "broadcast")
    with pytest.raises(RetryAfter):
        await bot.send_message(users[30].id, "broadcast")
    clock.now += 0.1  # 3 messages' worth of budget back
    await bot.send_message(users[30].id, "broadcast")


async def test_group_limit_is_20_per_minute(
    emu: TelegramEmulator, bot: Bot, clock: FakeClock
) -> None:
    group = emu.add_group("Agents")
    emu.rate_limits.enable(per_chat_rate=100, per_chat_burst=100)
    for i in range(20):
        await bot.send_message(group.id, f"note {i}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(group.id, "note 21")
    assert caught.value.retry_after == dtm.timedelta(seconds=3)


async def test_an_album_counts_as_its_messages(
    emu: TelegramEmulator, bot: Bot, user: SimUser, clock: FakeClock
) -> None:
    emu.rate_limits.enable()
    await bot.send_media_group(user.id, [InputMediaPhoto(jpeg()), InputMediaPhoto(jpeg())])
    await bot.send_message(user.id, "third fits the burst")
    with pytest.raises(RetryAfter):
        await bot.send_message(user.id, "fourth does not")


async def test_fault_429_has_retry_after_and_happens_once(
    emu: TelegramEmulator, bot: Bot, user: SimUser
) -> None:
    emu.faults.add("sendMessage", "429", retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(user.id, "x")
    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    await bot.send_message(user.id, "second call goes through")


async def test_fault_500_and_502(emu: TelegramEmulator, bot: Bot, user: SimUser) -> None:
    emu.faults.add("sendMessage", "500")
    with pytest.raises(NetworkError, match="Internal Server Error") as caught:
        await bot.send_message(user.id, "x")
    assert not isinstance(caught.value, BadRequest)
    emu.faults.add("getMe", "502")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.get_me()
    assert [r.status for r in emu.calls()[-2:]] == [500, 502]


async def test_fault_slow_times_out_or_just_delays(
    emu: TelegramEmulator, bot: Bot, user: SimUser
) -> None:
    emu.faults.add("sendMessage", "slow", delay=1.0)
    with pytest.raises(TimedOut):
        await bot.send_message(user.id, "x", read_timeout=0.2)
    emu.faults.add("sendMessage", "slow", delay=0.1)
    sent = await bot.send_message(user.id, "late but fine", read_timeout=2)
    assert sent.text == "late but fine"


async def test_fault_drop_closes_the_connection(
    emu: TelegramEmulator, bot: Bot, user: SimUser
) -> None:
    emu.faults.add("sendMessage", "drop")
    with pytest.raises(NetworkError) as caught:
        await bot.send_message(user.id, "x")
    assert not isinstance(caught.value, TimedOut)
    assert "disconnected" in str(caught.value).lower()
    assert emu.calls("sendMessage")[-1].status == 0
    await bot.send_message(user.id, "the bot reconnects")


async def test_fault_selection_times_skip_when_probability(
    emu: TelegramEmulator, bot: Bot, user: SimUser
) -> None:
    other = emu.add_user("Other")
    other.start()
    only_other = emu.faults.add(
        "sendMessage", "error", code=403, description="Forbidden: custom", times=None,
        when=lambda args: args.get("chat_id") == other.id,
    )  # fmt: skip
    await bot.send_message(user.id, "fine")
    with pytest.raises(Forbidden, match="custom"):
        await bot.send_message(other.id, "not fine")
    assert only_other.hits == 1
    emu.faults.clear()

    third = emu.faults.add("getMe", "500", skip=2)
    await bot.get_me()
    await bot.get_me()
    with pytest.raises(NetworkError):
        await bot.get_me()
    await bot.get_me()
    assert third.hits == 1

    emu.faults.clear()
    flaky = emu.faults.add(None, "500", times=None, probability=0.5)
    failures = 0
    for _ in range(40):
        try:
            await bot.get_webhook_info()
        except NetworkError:
            failures += 1
    assert 5 < failures < 35
    assert flaky.hits == failures


async def test_fault_late_sends_the_message_but_answers_too_late(
    emu: TelegramEmulator, bot: Bot, user: SimUser
) -> None:
    emu.faults.add("sendMessage", "late", delay=1.0)
    with pytest.raises(TimedOut):
        await bot.send_message(user.id, "sent all the same", read_timeout=0.2)
    # The message is in the chat although the client never heard so: resending doubles it.
    assert [m.text for m in user.bot_messages()] == ["sent all the same"]
    record = emu.calls("sendMessage")[-1]
    assert (record.status, record.description) == (0, "answered late")


async def test_fault_mix_fails_a_share_of_the_named_methods_with_each_kind(
    emu: TelegramEmulator, bot: Bot, user: SimUser
) -> None:
    rules = emu.faults.mix(
        0.4, {"429": 1, "500": 1, "502": 2}, methods=["sendMessage", "sendPhoto"], seed=5
    )
    seen = {"429": 0, "500": 0, "502": 0, "ok": 0}
    for n in range(300):
        try:
            await bot.send_message(user.id, f"m{n}")
            seen["ok"] += 1
        except RetryAfter:
            seen["429"] += 1
        except NetworkError as error:
            seen["502" if "Bad Gateway" in str(error) else "500"] += 1
    await bot.get_me()  # not named: never faulted
    assert [r.hits for r in rules] == [seen["429"], seen["500"], seen["502"]]
    assert 90 <= 300 - seen["ok"] <= 150  # 40 %, give or take
    assert max(seen["429"], seen["500"]) < seen["502"]  # weights 1:1:2
    assert min(seen["429"], seen["500"]) >= 15
    # Seeded: the same seed draws the same failures.
    again = TelegramEmulator(token=emu.token).faults
    replay = again.mix(0.4, {"429": 1, "500": 1, "502": 2}, methods=["sendMessage"], seed=5)
    for _ in range(300):
        again.pick("sendmessage", {})
    assert [r.hits for r in replay] == [r.hits for r in rules]
    with pytest.raises(ValueError, match="probability"):
        emu.faults.mix(1.5, {"429": 1})


async def test_call_log_helpers_and_counters(
    emu: TelegramEmulator, bot: Bot, user: SimUser
) -> None:
    await bot.send_message(user.id, "one")
    await bot.send_message(user.id, "two", parse_mode="HTML")
    await bot.send_photo(user.id, jpeg(), caption="pic")
    emu.assert_called("sendMessage", times=2)
    record = emu.assert_called("sendMessage", text="two", parse_mode="HTML")
    assert record.ok
    assert record.result["text"] == "two"
    emu.assert_not_called("deleteMessage")
    with pytest.raises(AssertionError, match="expected sendMessage"):
        emu.assert_called("sendMessage", text="three")
    photo_args = emu.calls("sendPhoto")[0].args
    assert photo_args["photo"]["size"] == len(jpeg())  # files are summarised, not kept
    assert photo_args["photo"]["content_type"]
    stats = emu.stats.snapshot()
    assert stats["by_method"]["sendMessage"] == 2
    assert stats["by_status"][200] == stats["calls"]
