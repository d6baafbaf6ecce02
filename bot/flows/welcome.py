"""What a person sees before their chat is linked to a company user, and right after.

Shared by the start links (bot.flows.link) and self-registration (bot.flows.register).

An unlinked person has no user to keep a language on, so a language they pick is kept in the
conversation state under `LANG_KEY` and carried onto their user once the chat is linked.
"""

from __future__ import annotations

from bot.flows import actions
from bot.flows.engine import Session
from bot.flows.io import Keyboard, keyboard
from bot.flows.menu import show_menu
from bot.i18n import LANGUAGES, Translator
from core.actors import CustomerActor
from core.commands import SetLanguage
from core.model import CustomerUser
from core.services.identities import set_language

LANG_KEY = "lang"

# Buttons of the welcome; the router sends an unlinked person's presses to bot.flows.link.
INVITED = "invited"
REGISTER = "register"


# -- an unlinked person's language ----------------------------------------------------------------


def chosen_language(s: Session) -> str | None:
    code = s.state.data.get(LANG_KEY)
    return code if code in LANGUAGES else None


def speak(s: Session, language: str) -> None:
    """From now on this session's texts are in `language` (same time zone)."""
    s.t = Translator(language, str(s.t.timezone))


def remember_language(s: Session, language: str) -> None:
    s.state.data[LANG_KEY] = language
    speak(s, language)


# -- before linking -------------------------------------------------------------------------------


def welcome_keyboard(s: Session, *, invited: bool = True) -> Keyboard:
    return keyboard(
        [s.button("link-button-invited", actions.menu(INVITED))] if invited else [],
        [s.button("link-button-register", actions.menu(REGISTER))],
        [s.button("menu-language", actions.menu("lang"))],
    )


def show_welcome(s: Session, intro: str = "link-welcome", *, replace: bool = False) -> None:
    s.say(intro, buttons=welcome_keyboard(s), replace=replace)


def show_next_steps(s: Session) -> None:
    """After a link that did not work: what the person can do instead."""
    if s.user is None:
        show_welcome(s, "link-what-next")
    else:
        show_menu(s)


# -- right after linking --------------------------------------------------------------------------


async def welcome_linked(s: Session, user: CustomerUser) -> None:
    """The chat is now `user`'s: greet them by name and company, in their language, with the
    main menu. Whatever flow led here is over."""
    chosen = chosen_language(s)
    s.state.leave_flow()
    deps = s.deps
    if chosen is not None and chosen != user.language:
        # They picked a language before they had a user: that choice is the one to keep.
        command = SetLanguage(CustomerActor(user.id), chosen)
        user = await set_language(command, deps.uow_factory(), deps.ctx)
    async with deps.uow_factory(read_only=True) as uow:
        company = await uow.companies.get(user.company_id)
    s.user, s.company = user, company
    s.t = Translator(user.language, company.calendar.timezone if company else "UTC")
    s.say(
        "link-linked",
        name=user.name,
        company=company.name if company else "",
        role=user.role.value,
    )
    show_menu(s)
