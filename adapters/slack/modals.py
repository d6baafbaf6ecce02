"""The modals agents fill in from a ticket's card: the resolution, and a question for the customer.

A modal knows nothing of where it was opened from, so `private_metadata` carries the ticket
number and its thread (channel, parent ts): the submission is then handled in the ticket's
order, and the agent's refusals can be shown in its thread.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = [
    "INPUT_ACTION",
    "INPUT_BLOCK",
    "REQUEST_INFO_CALLBACK",
    "RESOLVE_CALLBACK",
    "TEXT_LIMIT",
    "ModalContext",
    "parse_metadata",
    "request_info_modal",
    "resolve_modal",
]

RESOLVE_CALLBACK = "ticket_resolve_modal"
REQUEST_INFO_CALLBACK = "ticket_request_info_modal"
INPUT_BLOCK = "ticket_text"
INPUT_ACTION = "text"
# Slack's cap for a plain_text_input; well under the core's limit for a text.
TEXT_LIMIT = 3000


@dataclass(frozen=True)
class ModalContext:
    """What the modal must remember of the card it was opened from."""

    number: int
    channel: str
    parent_ts: str

    def metadata(self) -> str:
        return json.dumps({"n": self.number, "c": self.channel, "t": self.parent_ts})


def parse_metadata(raw: str) -> ModalContext:
    """The inverse of `ModalContext.metadata`; ValueError for anything else."""
    try:
        data = json.loads(raw)
        number, channel, parent = data["n"], data["c"], data["t"]
    except (ValueError, TypeError, KeyError) as exc:
        raise ValueError("not a ticket modal's metadata") from exc
    if not isinstance(number, int) or not isinstance(channel, str) or not isinstance(parent, str):
        raise ValueError("not a ticket modal's metadata")
    return ModalContext(number, channel, parent)


def resolve_modal(context: ModalContext) -> dict[str, Any]:
    return _modal(
        RESOLVE_CALLBACK,
        context,
        title=f"Resolve #{context.number}",
        submit="Resolve",
        label="Resolution",
        hint="Sent to the customer, who is asked whether it solved the problem.",
        placeholder="What was wrong and what fixed it",
    )


def request_info_modal(context: ModalContext) -> dict[str, Any]:
    return _modal(
        REQUEST_INFO_CALLBACK,
        context,
        title=f"Ask about #{context.number}",
        submit="Ask",
        label="Question for the customer",
        hint="The ticket waits for the customer (the SLA clock stops) until they answer.",
        placeholder="What do you need to know?",
    )


def _modal(
    callback_id: str,
    context: ModalContext,
    *,
    title: str,
    submit: str,
    label: str,
    hint: str,
    placeholder: str,
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": context.metadata(),
        # Slack caps a modal's title at 24 characters; "Resolve #1234567" fits.
        "title": _plain(title[:24]),
        "submit": _plain(submit),
        "close": _plain("Cancel"),
        "blocks": [
            {
                "type": "input",
                "block_id": INPUT_BLOCK,
                "label": _plain(label),
                "hint": _plain(hint),
                "element": {
                    "type": "plain_text_input",
                    "action_id": INPUT_ACTION,
                    "multiline": True,
                    "max_length": TEXT_LIMIT,
                    "placeholder": _plain(placeholder),
                },
            }
        ],
    }


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}
