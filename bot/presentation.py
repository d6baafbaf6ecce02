"""How ticket fields read in a person's language: status, urgency and type names, urgency colours.

Names come from bot/locales/<lang>/names.ftl (`status-<status>`, `priority-<priority>`,
`ticket-type-<type>`). They are plain text: pass them as values to `Translator.html` (which
escapes them) rather than pasting them into mini-HTML yourself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from bot.i18n import Translator
from core.model import Priority, TicketStatus, TicketType

# Seed 002's colours: white not urgent, yellow medium, red urgent.
URGENCY_ICONS: Mapping[Priority, str] = {
    Priority.LOW: "⚪",
    Priority.MEDIUM: "🟡",
    Priority.HIGH: "🔴",
    Priority.URGENT: "🔴",
}


def urgency_icon(priority: Priority) -> str:
    """⚪ low, 🟡 medium, 🔴 high and urgent."""
    return URGENCY_ICONS[priority]


def status_name(t: Translator, status: TicketStatus) -> str:
    return t(f"status-{status.value}")


def priority_name(t: Translator, priority: Priority) -> str:
    return t(f"priority-{priority.value}")


def urgency_label(t: Translator, priority: Priority) -> str:
    """The colour and the name, e.g. "🟡 Medium"."""
    return f"{urgency_icon(priority)} {priority_name(t, priority)}"


def type_name(t: Translator, type_: TicketType) -> str:
    return t(f"ticket-type-{type_.value}")


__all__ = [
    "URGENCY_ICONS",
    "priority_name",
    "status_name",
    "type_name",
    "urgency_icon",
    "urgency_label",
]


def duration(t: Translator, spent: timedelta) -> str:
    """A duration in words, the two largest units that matter: "2 days 3 hours",
    "5 hours 10 minutes", "7 minutes"."""
    minutes = max(0, int(spent.total_seconds() // 60))
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        units = [("tickets-days", days), ("tickets-hours", hours)]
    elif hours:
        units = [("tickets-hours", hours), ("tickets-minutes", mins)]
    elif mins:
        units = [("tickets-minutes", mins)]
    else:
        return t("tickets-under-a-minute")
    return " ".join(t(message_id, count=count) for message_id, count in units if count)
