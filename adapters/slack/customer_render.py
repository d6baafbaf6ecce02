"""A `Say` as the Slack messages to post in a customer's DM: Block Kit, pure planning.

The mini-HTML becomes mrkdwn (adapters.slack.escape.mrkdwn_from_mini_html: entities decoded,
then everything escaped again for Slack, so a value a customer typed stays text and pings or
links nobody) in section blocks of at most 3,000 characters (Slack's limit for a section's
text). Each row of buttons is an `actions` block; a button's value is its data signed by the
bot (the same signer as Telegram's callback data), and its action id starts with
`ACTION_PREFIX` and is unique in the message, as Slack requires. A message holds at most 50
blocks, so a very long Say becomes several messages, the buttons on the last.

A Say whose answer may be long (`Say.compose`) also offers a button that opens a form (a
modal, `compose_modal`) with a multi-line text field; what is sent there reaches the flows as
if typed in the DM.

The share-my-phone-number keyboard becomes a button that answers with the number in the
person's Slack profile (the flows also take a typed number); its removal needs nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from adapters.slack.customer_translate import (
    ACTION_PREFIX,
    COMPOSE_ACTION,
    COMPOSE_BLOCK,
    COMPOSE_INPUT,
    COMPOSE_VIEW,
    CONTACT_ACTION,
    compose_metadata,
)
from adapters.slack.escape import mrkdwn_from_mini_html, split_mrkdwn
from adapters.telegram.callbacks import CallbackSigner
from bot.flows.io import Compose, Keyboard, Say

__all__ = ["SECTION_LIMIT", "SlackPost", "compose_modal", "plan"]

Block = dict[str, Any]

SECTION_LIMIT = 3000  # characters of a section block's text
BLOCK_LIMIT = 50  # blocks in one message
BUTTON_LABEL_LIMIT = 75  # characters of a button's plain_text label
FALLBACK_LIMIT = 3000  # the top-level text: what notifications and screen readers show
VALUE_LIMIT = 2000  # characters of a button's value
TITLE_LIMIT = 24  # characters of a modal's title and submit label
INPUT_LIMIT = 3000  # characters a plain_text_input takes at most


@dataclass(frozen=True)
class SlackPost:
    """One message to post (or to put in place of `edit_ts`)."""

    text: str  # mrkdwn fallback for notifications
    blocks: list[Block] = field(default_factory=list)
    edit_ts: str | None = None


def plan(say: Say, signer: CallbackSigner) -> list[SlackPost]:
    """The messages for `say`, in order (none when it has nothing to show)."""
    text = mrkdwn_from_mini_html(say.text).strip()
    sections = [_section(piece) for piece in split_mrkdwn(text, SECTION_LIMIT) if piece.strip()]
    buttons = _actions(say.buttons, signer)
    if say.compose is not None:
        buttons.insert(0, _compose_button(say.compose))
    if say.ask_contact:
        buttons.insert(0, _contact_button(say.ask_contact))
    if not sections and not buttons:
        return []
    blocks = sections + buttons
    chunks = [blocks[i : i + BLOCK_LIMIT] for i in range(0, len(blocks), BLOCK_LIMIT)]
    fallback = split_mrkdwn(text, FALLBACK_LIMIT)[0] if text else _labels(say.buttons)
    posts = [SlackPost(fallback if i == 0 else "…", chunk) for i, chunk in enumerate(chunks)]
    if say.replace_message_id:
        posts[0] = SlackPost(posts[0].text, posts[0].blocks, edit_ts=say.replace_message_id)
    return posts


def _section(mrkdwn: str) -> Block:
    # verbatim: Slack must not turn a typed "#general" or a bare address into a link.
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn, "verbatim": True}}


def _actions(buttons: Keyboard, signer: CallbackSigner) -> list[Block]:
    blocks: list[Block] = []
    for r, row in enumerate(buttons):
        elements: list[Block] = []
        for c, button in enumerate(row):
            element: Block = {
                "type": "button",
                "action_id": f"{ACTION_PREFIX}{r}_{c}",
                "text": {"type": "plain_text", "text": _label(button.label), "emoji": True},
            }
            if button.url:
                element["url"] = button.url
            else:
                element["value"] = signer.sign(button.data)
            elements.append(element)
        if elements:
            blocks.append(
                {"type": "actions", "block_id": f"{ACTION_PREFIX}row_{r}", "elements": elements}
            )
    return blocks


def _compose_button(compose: Compose) -> Block:
    # The value carries the form's texts (in the person's language) for the listener that
    # opens it within the click's 3 seconds; it grants nothing, so it is not signed.
    value = json.dumps([compose.title, compose.submit, compose.label], ensure_ascii=False)
    button: Block = {
        "type": "button",
        "action_id": COMPOSE_ACTION,
        "text": {"type": "plain_text", "text": _label(compose.button), "emoji": True},
        "value": value[:VALUE_LIMIT],
    }
    return {"type": "actions", "block_id": f"{ACTION_PREFIX}compose", "elements": [button]}


def _contact_button(label: str) -> Block:
    button: Block = {
        "type": "button",
        "action_id": CONTACT_ACTION,
        "text": {"type": "plain_text", "text": _label(label), "emoji": True},
        "value": "contact",  # grants nothing: the number comes from the presser's own profile
    }
    return {"type": "actions", "block_id": f"{ACTION_PREFIX}contact", "elements": [button]}


def compose_modal(value: str, channel: str) -> dict[str, Any]:
    """The form a COMPOSE_ACTION button opens, from the button's value."""
    try:
        title, submit, label = (str(x) for x in json.loads(value))
    except (ValueError, TypeError):
        title, submit, label = "✍️", "OK", "✍️"
    return {
        "type": "modal",
        "callback_id": COMPOSE_VIEW,
        "private_metadata": compose_metadata(channel),
        "title": {"type": "plain_text", "text": title[:TITLE_LIMIT]},
        "submit": {"type": "plain_text", "text": submit[:TITLE_LIMIT]},
        "blocks": [
            {
                "type": "input",
                "block_id": COMPOSE_BLOCK,
                "label": {"type": "plain_text", "text": label[:2000]},
                "element": {
                    "type": "plain_text_input",
                    "action_id": COMPOSE_INPUT,
                    "multiline": True,
                    "max_length": INPUT_LIMIT,
                },
            }
        ],
    }


def _label(label: str) -> str:
    # Labels come from the translations (plain text, no markup); Slack caps them at 75.
    return label if len(label) <= BUTTON_LABEL_LIMIT else label[: BUTTON_LABEL_LIMIT - 1] + "…"


def _labels(buttons: Keyboard) -> str:
    return " · ".join(_label(b.label) for row in buttons for b in row) or "…"
