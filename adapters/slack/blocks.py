"""What agents see in the support channel: the ticket's parent message (Block Kit) and the short
lines of its thread. Pure functions, no I/O.

Texts are English on purpose: the desk is one team with one working language, and these lines
are theirs, not the customer's. Everything a person typed (subjects, names, messages) goes
through `escape`, and mrkdwn objects carry `verbatim: true` so Slack does not turn a typed
`#general` or URL into a link either; the only live control sequences are the ones made here
(the assignee's `<@U…>` mention and `<!date^…>` times).

Interactive elements: buttons carry the ticket number as `value`; select options carry
`"<number>:<choice>"` (see `option_value` / `parse_option_value`). The inbound side re-checks
everything: a value is only a hint of which ticket was clicked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass
from datetime import UTC, date, datetime
from typing import Any

from adapters.slack.escape import escape
from bot.presentation import URGENCY_ICONS  # seed 002's colours: one scale on both sides
from core import events as ev
from core.lifecycle import Party, allowed_targets
from core.model import AuthorKind, Plan, Priority, TicketStatus, TicketType

__all__ = [
    "ACTION_ASSIGN_ME",
    "ACTION_CLEAR_EXPECTED_CLOSE",
    "ACTION_CLOSE",
    "ACTION_EXPECTED_CLOSE",
    "ACTION_PRIORITY",
    "ACTION_REOPEN",
    "ACTION_REQUEST_INFO",
    "ACTION_RESOLVE",
    "ACTION_STATUS",
    "EDITED_AWAY",
    "PRIORITY_NAMES",
    "STATUS_NAMES",
    "TYPE_NAMES",
    "URGENCY_ICONS",
    "Block",
    "TicketCard",
    "assigned",
    "authorized",
    "closed",
    "customer_message",
    "customer_message_edited",
    "customer_unreachable",
    "event_line",
    "expected_close_set",
    "extra_message",
    "file_added",
    "file_missing",
    "info_requested",
    "number_from_block_id",
    "opening",
    "option_value",
    "parse_option_value",
    "priority_changed",
    "rated",
    "reopened",
    "resolved",
    "sla_breached",
    "sla_reminder",
    "slack_date",
    "status_changed",
    "ticket_parent",
    "token_attached",
    "token_revoked",
]

Block = dict[str, Any]

ACTION_ASSIGN_ME = "ticket_assign_me"
ACTION_STATUS = "ticket_status"
ACTION_PRIORITY = "ticket_priority"
ACTION_REQUEST_INFO = "ticket_request_info"
ACTION_RESOLVE = "ticket_resolve"
ACTION_CLOSE = "ticket_close"
ACTION_REOPEN = "ticket_reopen"
ACTION_EXPECTED_CLOSE = "ticket_expected_close"
ACTION_CLEAR_EXPECTED_CLOSE = "ticket_expected_close_clear"

STATUS_NAMES: Mapping[TicketStatus, str] = {
    TicketStatus.TO_AUTHORIZE: "To authorize",
    TicketStatus.NEW: "New",
    TicketStatus.IN_PROGRESS: "In progress",
    TicketStatus.WAITING_CUSTOMER: "Waiting for the customer",
    TicketStatus.RESOLVED: "Resolved",
    TicketStatus.CLOSED: "Closed",
    TicketStatus.REJECTED: "Rejected",
}
PRIORITY_NAMES: Mapping[Priority, str] = {
    Priority.LOW: "Low",
    Priority.MEDIUM: "Medium",
    Priority.HIGH: "High",
    Priority.URGENT: "Urgent",
}
TYPE_NAMES: Mapping[TicketType, str] = {
    TicketType.ERROR: "Error",
    TicketType.QUESTION: "Question",
    TicketType.REQUEST: "Request",
    TicketType.OTHER: "Other",
    TicketType.EXTRA_MESSAGE: "Message from a super user",
}

_PRIORITY_ORDER = (Priority.LOW, Priority.MEDIUM, Priority.HIGH, Priority.URGENT)
_ACTIVE = frozenset({TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.WAITING_CUSTOMER})
_STOPPED = frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED, TicketStatus.REJECTED})
_NONE = "—"
# Slack's limits: 3000 characters in a text object, 75 in a button or option label.
_SECTION_LIMIT = 3000
_HEADLINE_SUBJECT = 200


@dataclass(frozen=True)
class TicketCard:
    """What the parent message shows: built by the sender from the ticket and its relations."""

    number: int
    subject: str
    status: TicketStatus
    priority: Priority
    type: TicketType
    company: str
    reporter: str
    reporter_is_super_user: bool = False
    plan: Plan = Plan.BASIC
    product: str | None = None
    assignee_slack_id: str | None = None
    assignee_name: str | None = None
    sla_due_at: datetime | None = None
    expected_close: date | None = None
    attachments: int = 0
    work_blocked: bool = False
    contact_phone: str | None = None
    sla_breached: bool = False  # the running SLA's due time passed (core.services.sla_watch)

    @property
    def revision(self) -> str:
        """Changes whenever anything shown changes. Slack asks for a new block_id on each
        iteration of a message, or a client may keep showing an agent's old select choice."""
        return hashlib.sha256(repr(astuple(self)).encode()).hexdigest()[:8]


