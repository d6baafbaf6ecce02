"""Self-registration (seed 000): tax id → license number → e-mail → the e-mailed 6-digit code.

The core decides (`core.services.registration`); this flow asks, explains and keeps the answers
in the conversation state so a refusal never makes the person type everything again. The tax
id and the license are looked up as soon as they are typed, so a typo is pointed out at the
step where it was made; the core checks both again when the registration starts.

The code itself only ever travels by e-mail: it is not said in the chat, kept in the state or
logged.
"""

from __future__ import annotations

import logging
import math
import re
import uuid
from collections.abc import Awaitable, Callable
from enum import StrEnum

from bot.flows import actions
from bot.flows.engine import DONE, Flow, Session, Step
from bot.flows.io import Input, Keyboard, Press, Text, keyboard
from bot.flows.welcome import welcome_linked
from bot.mail import MailError, MailRecipientRefused
from core.commands import ResendCode, StartRegistration, VerifyRegistration
from core.errors import DomainError, NotFound, ValidationError
from core.model import Company
from core.services.registration import (
    CODE_DIGITS,
    IssuedCode,
    normalise_tax_id,
    resend_code,
    start_registration,
    verify_registration,
)

log = logging.getLogger(__name__)

NAME = "register"

# A tax id once spaces, dots and dashes are gone: NIP (10 digits), P.IVA (11), CUI (2-10),
# with or without the country prefix.
_TAX_ID = re.compile(r"^(?=(?:[A-Z]*\d){2})[A-Z0-9]{2,20}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")  # the core's own rule, checked early
_CODE_NOISE = re.compile(r"[\s-]")
MAX_LICENSE = 100

# Which step can put right what the core refused at the e-mail step.
_STEP_FOR_ERROR = {"company-not-found": "tax", "license-not-found": "license"}
# Refusals at the code step after which nothing more can be done in this flow.
_FINAL_CODE_ERRORS = {"registration-not-started", "user-deactivated", "company-user-limit"}


class Sent(StrEnum):
    """What became of the e-mail with the code."""

    SENT = "sent"
    FAILED = "failed"  # the server could not be reached or said "later": try again
    REFUSED = "refused"  # the server refused the address: use another one


def _typed(received: Input) -> str | None:
    if isinstance(received, Text) and received.text.strip():
        return received.text.strip()
    return None


def _pressed(received: Input, value: str) -> bool:
    return isinstance(received, Press) and received.data == actions.flow(value)


Answer = Callable[[Session, Input], Awaitable[str | None]]


def _unlinked_only(answer: Answer) -> Answer:
    """The chat may get linked while the flow waits (an invite opened meanwhile): stop then."""

    async def guarded(s: Session, received: Input) -> str | None:
        if s.user is not None:
            s.say("link-already-linked", company=s.company.name if s.company else "")
            return DONE
        return await answer(s, received)

    return guarded


# -- tax id ---------------------------------------------------------------------------------------


async def ask_tax_id(s: Session) -> str | None:
    s.say("register-ask-tax-id", buttons=keyboard(s.nav_row(back=False)))
    return None


async def answer_tax_id(s: Session, received: Input) -> str | None:
    typed = _typed(received)
    if typed is None or not _TAX_ID.match(normalise_tax_id(typed)):
        s.say("register-tax-id-invalid")
        return None
    company = await _company_by_tax_id(s, typed)
    if company is None:
        s.say_error(NotFound("company-not-found"))
        return None
    s.state.data.update(tax_id=typed, company_id=str(company.id), company=company.name)
    return "license"


async def _company_by_tax_id(s: Session, typed: str) -> Company | None:
    # As the core looks it up: as typed first, then without spaces and dashes.
    async with s.deps.uow_factory(read_only=True) as uow:
        for candidate in dict.fromkeys((typed, normalise_tax_id(typed))):
            company = await uow.companies.get_by_tax_id(candidate)
            if company is not None:
                return company
    return None


# -- license --------------------------------------------------------------------------------------


async def ask_license(s: Session) -> str | None:
    s.say("register-ask-license", company=s.state.data["company"], buttons=keyboard(s.nav_row()))
    return None


async def answer_license(s: Session, received: Input) -> str | None:
    typed = _typed(received)
    if typed is None or len(typed) > MAX_LICENSE:
        s.say("register-type-license")
        return None
    company_id = uuid.UUID(s.state.data["company_id"])
    async with s.deps.uow_factory(read_only=True) as uow:
        product = await uow.products.find_by_license(company_id, typed)
    if product is None:
        s.say_error(NotFound("license-not-found"))
        return None
    s.state.data["license"] = typed
    return "email"


# -- e-mail ---------------------------------------------------------------------------------------


async def ask_email(s: Session) -> str | None:
    s.say("register-ask-email", buttons=keyboard(s.nav_row()))
    return None


async def answer_email(s: Session, received: Input) -> str | None:
    waiting = s.state.data.get("email_waiting")
    if _pressed(received, "send") and waiting:
        return await _start(s, str(waiting))
    typed = _typed(received)
    if typed is None or not _EMAIL.match(typed):
        s.say_error(ValidationError("email-invalid"))
        return None
    return await _start(s, typed)


