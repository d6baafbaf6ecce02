"""The ticket's parent card and its thread lines, as agents see them in #support."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from adapters.slack import blocks as lines
from adapters.slack.blocks import TicketCard, parse_option_value, ticket_parent
from adapters.slack.emulator import render
from adapters.slack.emulator.mrkdwn import mrkdwn_texts
from core.model import AuthorKind, Plan, Priority, TicketStatus, TicketType

CARD = TicketCard(
    number=1042,
    subject="Invoice export fails",
    status=TicketStatus.NEW,
    priority=Priority.MEDIUM,
    type=TicketType.ERROR,
    company="Biuro Rachunkowe Nowak",
    reporter="Anna Nowak",
)


def fields(blocks: list[dict[str, Any]]) -> dict[str, str]:
    section = next(b for b in blocks if "fields" in b)
    out = {}
    for item in section["fields"]:
        name, _, value = item["text"].partition("\n")
        out[name.strip("*")] = value
    return out


def elements(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    actions = [b for b in blocks if b["type"] == "actions"]
    return {e["action_id"]: e for a in actions for e in a["elements"]}


def test_the_card_shows_number_subject_and_every_field() -> None:
    card = replace(
        CARD,
        product="Faktury",
        assignee_slack_id="U0MAREK",
        sla_due_at=datetime(2026, 3, 2, 16, 0, tzinfo=UTC),
        expected_close=date(2026, 3, 5),
        attachments=2,
        plan=Plan.PREMIUM,
    )
    text, blocks = ticket_parent(card)
    assert "#1042 Invoice export fails" in text
    assert blocks[0]["text"]["text"] == "🟡 *#1042 · Invoice export fails*"
    assert fields(blocks) == {
        "Company": "Biuro Rachunkowe Nowak · premium",
        "Reporter": "Anna Nowak",
        "Product": "Faktury",
        "Type": "Error",
        "Status": "New",
        "Priority": "🟡 Medium",
        "Assignee": "<@U0MAREK>",
        "SLA due": "<!date^1772467200^{date_short_pretty} {time}|2026-03-02 16:00 UTC>",
        "Expected close": "2026-03-05",
        "Files": "📎 2",
    }


@pytest.mark.parametrize(
    ("priority", "icon"),
    [
        (Priority.LOW, "⚪"),
        (Priority.MEDIUM, "🟡"),
        (Priority.HIGH, "🔴"),
        (Priority.URGENT, "🔴"),
    ],
)
def test_urgency_colour(priority: Priority, icon: str) -> None:
    text, blocks = ticket_parent(replace(CARD, priority=priority))
    assert text.startswith(icon)
    assert blocks[0]["text"]["text"].startswith(icon)


def test_a_super_user_reporter_has_a_badge() -> None:
    _, blocks = ticket_parent(replace(CARD, reporter_is_super_user=True))
    assert fields(blocks)["Reporter"] == "Anna Nowak ⭐ super user"
    _, blocks = ticket_parent(CARD)
    assert "super user" not in fields(blocks)["Reporter"]


def test_empty_fields_and_unassigned() -> None:
    _, blocks = ticket_parent(CARD)
    got = fields(blocks)
    assert got["Assignee"] == "_unassigned_"
    assert got["Product"] == got["Expected close"] == got["Files"] == got["SLA due"] == "—"


def test_sla_paused_while_waiting_and_stopped_when_resolved() -> None:
    waiting = replace(CARD, status=TicketStatus.WAITING_CUSTOMER)
    assert fields(ticket_parent(waiting)[1])["SLA due"] == "paused while waiting for the customer"
    due = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    resolved = replace(CARD, status=TicketStatus.RESOLVED, sla_due_at=due)
    assert fields(ticket_parent(resolved)[1])["SLA due"] == "stopped"


def test_work_blocked_and_phone_are_noted() -> None:
    _, blocks = ticket_parent(replace(CARD, work_blocked=True, contact_phone="+48 600 100 200"))
    context = next(b for b in blocks if b["type"] == "context")
    assert context["elements"][0]["text"] == (
        "⛔ the customer's work is blocked · 📞 +48 600 100 200"
    )


def test_whatever_a_customer_typed_pings_and_links_nobody() -> None:
    card = replace(
        CARD,
        subject="<!channel> urgent <http://evil.example|bank> & <@U1>",
        company="<!here> Corp",
        reporter="<@U999>",
        product="<#C1|general>",
        contact_phone="<tel:1|call>",
        assignee_slack_id="U0MAREK",
    )
    text, blocks = ticket_parent(card)
    for source in (text, *[json.dumps(b) for b in blocks]):
        assert "<!channel>" not in source
        assert "<!here>" not in source
    rendered = render(text + "\n" + "\n".join(mrkdwn_texts(blocks)))
    assert rendered.broadcasts == ()
    assert rendered.links == ()
    assert rendered.channels == ()
    assert rendered.users == ("U0MAREK",)  # only the assignee: a mention on purpose
    assert "<!channel> urgent <http://evil.example|bank> & <@U1>" in rendered.plain
    for block in blocks:
        for item in [block.get("text"), *block.get("fields", []), *block.get("elements", [])]:
            if isinstance(item, dict) and item.get("type") == "mrkdwn":
                assert item["verbatim"] is True  # typed URLs and #names stay text too


@pytest.mark.parametrize(
    ("status", "actions"),
    [
        (
            TicketStatus.NEW,
            [
                "ticket_assign_me",
                "ticket_status",
                "ticket_priority",
                "ticket_request_info",
                "ticket_resolve",
                "ticket_expected_close",
            ],
        ),
        (
            TicketStatus.IN_PROGRESS,
            [
                "ticket_assign_me",
                "ticket_status",
                "ticket_priority",
                "ticket_request_info",
                "ticket_resolve",
                "ticket_expected_close",
            ],
        ),
        (
            TicketStatus.WAITING_CUSTOMER,
            [
                "ticket_assign_me",
                "ticket_status",
                "ticket_priority",
                "ticket_request_info",
                "ticket_resolve",
                "ticket_expected_close",
            ],
        ),
        (TicketStatus.RESOLVED, ["ticket_reopen", "ticket_close"]),
        (TicketStatus.CLOSED, ["ticket_reopen"]),
        (TicketStatus.TO_AUTHORIZE, []),
        (TicketStatus.REJECTED, []),
    ],
)
def test_buttons_follow_the_status(status: TicketStatus, actions: list[str]) -> None:
    _, blocks = ticket_parent(replace(CARD, status=status))
    assert list(elements(blocks)) == actions


def test_a_set_expected_close_date_can_be_cleared() -> None:
    """A datepicker cannot be emptied: a card with a date offers a button that withdraws it."""
    without = elements(ticket_parent(replace(CARD, status=TicketStatus.IN_PROGRESS))[1])
    assert "ticket_expected_close_clear" not in without
    dated = replace(CARD, status=TicketStatus.IN_PROGRESS, expected_close=date(2026, 3, 5))
    got = elements(ticket_parent(dated)[1])
    assert got["ticket_expected_close"]["initial_date"] == "2026-03-05"
    assert got["ticket_expected_close_clear"]["value"] == "1042"
    resolved = elements(ticket_parent(replace(dated, status=TicketStatus.RESOLVED))[1])
    assert "ticket_expected_close_clear" not in resolved


def test_every_element_names_the_ticket() -> None:
    _, blocks = ticket_parent(CARD)
    got = elements(blocks)
    for action_id in ("ticket_assign_me", "ticket_request_info", "ticket_resolve"):
        assert got[action_id]["value"] == "1042"
    assert got["ticket_resolve"]["style"] == "primary"
    for action_id in ("ticket_status", "ticket_priority"):
        for option in got[action_id]["options"]:
            assert parse_option_value(option["value"])[0] == 1042
    resolved = ticket_parent(replace(CARD, status=TicketStatus.RESOLVED))[1]
    assert {e["value"] for e in elements(resolved).values()} == {"1042"}


def test_status_select_offers_the_agents_moves_and_shows_the_current_one() -> None:
    def choices(status: TicketStatus) -> tuple[list[str], str]:
        select = elements(ticket_parent(replace(CARD, status=status))[1])["ticket_status"]
        values = [parse_option_value(o["value"])[1] for o in select["options"]]
        return values, parse_option_value(select["initial_option"]["value"])[1]

    assert choices(TicketStatus.NEW) == (["new", "in_progress"], "new")
    assert choices(TicketStatus.IN_PROGRESS) == (
        ["in_progress", "waiting_customer"],
        "in_progress",
    )
    assert choices(TicketStatus.WAITING_CUSTOMER) == (
        ["waiting_customer", "in_progress"],
        "waiting_customer",
    )


def test_priority_select_has_the_four_colours() -> None:
    select = elements(ticket_parent(replace(CARD, priority=Priority.HIGH))[1])["ticket_priority"]
    assert [o["text"]["text"] for o in select["options"]] == [
        "⚪ Low",
        "🟡 Medium",
        "🔴 High",
        "🔴 Urgent",
    ]
    assert select["initial_option"]["value"] == "1042:high"


def test_the_actions_block_id_changes_with_the_card() -> None:
    def block_id(card: TicketCard) -> str:
        _, blocks = ticket_parent(card)
        return str(next(b for b in blocks if b["type"] == "actions")["block_id"])

    assert block_id(CARD) == block_id(replace(CARD))
    assert block_id(CARD) != block_id(replace(CARD, priority=Priority.HIGH))
    assert block_id(CARD).startswith("ticket_actions:1042:")


def test_option_values_round_trip_and_refuse_garbage() -> None:
    assert parse_option_value(lines.option_value(7, "in_progress")) == (7, "in_progress")
    for bad in ("", "7", "x:in_progress", "7:", ":in_progress"):
        with pytest.raises(ValueError, match="not a ticket option value"):
            parse_option_value(bad)


def test_a_long_subject_is_shortened_in_the_headline() -> None:
    _, blocks = ticket_parent(replace(CARD, subject="x" * 500))
    assert len(blocks[0]["text"]["text"]) < 260
    assert blocks[0]["text"]["text"].endswith("…*")


# -- thread lines ---------------------------------------------------------------------------


def test_customer_lines_are_escaped() -> None:
    line = lines.customer_message("Anna Nowak", "<!channel> look & see <@U1>")
    assert line == "💬 *Anna Nowak* (customer): &lt;!channel&gt; look &amp; see &lt;@U1&gt;"
    assert render(line).broadcasts == ()
    assert lines.customer_message("Anna", "") == "💬 *Anna* (customer) sent files"
    assert lines.customer_message_edited("Anna", "fixed").endswith("fixed _(edited)_")
    assert lines.opening("Anna", "Step 1 <x>") == "📝 *Anna* (customer) reported:\nStep 1 &lt;x&gt;"


def test_who_did_what_lines() -> None:
    assert (
        lines.status_changed(TicketStatus.IN_PROGRESS, AuthorKind.AGENT, "Marek")
        == "🔄 *Marek* set status: In progress"
    )
    assert (
        lines.status_changed(TicketStatus.IN_PROGRESS, AuthorKind.SYSTEM, None)
        == "🔄 Status: In progress (automatically)"
    )
    assert lines.assigned("Marek", "Marek") == "👤 *Marek* took the ticket"
    assert lines.assigned("Ola", "Marek", "U0OLA") == "👤 *Marek* assigned the ticket to <@U0OLA>"
    assert lines.assigned("Ola", None) == "👤 Assigned to *Ola*"
    assert (
        lines.priority_changed(Priority.MEDIUM, Priority.HIGH, "Marek")
        == "🔺 *Marek* set priority: 🔴 High (was 🟡 Medium)"
    )
    assert lines.priority_changed(Priority.HIGH, Priority.LOW, "Marek").startswith("🔻")
    assert (
        lines.expected_close_set(date(2026, 3, 5), "Marek")
        == "📅 *Marek* set the expected close date: 2026-03-05"
    )
    assert lines.expected_close_set(None, "Marek") == ("📅 *Marek* cleared the expected close date")
    assert lines.info_requested("Marek", "Which version?") == (
        "❓ *Marek* asked the customer for information: Which version?"
    )
    assert lines.resolved("Marek", "Reinstalled <driver>") == (
        "✅ *Marek* resolved the ticket: Reinstalled &lt;driver&gt;"
    )
    assert lines.closed(AuthorKind.AGENT, "Marek") == "🔒 *Marek* closed the ticket"
    assert lines.closed(AuthorKind.SYSTEM, None) == "🔒 Closed automatically after the resolution"
    assert lines.closed(AuthorKind.CUSTOMER, "Anna").startswith("🔒 *Anna* (customer) confirmed")
    assert lines.reopened(AuthorKind.CUSTOMER, "Anna", "still broken") == (
        "↩️ *Anna* (customer) reopened the ticket: not solved, still broken"
    )
    assert lines.reopened(AuthorKind.AGENT, "Marek", None) == "↩️ *Marek* reopened the ticket"
    assert lines.rated(4, "quick & kind") == "⭐⭐⭐⭐ from the customer: quick &amp; kind"
    assert lines.rated(5, None) == "⭐⭐⭐⭐⭐ from the customer"
    assert lines.authorized("Jan") == "✅ *Jan* (super user) authorized the ticket"
    assert lines.extra_message("Jan", "Hello <team>") == (
        "✉️ from a super user, *Jan*:\nHello &lt;team&gt;"
    )


def test_support_token_lines() -> None:
    until = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert lines.token_attached("AB12-CD34", until) == (
        "🔑 Support access token attached: `AB12-CD34`"
        " (valid until <!date^1772528400^{date_short_pretty} {time}|2026-03-03 09:00 UTC>)"
    )
    assert lines.token_revoked("AB12-CD34") == (
        "🚫 The customer revoked support access token `AB12-CD34`"
    )


def test_customer_unreachable_lines_say_why_and_what_happened_instead() -> None:
    assert lines.customer_unreachable("blocked", by_email=True) == (
        "⚠️ Could not reach the customer: the bot was blocked;"
        " the message went to their e-mail address instead"
    )
    assert lines.customer_unreachable("chat_gone", by_email=False) == (
        "⚠️ Could not reach the customer: their chat no longer exists;"
        " they have no e-mail address on file: reach them another way"
    )
    assert "given up" in lines.customer_unreachable("exhausted", by_email=False)


def test_names_cannot_inject_markup_into_lines() -> None:
    line = lines.status_changed(TicketStatus.NEW, AuthorKind.AGENT, "<!everyone>")
    assert render(line).broadcasts == ()
    assert "&lt;!everyone&gt;" in line


def test_the_expected_close_picker_shows_the_date_and_names_the_ticket_in_its_block() -> None:
    _, blocks = ticket_parent(replace(CARD, expected_close=date(2026, 12, 4)))
    picker = elements(blocks)[lines.ACTION_EXPECTED_CLOSE]
    assert picker["type"] == "datepicker"
    assert picker["initial_date"] == "2026-12-04"
    (actions,) = [b for b in blocks if b["type"] == "actions"]
    assert lines.number_from_block_id(actions["block_id"]) == 1042
    unset = elements(ticket_parent(replace(CARD, expected_close=None))[1])
    assert "initial_date" not in unset[lines.ACTION_EXPECTED_CLOSE]
    with pytest.raises(ValueError, match="not a ticket card"):
        lines.number_from_block_id("something_else:12:ab")


def test_a_breached_sla_shows_on_the_card_while_the_clock_runs() -> None:
    due = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)

    def shown(card: TicketCard) -> str:
        return render("\n".join(mrkdwn_texts(ticket_parent(card)[1]))).plain

    calm = shown(replace(CARD, sla_due_at=due))
    breached_card = replace(CARD, sla_due_at=due, sla_breached=True)
    breached = shown(breached_card)
    assert "breached" not in calm
    assert "SLA breached" in breached
    assert "was due" in breached
    # A breach changes the block ids, so Slack clients redraw the card.
    assert breached_card.revision != replace(CARD, sla_due_at=due).revision
    stopped = replace(breached_card, status=TicketStatus.RESOLVED)
    assert "breached" not in shown(stopped)


def test_sla_lines_mention_the_assignee_or_say_nobody_has_it() -> None:
    due = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    assert "<@U0ALICE>" in lines.sla_reminder(due, "U0ALICE")
    assert "Nobody has this ticket" in lines.sla_reminder(due, None)
    assert "<!date^" in lines.sla_breached(due)