# -- the parent message ---------------------------------------------------------------------


def ticket_parent(card: TicketCard) -> tuple[str, list[Block]]:
    """The parent's notification text and blocks."""
    icon = URGENCY_ICONS[card.priority]
    text = escape(
        f"{icon} #{card.number} {card.subject} · {STATUS_NAMES[card.status]} · {card.company}"
    )
    subject = _shorten(card.subject, _HEADLINE_SUBJECT)
    blocks: list[Block] = [
        _section(f"{icon} *#{card.number} · {escape(subject)}*"),
        {"type": "section", "fields": [_mrkdwn(f"*{k}*\n{v}") for k, v in _fields(card)]},
    ]
    notes = _notes(card)
    if notes:
        blocks.append({"type": "context", "elements": [_mrkdwn(" · ".join(notes))]})
    elements = _actions(card)
    if elements:
        blocks.append(
            {
                "type": "actions",
                "block_id": f"ticket_actions:{card.number}:{card.revision}",
                "elements": elements,
            }
        )
    return text, blocks


def _fields(card: TicketCard) -> list[tuple[str, str]]:
    # Ten at most: Slack's limit for a section's fields.
    reporter = escape(card.reporter)
    if card.reporter_is_super_user:
        reporter += " ⭐ super user"
    company = escape(card.company)
    if card.plan is not Plan.BASIC:
        company += f" · {card.plan.value}"
    if card.assignee_slack_id:
        assignee = f"<@{card.assignee_slack_id}>"  # a real mention on purpose
    elif card.assignee_name:
        assignee = escape(card.assignee_name)
    else:
        assignee = "_unassigned_"
    return [
        ("Company", company),
        ("Reporter", reporter),
        ("Product", escape(card.product) if card.product else _NONE),
        ("Type", TYPE_NAMES[card.type]),
        ("Status", STATUS_NAMES[card.status]),
        ("Priority", f"{URGENCY_ICONS[card.priority]} {PRIORITY_NAMES[card.priority]}"),
        ("Assignee", assignee),
        ("SLA due", _sla(card)),
        ("Expected close", card.expected_close.isoformat() if card.expected_close else _NONE),
        ("Files", f"📎 {card.attachments}" if card.attachments else _NONE),
    ]


def _sla(card: TicketCard) -> str:
    if card.status in _STOPPED:
        return "stopped"
    if card.sla_due_at is not None and card.sla_breached:
        return f"🚨 *breached* (was due {slack_date(card.sla_due_at)})"
    if card.sla_due_at is not None:
        return slack_date(card.sla_due_at)
    if card.status is TicketStatus.WAITING_CUSTOMER:
        return "paused while waiting for the customer"
    return _NONE


