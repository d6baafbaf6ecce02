"""Report a problem: product → type → subject → description → files → impact → phone → confirm.

Everything the customer gives is kept in the conversation state until Confirm, so a restart in
the middle resumes where they were, and Cancel leaves nothing behind but stored files that no
ticket points to (content-addressed, harmless, purged with the store's garbage).
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

from bot.flows import actions
from bot.flows.engine import DONE, Flow, Session, Step
from bot.flows.files import new_files, take_file
from bot.flows.io import Button, Command, Contact, Files, Input, Press, Text, keyboard
from core.commands import OpenTicket
from core.errors import DomainError
from core.model import Product, TicketType
from core.services.tickets import open_ticket

if TYPE_CHECKING:
    from bot.flows.router import Conversations

NAME = "report"
MAX_SUBJECT = 200
MAX_DESCRIPTION = 4000
TYPES = (TicketType.ERROR, TicketType.QUESTION, TicketType.REQUEST, TicketType.OTHER)
_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{5,30}$")


def _pressed(received: Input, prefix: str) -> str | None:
    if isinstance(received, Press) and received.data.startswith(f"f:{prefix}"):
        return received.data[len(f"f:{prefix}") :]
    return None


# -- product ------------------------------------------------------------------------------------


async def ask_product(s: Session) -> str | None:
    products = await _products(s)
    if len(products) <= 1:
        s.state.data["product"] = str(products[0].id) if products else None
        return "type"
    rows = [[Button(p.name, actions.flow(f"p{i}"))] for i, p in enumerate(products)]
    s.say("report-ask-product", buttons=keyboard(*rows, s.nav_row(back=False)))
    return None


async def answer_product(s: Session, received: Input) -> str | None:
    choice = _pressed(received, "p")
    products = await _products(s)
    if choice is None or not choice.isdigit() or int(choice) >= len(products):
        s.say("report-use-buttons")
        return None
    s.state.data["product"] = str(products[int(choice)].id)
    return "type"


async def _products(s: Session) -> list[Product]:
    assert s.company is not None
    async with s.deps.uow_factory(read_only=True) as uow:
        return list(await uow.products.list_for_company(s.company.id))


# -- type, subject, description ------------------------------------------------------------------


async def ask_type(s: Session) -> str | None:
    rows = [[s.button(f"report-type-{t.value}", actions.flow(f"t{t.value}"))] for t in TYPES]
    s.say("report-ask-type", buttons=keyboard(*rows, s.nav_row()))
    return None


async def answer_type(s: Session, received: Input) -> str | None:
    choice = _pressed(received, "t")
    if choice not in {t.value for t in TYPES}:
        s.say("report-use-buttons")
        return None
    s.state.data["type"] = choice
    return "subject"


async def ask_subject(s: Session) -> str | None:
    s.say("report-ask-subject", buttons=keyboard(s.nav_row()))
    return None


async def answer_subject(s: Session, received: Input) -> str | None:
    if not isinstance(received, Text) or not received.text.strip():
        s.say("report-type-a-line")
        return None
    subject = " ".join(received.text.split())
    if len(subject) > MAX_SUBJECT:
        s.say("report-subject-too-long", max=MAX_SUBJECT, length=len(subject))
        return None
    s.state.data["subject"] = subject
    return "description"


async def ask_description(s: Session) -> str | None:
    s.say("report-ask-description", buttons=keyboard(s.nav_row()), compose=True)
    return None


async def answer_description(s: Session, received: Input) -> str | None:
    if isinstance(received, Files):
        # People often send the screenshot first: keep it, and still ask for the words.
        await _take_files(s, received)
        s.say("report-description-still-needed")
        return None
    if not isinstance(received, Text) or not received.text.strip():
        s.say("report-describe-in-words")
        return None
    description = received.text.strip()
    if len(description) > MAX_DESCRIPTION:
        s.say("report-description-too-long", max=MAX_DESCRIPTION, length=len(description))
        return None
    s.state.data["description"] = description
    return "files"


# -- files -----------------------------------------------------------------------------------------


async def ask_files(s: Session) -> str | None:
    limits = s.deps.limits
    s.say(
        "report-ask-files",
        max=limits.max_attachments,
        mb=limits.max_attachment_mb,
        buttons=_files_keyboard(s),
    )
    return None


def _files_keyboard(s: Session) -> tuple[tuple[Button, ...], ...]:
    label = "button-done" if s.state.data.get("files") else "button-skip"
    return keyboard([s.button(label, actions.flow("done"))], s.nav_row())


async def answer_files(s: Session, received: Input) -> str | None:
    if isinstance(received, Files):
        await _take_files(s, received)
        return None
    if _pressed(received, "done") is not None:
        return "impact"
    if isinstance(received, Text):
        # A few words while adding files: keep them with the description rather than lose them.
        s.state.data["description"] = f"{s.state.data.get('description', '')}\n\n{received.text}"
        s.say("report-text-added-to-description", buttons=_files_keyboard(s))
        return None
    s.say("report-send-files-or-done", buttons=_files_keyboard(s))
    return None


async def _take_files(s: Session, received: Files) -> None:
    kept: list[dict[str, object]] = s.state.data.setdefault("files", [])
    for item in received.items:
        stored = await take_file(s, item, len(kept))
        if stored is None:
            continue
        kept.append(stored)
        if item.caption:
            s.state.data["description"] = (
                f"{s.state.data.get('description', '')}\n\n{item.caption}".strip()
            )
    limits = s.deps.limits
    if kept:
        names = ", ".join(str(f["name"]) for f in kept[-len(received.items) :])
        s.say(
            "report-files-added",
            names=names,
            count=len(kept),
            max=limits.max_attachments,
            buttons=_files_keyboard(s),
        )


# -- impact, phone -------------------------------------------------------------------------------


async def ask_impact(s: Session) -> str | None:
    s.say(
        "report-ask-impact",
        buttons=keyboard(
            [s.button("report-impact-blocked", actions.flow("iblocked"))],
            [s.button("report-impact-can-work", actions.flow("iok"))],
            s.nav_row(),
        ),
    )
    return None


async def answer_impact(s: Session, received: Input) -> str | None:
    choice = _pressed(received, "i")
    if choice not in {"blocked", "ok"}:
        s.say("report-use-buttons")
        return None
    s.state.data["blocked"] = choice == "blocked"
    return "phone"


async def ask_phone(s: Session) -> str | None:
    known = s.user.phone if s.user is not None else None
    if known:
        keep = s.button("report-phone-keep", actions.flow("nophone"), phone=known)
    else:
        keep = s.button("button-skip", actions.flow("nophone"))
    s.say(
        "report-ask-phone",
        phone=known or "-",
        known=1 if known else 0,
        ask_contact="report-share-phone",
        buttons=keyboard([keep], s.nav_row()),
    )
    return None


async def answer_phone(s: Session, received: Input) -> str | None:
    phone: str | None
    if isinstance(received, Contact):
        phone = received.phone
    elif _pressed(received, "nophone") is not None:
        phone = s.user.phone if s.user is not None else None
    elif isinstance(received, Text) and _PHONE.match(received.text.strip()):
        phone = received.text.strip()
    else:
        s.say("report-phone-not-understood")
        return None
    s.state.data["phone"] = phone
    # The share-contact keyboard is done with: take it away before the summary.
    s.say(
        "report-phone-noted", phone=phone or "-", known=1 if phone else 0, clear_reply_keyboard=True
    )
    return "confirm"


# -- confirm ------------------------------------------------------------------------------------


async def ask_confirm(s: Session) -> str | None:
    data = s.state.data
    product = await _product_name(s)
    s.say(
        "report-summary",
        type=s.text(f"report-type-{data['type']}"),
        subject=data["subject"],
        description=_excerpt(data["description"]),
        product=product or "-",
        files=len(data.get("files", [])),
        blocked="yes" if data.get("blocked") else "no",
        phone=data.get("phone") or "-",
        buttons=keyboard(
            [s.button("button-confirm", actions.flow("confirm"))],
            s.nav_row(),
        ),
    )
    return None


async def answer_confirm(s: Session, received: Input) -> str | None:
    if _pressed(received, "confirm") is None:
        s.say("report-confirm-or-back")
        return None
    data = s.state.data
    files = new_files(data.get("files", []))
    command = OpenTicket(
        actor=s.actor,
        type=TicketType(data["type"]),
        subject=data["subject"],
        description=data["description"],
        origin_platform=s.platform,
        origin_chat_id=s.identity.chat_id,
        product_id=_uuid_or_none(data.get("product")),
        work_blocked=bool(data.get("blocked")),
        contact_phone=data.get("phone"),
        files=files,
        ticket_id=s.draft_id(),
    )
    try:
        ticket = await open_ticket(command, s.deps.uow_factory(), s.deps.ctx)
    except DomainError as error:
        s.say_error(error)
        return None
    # The ticket's own message ("#1042 is open", threaded) comes through the outbox from the
    # core; here we only close the conversation.
    s.state.choose(ticket)
    return DONE


async def _product_name(s: Session) -> str | None:
    product_id = _uuid_or_none(s.state.data.get("product"))
    if product_id is None:
        return None
    async with s.deps.uow_factory(read_only=True) as uow:
        product = await uow.products.get(product_id)
    return product.name if product else None


def _uuid_or_none(raw: object) -> uuid.UUID | None:
    return uuid.UUID(str(raw)) if raw else None


def _excerpt(text: str, limit: int = 600) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


async def on_cancel(s: Session) -> None:
    s.say("report-cancelled")


REPORT = Flow(
    name=NAME,
    first="product",
    steps={
        "product": Step(ask_product, answer_product),
        "type": Step(ask_type, answer_type),
        "subject": Step(ask_subject, answer_subject),
        "description": Step(ask_description, answer_description),
        "files": Step(ask_files, answer_files),
        "impact": Step(ask_impact, answer_impact),
        "phone": Step(ask_phone, answer_phone),
        "confirm": Step(ask_confirm, answer_confirm),
    },
    on_cancel=on_cancel,
)


def install(conversations: Conversations) -> None:
    conversations.add_flow(REPORT)
    start = conversations.start_flow(NAME)
    conversations.menu_items["report"] = start

    async def new(s: Session, _: Command) -> None:
        await start(s)

    conversations.commands["new"] = new
