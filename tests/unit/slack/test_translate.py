"""adapters.slack.translate over the payloads Slack sends.

The payloads are built by the Slack emulator's own payload builders (the shapes it delivers to
Bolt in the end-to-end tests) from a workspace held in memory, plus a few copied from Slack's
documentation. The card's buttons come from adapters.slack.blocks, so their ids and values are
the ones agents really click.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import pytest

from adapters.slack import blocks, modals
from adapters.slack import translate as tr
from adapters.slack.emulator import payloads
from adapters.slack.emulator.methods_views import new_view
from adapters.slack.emulator.state import File, Message
from adapters.slack.emulator.store import Workspace
from adapters.slack.emulator.workspace import seed_default
from core.model import Priority, TicketStatus, TicketType

JSON = dict[str, Any]


class Slack:
    """A workspace in memory that says things the way Slack would tell the app."""

    def __init__(self) -> None:
        self.ws = Workspace()
        seed_default(self.ws)
        self.support = self.ws.channel("support")
        self.general = self.ws.channel("general")
        self.alice = self.ws.user("alice")
        self.desk = tr.Desk(self.support.id, "note:", self.ws.app.bot_user_id)

    def post(
        self,
        text: str,
        *,
        thread: Message | None = None,
        user: str | None = None,
        channel: str | None = None,
        **more: Any,
    ) -> Message:
        message = Message(
            ts=self.ws.new_ts(),
            channel=channel or self.support.id,
            text=text,
            user=user or self.alice.id,
            team=self.ws.team_id,
            thread_ts=thread.ts if thread else None,
            **more,
        )
        return self.ws.store(message)

    def card(
        self, number: int = 7, status: TicketStatus = TicketStatus.NEW, expected: date | None = None
    ) -> Message:
        ticket = blocks.TicketCard(
            number=number,
            subject="Export hangs",
            status=status,
            priority=Priority.MEDIUM,
            type=TicketType.ERROR,
            company="Nowak",
            reporter="Anna",
            expected_close=expected,
        )
        text, made = blocks.ticket_parent(ticket)
        app = self.ws.app
        return self.post(text, user=self.ws.app.bot_user_id, blocks=made, bot_id=app.bot_id)

    def event(self, message: Message) -> JSON:
        return payloads.envelope(self.ws, payloads.message_event(self.ws, message))

    def edited(self, message: Message, text: str) -> JSON:
        previous = self.ws.message_json(message)
        message.text = text
        message.edited = {"user": message.user, "ts": self.ws.new_ts()}
        event = payloads.message_changed_event(self.ws, previous, message, self.ws.new_ts())
        return payloads.envelope(self.ws, event)

    def click(self, message: Message, action_id: str, value: Any = None) -> JSON:
        for block in message.blocks or []:
            for element in block.get("elements", []):
                if element.get("action_id") == action_id:
                    action = payloads.action_for(element, block["block_id"], value)
                    return payloads.block_actions(self.ws, self.alice, action, message=message)
        raise LookupError(action_id)

    def submit(self, spec: JSON, text: str | None) -> JSON:
        view = new_view(self.ws, self.alice.id, spec)
        view.state_values = {
            modals.INPUT_BLOCK: {
                modals.INPUT_ACTION: {"type": "plain_text_input", "value": text},
            }
        }
        return payloads.view_submission(self.ws, self.alice, view)


@pytest.fixture
def slack() -> Slack:
    return Slack()


# -- messages -------------------------------------------------------------------------------


def test_a_thread_reply_is_an_agent_reply(slack: Slack) -> None:
    parent = slack.card()
    reply = slack.post("Please restart the export &lt;now&gt;", thread=parent)
    said = tr.translate(slack.event(reply), slack.desk)
    assert said == tr.AgentReply(
        tr.Origin(slack.alice.id, slack.support.id, parent.ts),
        reply.ts,
        "Please restart the export &lt;now&gt;",
    )
    assert isinstance(said, tr.AgentReply)
    assert said.origin.key == f"slack:{slack.support.id}:{parent.ts}"


@pytest.mark.parametrize("prefix", ["note:", "NOTE:", "Note:", "  note:"])
def test_the_note_prefix_makes_a_note_in_any_case(slack: Slack, prefix: str) -> None:
    parent = slack.card()
    reply = slack.post(f"{prefix} customer is on the old version", thread=parent)
    said = tr.translate(slack.event(reply), slack.desk)
    assert said == tr.Note(
        tr.Origin(slack.alice.id, slack.support.id, parent.ts),
        reply.ts,
        "customer is on the old version",
    )


def test_the_note_prefix_is_configurable(slack: Slack) -> None:
    parent = slack.card()
    reply = slack.post("internal: check the logs", thread=parent)
    desk = tr.Desk(slack.support.id, "Internal:")
    assert isinstance(tr.translate(slack.event(reply), desk), tr.Note)
    assert isinstance(tr.translate(slack.event(reply), slack.desk), tr.AgentReply)


def test_a_word_starting_like_the_prefix_is_no_note(slack: Slack) -> None:
    parent = slack.card()
    reply = slack.post("notes: see the manual", thread=parent)
    assert isinstance(tr.translate(slack.event(reply), slack.desk), tr.AgentReply)


def test_a_file_shared_in_the_thread_comes_with_the_reply(slack: Slack) -> None:
    parent = slack.card()
    file = File(
        id="F0000000001",
        name="fix.sql",
        title="fix.sql",
        user=slack.alice.id,
        created=int(time.time()),
        expected_length=4,
        content=b"sql!",
        completed=True,
    )
    slack.ws.files[file.id] = file
    reply = slack.post("Run this", thread=parent, subtype="file_share", files=[file.id])
    said = tr.translate(slack.event(reply), slack.desk)
    assert isinstance(said, tr.AgentReply)
    (shared,) = said.files
    assert shared.id == file.id
    assert shared.name == "fix.sql"
    assert shared.size == 4
    assert shared.url == slack.ws.file_url(file, download=True)
    assert said.unavailable == ()


def test_files_slack_does_not_hand_out_are_named(slack: Slack) -> None:
    parent = slack.card()
    event = slack.event(slack.post("see attached", thread=parent, subtype="file_share"))
    event["event"]["files"] = [
        {"id": "F1", "name": "gone.png", "mode": "tombstone"},
        {"id": "F2", "name": "old.pdf", "mode": "hidden_by_limit"},
    ]
    said = tr.translate(event, slack.desk)
    assert isinstance(said, tr.AgentReply)
    assert said.files == ()
    assert said.unavailable == ("gone.png", "old.pdf")


def test_an_edit_in_a_thread(slack: Slack) -> None:
    parent = slack.card()
    reply = slack.post("Restart it", thread=parent)
    said = tr.translate(slack.edited(reply, "Restart it twice"), slack.desk)
    assert said == tr.Edit(
        tr.Origin(slack.alice.id, slack.support.id, parent.ts), reply.ts, "Restart it twice"
    )


def test_an_edit_of_a_note_keeps_it_a_note(slack: Slack) -> None:
    parent = slack.card()
    reply = slack.post("note: old build", thread=parent)
    said = tr.translate(slack.edited(reply, "note: build 1042"), slack.desk)
    assert isinstance(said, tr.Edit)
    assert (said.text, said.as_note) == ("build 1042", True)


def test_an_edit_from_slacks_documentation(slack: Slack) -> None:
    body = {
        "type": "event_callback",
        "event_id": "Ev123ABC456",
        "event": {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "channel": slack.support.id,
            "ts": "1358878755.000001",
            "message": {
                "type": "message",
                "user": "U123ABC456",
                "text": "Hello, world!",
                "ts": "1355517523.000005",
                "thread_ts": "1355517000.000001",
                "edited": {"user": "U123ABC456", "ts": "1358878755.000001"},
            },
            "previous_message": {"type": "message", "text": "Hello", "ts": "1355517523.000005"},
        },
    }
    said = tr.translate(body, slack.desk)
    assert said == tr.Edit(
        tr.Origin("U123ABC456", slack.support.id, "1355517000.000001"),
        "1355517523.000005",
        "Hello, world!",
    )


def test_what_is_ignored(slack: Slack) -> None:
    parent = slack.card()
    bot_line = slack.post(
        "💬 Anna: hello", thread=parent, user=slack.ws.app.bot_user_id, bot_id=slack.ws.app.bot_id
    )
    other_bot = slack.post("deploy done", thread=parent, user=None, subtype="bot_message")
    other_bot.bot_id = "B0OTHER"
    top_level = slack.post("anyone seen #7?")
    elsewhere_parent = slack.post("hi", channel=slack.general.id)
    elsewhere = slack.post("hi there", channel=slack.general.id, thread=elsewhere_parent)
    joined = slack.post("joined", thread=parent, subtype="channel_join")
    cases = {
        "the bot's own line": slack.event(bot_line),
        "another bot": slack.event(other_bot),
        "a top-level message": slack.event(top_level),
        "a thread in another channel": slack.event(elsewhere),
        "a join": slack.event(joined),
        "the card itself changing": slack.edited(parent, "updated card"),
    }
    for what, body in cases.items():
        assert isinstance(tr.translate(body, slack.desk), tr.Ignore), what


def test_a_deletion_is_ignored_for_now(slack: Slack) -> None:
    parent = slack.card()
    reply = slack.post("oops", thread=parent)
    previous = slack.ws.message_json(reply)
    event = payloads.message_deleted_event(slack.ws, previous, slack.support, slack.ws.new_ts())
    assert isinstance(tr.translate(payloads.envelope(slack.ws, event), slack.desk), tr.Ignore)


def test_a_changed_message_with_the_same_text_is_ignored(slack: Slack) -> None:
    parent = slack.card()
    reply = slack.post("see https://example.com", thread=parent)
    said = tr.translate(slack.edited(reply, "see https://example.com"), slack.desk)
    assert isinstance(said, tr.Ignore)


def test_a_broadcast_reply_is_not_relayed_but_explained(slack: Slack) -> None:
    parent = slack.card()
    reply = slack.post("FYI all", thread=parent, subtype="thread_broadcast")
    said = tr.translate(slack.event(reply), slack.desk)
    assert said == tr.Hint(tr.Origin(slack.alice.id, slack.support.id, parent.ts), tr.BROADCAST)


def test_other_events_are_ignored(slack: Slack) -> None:
    event = payloads.member_joined_event(slack.ws, slack.alice, slack.support, None)
    assert isinstance(tr.translate(payloads.envelope(slack.ws, event), slack.desk), tr.Ignore)
    assert isinstance(tr.translate({"type": "url_verification"}, slack.desk), tr.Ignore)


def test_a_malformed_payload_is_ignored_not_raised(slack: Slack) -> None:
    event = {"type": "message", "channel": slack.support.id, "thread_ts": "1.0", "user": "U1"}
    body = {"type": "event_callback", "event": event}  # no ts
    assert isinstance(tr.translate(body, slack.desk), tr.Ignore)


# -- buttons and selects --------------------------------------------------------------------


def test_the_cards_buttons(slack: Slack) -> None:
    parent = slack.card(number=42)
    origin_of = {}
    for action_id, expected in [
        (blocks.ACTION_ASSIGN_ME, tr.AssignMe),
        (blocks.ACTION_RESOLVE, tr.OpenResolveModal),
        (blocks.ACTION_REQUEST_INFO, tr.OpenRequestInfoModal),
    ]:
        body = slack.click(parent, action_id)
        said = tr.translate(body, slack.desk)
        assert isinstance(said, expected), action_id
        assert isinstance(said, tr.OnCard)
        assert said.number == 42
        origin_of[action_id] = said.origin
        if isinstance(said, tr.OpenResolveModal | tr.OpenRequestInfoModal):
            assert said.trigger_id == body["trigger_id"]
    origin = origin_of[blocks.ACTION_ASSIGN_ME]
    assert (origin.user, origin.channel, origin.thread_ts) == (
        slack.alice.id,
        slack.support.id,
        parent.ts,
    )
    assert origin.response_url is not None


def test_close_and_reopen_on_a_resolved_card(slack: Slack) -> None:
    parent = slack.card(number=9, status=TicketStatus.RESOLVED)
    close = tr.translate(slack.click(parent, blocks.ACTION_CLOSE), slack.desk)
    reopen = tr.translate(slack.click(parent, blocks.ACTION_REOPEN), slack.desk)
    assert isinstance(close, tr.Close)
    assert isinstance(reopen, tr.Reopen)
    assert close.number == reopen.number == 9


def test_the_status_and_priority_selects(slack: Slack) -> None:
    parent = slack.card(number=5, status=TicketStatus.IN_PROGRESS)
    status = slack.click(parent, blocks.ACTION_STATUS, blocks.option_value(5, "waiting_customer"))
    priority = slack.click(parent, blocks.ACTION_PRIORITY, blocks.option_value(5, "urgent"))
    said_status = tr.translate(status, slack.desk)
    said_priority = tr.translate(priority, slack.desk)
    assert isinstance(said_status, tr.SetStatus)
    assert (said_status.number, said_status.status) == (5, TicketStatus.WAITING_CUSTOMER)
    assert isinstance(said_priority, tr.SetPriority)
    assert (said_priority.number, said_priority.priority) == (5, Priority.URGENT)


def test_the_expected_close_date_is_picked_and_cleared(slack: Slack) -> None:
    parent = slack.card(number=6, status=TicketStatus.IN_PROGRESS, expected=date(2026, 3, 5))
    picked = tr.translate(
        slack.click(parent, blocks.ACTION_EXPECTED_CLOSE, "2026-03-09"), slack.desk
    )
    cleared = tr.translate(slack.click(parent, blocks.ACTION_CLEAR_EXPECTED_CLOSE), slack.desk)
    assert isinstance(picked, tr.SetExpectedClose)
    assert isinstance(cleared, tr.SetExpectedClose)
    assert (picked.number, picked.day) == (6, date(2026, 3, 9))
    assert (cleared.number, cleared.day) == (6, None)


def test_a_forged_value_is_ignored(slack: Slack) -> None:
    parent = slack.card(number=5)
    body = slack.click(parent, blocks.ACTION_ASSIGN_ME)
    body["actions"][0]["value"] = "5; drop table"
    assert isinstance(tr.translate(body, slack.desk), tr.Ignore)
    body = slack.click(parent, blocks.ACTION_PRIORITY, blocks.option_value(5, "low"))
    body["actions"][0]["selected_option"]["value"] = "5:whenever"
    assert isinstance(tr.translate(body, slack.desk), tr.Ignore)


def test_a_button_elsewhere_is_ignored(slack: Slack) -> None:
    parent = slack.card()
    body = slack.click(parent, blocks.ACTION_ASSIGN_ME)
    body["container"]["channel_id"] = slack.general.id
    assert isinstance(tr.translate(body, slack.desk), tr.Ignore)


# -- modals ---------------------------------------------------------------------------------


def test_submitting_the_resolve_modal(slack: Slack) -> None:
    context = modals.ModalContext(12, slack.support.id, "1700000000.000100")
    body = slack.submit(modals.resolve_modal(context), "Reinstalled the driver")
    said = tr.translate(body, slack.desk)
    assert said == tr.Resolve(
        tr.Origin(slack.alice.id, slack.support.id, "1700000000.000100"),
        12,
        text="Reinstalled the driver",
    )


def test_submitting_the_request_info_modal(slack: Slack) -> None:
    context = modals.ModalContext(12, slack.support.id, "1700000000.000100")
    said = tr.translate(slack.submit(modals.request_info_modal(context), None), slack.desk)
    assert isinstance(said, tr.RequestInfo)
    assert (said.number, said.text) == (12, "")


def test_another_apps_modal_is_ignored(slack: Slack) -> None:
    spec = {"type": "modal", "callback_id": "other", "title": {"type": "plain_text", "text": "x"}}
    assert isinstance(tr.translate(slack.submit(spec, "x"), slack.desk), tr.Ignore)


def test_modal_metadata_round_trip() -> None:
    context = modals.ModalContext(1042, "C1", "1.2")
    assert modals.parse_metadata(context.metadata()) == context
    for bad in ("", "{}", "[1]", '{"n": "1", "c": "C", "t": "1"}'):
        with pytest.raises(ValueError, match="metadata"):
            modals.parse_metadata(bad)


# -- inbox keys -----------------------------------------------------------------------------


def test_event_ids(slack: Slack) -> None:
    parent = slack.card()
    event = slack.event(slack.post("hello", thread=parent))
    assert tr.event_id(event) == event["event_id"]
    click = slack.click(parent, blocks.ACTION_ASSIGN_ME)
    assert tr.event_id(click) == f"action:{click['trigger_id']}"
    context = modals.ModalContext(1, slack.support.id, parent.ts)
    submitted = slack.submit(modals.resolve_modal(context), "done")
    view = submitted["view"]
    assert tr.event_id(submitted) == f"view:{view['id']}:{view['hash']}"


# -- text -----------------------------------------------------------------------------------


def test_plain_text_for_the_customer() -> None:
    names = {"U0ALICE": "Alice"}
    text = (
        "Hi <@U0ALICE>, see <https://example.com/kb?a=1&amp;b=2|the guide> and "
        "<https://example.com> or <mailto:help@example.com|help@example.com>; "
        "<!here> <#C123|support> 1 &lt; 2 &amp;&amp; 3 &gt; 2, &amp;lt; stays"
    )
    assert tr.mentioned_users(text) == ["U0ALICE"]
    assert tr.plain_text(text, names) == (
        "Hi @Alice, see the guide (https://example.com/kb?a=1&b=2) and "
        "https://example.com or help@example.com; "
        "@here #support 1 < 2 && 3 > 2, &lt; stays"
    )


def test_plain_text_without_names_keeps_the_id() -> None:
    assert tr.plain_text("ask <@U0BOB> or <@U0CAROL|carol>") == "ask @U0BOB or @carol"
    assert tr.plain_text("<http://x.io|x.io>") == "http://x.io"