def _notes(card: TicketCard) -> list[str]:
    notes = []
    if card.sla_breached and card.sla_due_at is not None and card.status not in _STOPPED:
        notes.append("🚨 SLA breached")
    if card.work_blocked:
        notes.append("⛔ the customer's work is blocked")
    if card.contact_phone:
        notes.append(f"📞 {escape(card.contact_phone)}")
    return notes


def _actions(card: TicketCard) -> list[Block]:
    value = str(card.number)
    if card.status in _ACTIVE:
        return [
            _button("Assign to me", ACTION_ASSIGN_ME, value),
            _status_select(card),
            _priority_select(card),
            _button("Request info", ACTION_REQUEST_INFO, value),
            _button("Resolve", ACTION_RESOLVE, value, style="primary"),
            _expected_close_picker(card),
            # A datepicker cannot be emptied: a date once set is withdrawn with this.
            *(
                [_button("Clear date", ACTION_CLEAR_EXPECTED_CLOSE, value)]
                if card.expected_close
                else []
            ),
        ]
    if card.status is TicketStatus.RESOLVED:
        return [_button("Reopen", ACTION_REOPEN, value), _button("Close", ACTION_CLOSE, value)]
    if card.status is TicketStatus.CLOSED:
        return [_button("Reopen", ACTION_REOPEN, value)]
    return []  # to authorize, rejected: not the desk's to act on


def _status_select(card: TicketCard) -> Block:
    # Resolving needs a resolution text: that is the Resolve button's modal, not a select.
    targets = [
        s
        for s in allowed_targets(card.status, frozenset({Party.AGENT}))
        if s is not TicketStatus.RESOLVED
    ]
    choices = [card.status, *targets]
    return _select(
        ACTION_STATUS,
        "Status",
        card.number,
        [(s.value, STATUS_NAMES[s]) for s in choices],
        card.status.value,
    )


def _priority_select(card: TicketCard) -> Block:
    return _select(
        ACTION_PRIORITY,
        "Priority",
        card.number,
        [(p.value, f"{URGENCY_ICONS[p]} {PRIORITY_NAMES[p]}") for p in _PRIORITY_ORDER],
        card.priority.value,
    )


def _expected_close_picker(card: TicketCard) -> Block:
    """The date support expects to close the ticket; the customer is told (core.notify).

    A datepicker's action carries no value of its own, so the ticket number comes from the
    actions block's id (`ticket_actions:<number>:<revision>`).
    """
    picker: Block = {
        "type": "datepicker",
        "action_id": ACTION_EXPECTED_CLOSE,
        "placeholder": _plain("Expected close"),
    }
    if card.expected_close is not None:
        picker["initial_date"] = card.expected_close.isoformat()
    return picker


def number_from_block_id(block_id: str) -> int:
    """The ticket number of a card's actions block id; ValueError for anything else."""
    prefix, _, rest = block_id.partition(":")
    number = rest.partition(":")[0]
    if prefix != "ticket_actions" or not number.isdigit():
        raise ValueError(f"not a ticket card's block: {block_id!r:.40}")
    return int(number)


def option_value(number: int, choice: str) -> str:
    """A select option's value: the ticket number and the choice, e.g. "1042:in_progress"."""
    return f"{number}:{choice}"


def parse_option_value(value: str) -> tuple[int, str]:
    """The inverse of `option_value`; ValueError for anything else."""
    number, sep, choice = value.partition(":")
    if not sep or not number.isdigit() or not choice:
        raise ValueError(f"not a ticket option value: {value!r:.40}")
    return int(number), choice


def _select(
    action_id: str, placeholder: str, number: int, options: Sequence[tuple[str, str]], current: str
) -> Block:
    made = [
        {"text": _plain(label), "value": option_value(number, choice)} for choice, label in options
    ]
    initial = next(o for o, (choice, _) in zip(made, options, strict=True) if choice == current)
    return {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": _plain(placeholder),
        "options": made,
        "initial_option": initial,
    }