async def _start(s: Session, email: str) -> str | None:
    data = s.state.data
    command = StartRegistration(s.identity.id, data["tax_id"], data["license"], email)
    try:
        issued = await start_registration(command, s.deps.uow_factory(), s.deps.ctx)
    except DomainError as error:
        if error.code == "resend-too-soon":
            # A code went out moments ago (a typo being put right): the core makes them wait.
            data["email_waiting"] = email
            s.say("register-email-wait", seconds=error.params.get("seconds", 60), buttons=_send(s))
            return None
        s.say_error(error)
        return _STEP_FOR_ERROR.get(error.code)
    data.pop("email_waiting", None)
    data["email"] = issued.email
    sent = await _mail_code(s, issued)
    if sent is Sent.REFUSED:
        s.say("register-address-refused", email=issued.email, buttons=keyboard(s.nav_row()))
        return None
    data["sent"] = sent is Sent.SENT
    return "code"


def _send(s: Session) -> Keyboard:
    return keyboard([s.button("register-button-send", actions.flow("send"))], s.nav_row())


# -- the code -------------------------------------------------------------------------------------


async def ask_code(s: Session) -> str | None:
    data = s.state.data
    if data.get("sent"):
        s.say(
            "register-code-sent",
            email=data["email"],
            minutes=_minutes(s),
            buttons=_code_keyboard(s),
        )
    else:
        s.say("register-mail-failed", buttons=_code_keyboard(s))
    return None


def _code_keyboard(s: Session) -> Keyboard:
    again = "register-button-resend" if s.state.data.get("sent") else "register-button-retry"
    return keyboard(
        [s.button(again, actions.flow("resend"))],
        [s.button("register-button-change-email", actions.flow("email"))],
        [s.button("button-cancel", actions.CANCEL)],
    )


async def answer_code(s: Session, received: Input) -> str | None:
    if _pressed(received, "resend"):
        return await _resend(s)
    if _pressed(received, "email"):
        return "email"
    typed = _typed(received)
    code = _CODE_NOISE.sub("", typed or "")
    if not (len(code) == CODE_DIGITS and code.isdigit()):
        s.say("register-type-code", digits=CODE_DIGITS, buttons=_code_keyboard(s))
        return None
    try:
        user = await verify_registration(
            VerifyRegistration(s.identity.id, code), s.deps.uow_factory(), s.deps.ctx
        )
    except DomainError as error:
        return _code_refused(s, error)
    await welcome_linked(s, user)
    return DONE


def _code_refused(s: Session, error: DomainError) -> str | None:
    if error.code == "code-wrong" and isinstance(error.params.get("tries_left"), int):
        s.say("register-code-wrong", tries_left=error.params["tries_left"])
    elif error.code in {"code-locked", "code-expired"}:
        s.say(f"register-{error.code}", buttons=_code_keyboard(s))
    else:
        s.say_error(error)
        if error.code in _FINAL_CODE_ERRORS:
            return DONE
    return None


async def _resend(s: Session) -> str | None:
    data = s.state.data
    try:
        issued = await resend_code(ResendCode(s.identity.id), s.deps.uow_factory(), s.deps.ctx)
    except DomainError as error:
        if error.code == "resend-too-soon":
            s.say(
                "register-resend-wait",
                seconds=error.params.get("seconds", 60),
                buttons=_code_keyboard(s),
            )
        elif error.code == "resend-limit":
            s.say("register-resend-limit", buttons=keyboard(s.nav_row(back=False)))
        else:
            s.say_error(error)
            if error.code == "registration-not-started":
                return DONE
        return None
    sent = await _mail_code(s, issued)
    if sent is Sent.REFUSED:
        # Only the address can be wrong now: ask for another one.
        s.say("register-address-refused", email=issued.email)
        return "email"
    data["sent"] = sent is Sent.SENT
    if sent is Sent.SENT:
        s.say("register-code-resent", email=issued.email, minutes=_minutes(s))
    else:
        s.say("register-mail-failed", buttons=_code_keyboard(s))
    return None


def _minutes(s: Session) -> int:
    return math.ceil(s.deps.ctx.config.code_ttl.total_seconds() / 60)


# -- the e-mail with the code ---------------------------------------------------------------------


async def _mail_code(s: Session, issued: IssuedCode) -> Sent:
    """E-mail the code in the person's language. A failure is reported, not raised: the
    registration is stored, and "send a new code" tries again."""
    mailer = s.deps.mailer
    if mailer is None:  # pragma: no cover - the flow does not start without a mailer
        return Sent.FAILED
    subject = s.t.text("register-mail-subject")
    body = s.t.text(
        "register-mail-body",
        {"code": issued.code, "company": s.state.data.get("company", ""), "minutes": _minutes(s)},
    )
    try:
        await mailer.send(issued.email, subject, body)
    except MailRecipientRefused as error:
        log.warning("registration e-mail refused: %s", error)
        return Sent.REFUSED
    except MailError as error:
        log.warning("registration e-mail not sent: %s", error)
        return Sent.FAILED
    except Exception:
        # A mailer that breaks its contract must still not leave the person without an answer.
        log.exception("registration e-mail: the mailer failed unexpectedly")
        return Sent.FAILED
    return Sent.SENT


async def on_cancel(s: Session) -> None:
    s.say("register-cancelled")


FLOW = Flow(
    name=NAME,
    first="tax",
    steps={
        "tax": Step(ask_tax_id, _unlinked_only(answer_tax_id)),
        "license": Step(ask_license, _unlinked_only(answer_license)),
        "email": Step(ask_email, _unlinked_only(answer_email)),
        "code": Step(ask_code, _unlinked_only(answer_code)),
    },
    on_cancel=on_cancel,
)
