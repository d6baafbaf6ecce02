"""Every customer-side feature, installed into one `Conversations`."""

from __future__ import annotations

from bot.flows import link, report, super_user, tickets
from bot.flows.engine import Deps
from bot.flows.router import Conversations


def build_conversations(deps: Deps) -> Conversations:
    conversations = Conversations(deps)
    report.install(conversations)
    link.install(conversations)
    super_user.install(conversations)
    tickets.install(conversations)
    return conversations