def _button(label: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": _plain(label),
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _plain(text: str) -> Block:
    return {"type": "plain_text", "text": text, "emoji": True}


def _mrkdwn(text: str) -> Block:
    return {"type": "mrkdwn", "text": _shorten(text, _SECTION_LIMIT), "verbatim": True}


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def slack_date(moment: datetime) -> str:
    """A time each reader sees in their own time zone; the fallback is UTC."""
    utc = moment.astimezone(UTC)
    fallback = utc.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(utc.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


# -- thread lines ---------------------------------------------------------------------------
# Each returns mrkdwn for one thread message (the sender splits what is too long).


def _who(name: str | None, role: str = "") -> str:
    shown = f"*{escape(name)}*" if name else "Someone"
    return f"{shown} ({role})" if role else shown


def _with_text(line: str, text: str | None) -> str:
    return f"{line}: {escape(text)}" if text and text.strip() else line


def opening(reporter: str, description: str) -> str:
    """The ticket's description, the first message of its thread."""
    return f"📝 {_who(reporter, 'customer')} reported:\n{escape(description)}"


def customer_message(author: str, text: str) -> str:
    line = f"💬 {_who(author, 'customer')}"
    # A message may be files alone (a screenshot says enough); they follow this line.
    return _with_text(line, text) if text.strip() else f"{line} sent files"


def customer_message_edited(author: str, text: str) -> str:
    return f"{customer_message(author, text)} _(edited)_"


# What a thread message that an edit made unnecessary shows (a long message got shorter).
EDITED_AWAY = "_(removed in an edit)_"


def extra_message(author: str, text: str) -> str:
    return f"✉️ from a super user, {_who(author)}:\n{escape(text)}"


def authorized(by_name: str) -> str:
    return f"✅ {_who(by_name, 'super user')} authorized the ticket"


def assigned(agent_name: str, by_name: str | None, agent_slack_id: str | None = None) -> str:
    if by_name == agent_name:
        return f"👤 {_who(agent_name)} took the ticket"
    # Someone else gave it to them: the mention tells them so.
    target = f"<@{agent_slack_id}>" if agent_slack_id else _who(agent_name)
    if by_name is None:
        return f"👤 Assigned to {target}"
    return f"👤 {_who(by_name)} assigned the ticket to {target}"


def status_changed(to: TicketStatus, by_kind: AuthorKind, by_name: str | None) -> str:
    name = STATUS_NAMES[to]
    if by_kind is AuthorKind.SYSTEM or not by_name:
        return f"🔄 Status: {name} (automatically)"
    role = "customer" if by_kind is AuthorKind.CUSTOMER else ""
    return f"🔄 {_who(by_name, role)} set status: {name}"


def priority_changed(old: Priority, new: Priority, by_name: str) -> str:
    arrow = "🔺" if _PRIORITY_ORDER.index(new) > _PRIORITY_ORDER.index(old) else "🔻"
    return (
        f"{arrow} {_who(by_name)} set priority: {URGENCY_ICONS[new]} {PRIORITY_NAMES[new]}"
        f" (was {URGENCY_ICONS[old]} {PRIORITY_NAMES[old]})"
    )


def expected_close_set(day: date | None, by_name: str) -> str:
    if day is None:
        return f"📅 {_who(by_name)} cleared the expected close date"
    return f"📅 {_who(by_name)} set the expected close date: {day.isoformat()}"


def info_requested(by_name: str, text: str) -> str:
    return _with_text(f"❓ {_who(by_name)} asked the customer for information", text)


def resolved(by_name: str, resolution: str) -> str:
    return _with_text(f"✅ {_who(by_name)} resolved the ticket", resolution)


def closed(by_kind: AuthorKind, by_name: str | None) -> str:
    if by_kind is AuthorKind.SYSTEM or not by_name:
        return "🔒 Closed automatically after the resolution"
    if by_kind is AuthorKind.CUSTOMER:
        return f"🔒 {_who(by_name, 'customer')} confirmed the solution; ticket closed"
    return f"🔒 {_who(by_name)} closed the ticket"


def reopened(by_kind: AuthorKind, by_name: str | None, text: str | None) -> str:
    if by_kind is AuthorKind.CUSTOMER:
        line = f"↩️ {_who(by_name, 'customer')} reopened the ticket: not solved"
        return f"{line}, {escape(text)}" if text and text.strip() else line
    return _with_text(f"↩️ {_who(by_name)} reopened the ticket", text)


def rated(rating: int, comment: str | None) -> str:
    stars = "⭐" * max(1, min(rating, 5))
    return _with_text(f"{stars} from the customer", comment)


def token_attached(code: str, expires_at: datetime) -> str:
    return (
        f"🔑 Support access token attached: `{escape(code)}` (valid until {slack_date(expires_at)})"
    )


def token_revoked(code: str) -> str:
    return f"🚫 The customer revoked support access token `{escape(code)}`"


_UNREACHABLE = {
    "blocked": "the bot was blocked",
    "chat_gone": "their chat no longer exists",
    "exhausted": "the messenger kept failing, so delivery was given up",
}


def customer_unreachable(why: str, by_email: bool) -> str:
    reason = _UNREACHABLE.get(why, "delivery failed")
    then = (
        "the message went to their e-mail address instead"
        if by_email
        else "they have no e-mail address on file: reach them another way"
    )
    return f"⚠️ Could not reach the customer: {reason}; {then}"


def file_added(by_kind: AuthorKind) -> str:
    who = "The customer" if by_kind is AuthorKind.CUSTOMER else "Support"
    return f"📎 {who} added a file"


def file_missing(file_name: str, reason: str) -> str:
    return f"⚠️ {escape(file_name)} could not be shown here: {escape(reason)}"


def sla_reminder(due: datetime, assignee_slack_id: str | None) -> str:
    if assignee_slack_id:
        return f"⏰ <@{assignee_slack_id}> this ticket's SLA breaches {slack_date(due)}"
    return f"⏰ Nobody has this ticket and its SLA breaches {slack_date(due)}: Assign to me?"


def sla_breached(due: datetime) -> str:
    return f"🚨 The SLA was due {slack_date(due)} and is breached"


def event_line(event: ev.Event, assignee_slack_id: str | None = None) -> str | None:
    """The "who did what" line of an event that says it in one line; None for the others
    (openings, customer messages and files have their own handling in the sender)."""
    match event:
        case ev.TicketAuthorized(by_name=by):
            return authorized(by)
        case ev.TicketAssigned(agent_name=name, by_name=by):
            return assigned(name, by, assignee_slack_id)
        case ev.StatusChanged(to_status=to, by_kind=kind, by_name=by):
            return status_changed(to, kind, by)
        case ev.PriorityChanged(from_priority=old, to_priority=new, by_name=by):
            return priority_changed(old, new, by)
        case ev.ExpectedCloseSet(expected_close=day, by_name=by):
            return expected_close_set(day, by)
        case ev.InfoRequested(agent_name=by, text=text):
            return info_requested(by, text)
        case ev.TicketResolved(agent_name=by, resolution=text):
            return resolved(by, text)
        case ev.TicketClosed(by_kind=kind, by_name=by):
            return closed(kind, by)
        case ev.TicketReopened(by_kind=kind, by_name=by, text=text):
            return reopened(kind, by, text)
        case ev.TicketRated(rating=rating, comment=comment):
            return rated(rating, comment)
        case ev.SupportTokenAttached(code=code, expires_at=until):
            return token_attached(code, until)
        case ev.SupportTokenRevoked(code=code):
            return token_revoked(code)
        case ev.SlaReminderDue(sla_due_at=due):
            return sla_reminder(due, assignee_slack_id)
        case ev.SlaBreached(sla_due_at=due):
            return sla_breached(due)
        case ev.CustomerUnreachable(why=why, by_email=by_email):
            return customer_unreachable(why, by_email)
    return None
