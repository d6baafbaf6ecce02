"""Linking a chat to a company user, choosing the language, and inviting colleagues.

A chat is unknown until linked (SPEC "Customer side" 1). The ways in:

* ``/start inv_<token>``: an invite link (single use, expiring, role set by whoever made it);
* ``/start sl_<payload>``: a link signed by the vendor's program (bot.signed_links);
* self-registration (bot.flows.register) with an e-mailed code, offered by the welcome.

The router hands this module everything an unlinked person sends, and every ``/start`` with a
payload, linked or not, so a linked person following a link is told where they stand rather
than being moved to another account without a word.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.flows import actions, register
from bot.flows.actions import Action
from bot.flows.engine import DONE, Flow, FlowEngine, Session, Step
from bot.flows.io import Button, Command, Input, Press, keyboard
from bot.flows.menu import show_menu
from bot.flows.welcome import (
    INVITED,
    LANG_KEY,
    REGISTER,
    chosen_language,
    remember_language,
    show_next_steps,
    show_welcome,
    speak,
    welcome_keyboard,
    welcome_linked,
)
from bot.i18n import LANGUAGES, Translator
from bot.signed_links import PREFIX as SIGNED_PREFIX
from bot.signed_links import verify_signed_link_payload
from core.commands import CreateInvite, LinkIdentity, RedeemInvite, SetLanguage
from core.errors import DomainError, PermissionDenied, ValidationError
from core.model import Role
from core.services._accounts import sha256_hex  # the hash invites are stored under
from core.services.identities import link_identity, set_language
from core.services.invites import create_invite, redeem_invite

if TYPE_CHECKING:
    from bot.flows.router import Conversations

INVITE_PREFIX = "inv_"
INVITE_FLOW = "invite"
UNLINKED_FLOWS = frozenset({register.NAME})


def install(conversations: Conversations) -> None:
    conversations.add_flow(register.FLOW)
    conversations.add_flow(INVITE)
    engine = conversations.engine

    async def unlinked(s: Session, received: Input) -> None:
        await handle_unlinked(s, received, engine)

    async def invite(s: Session) -> None:
        await start_invite(s, engine)

    async def languages(s: Session) -> None:
        show_languages(s)

    async def language(s: Session, _: Command) -> None:
        show_languages(s)

    conversations.unlinked = unlinked
    conversations.kinds[actions.LANG] = choose_language
    conversations.menu_items["lang"] = languages
    conversations.menu_items["invite"] = invite
    # Welcome buttons pressed after the chat got linked: say so rather than "button expired".
    conversations.menu_items[INVITED] = already_linked
    conversations.menu_items[REGISTER] = already_linked
    conversations.commands["language"] = language
    conversations.commands["lang"] = language


# -- everything an unlinked person sends ----------------------------------------------------------


async def handle_unlinked(s: Session, received: Input, engine: FlowEngine) -> None:
    chosen = chosen_language(s)
    if s.user is None and chosen is not None:
        speak(s, chosen)
    try:
        if isinstance(received, Command) and received.name == "start" and received.args.strip():
            if s.user is not None:
                await engine.cancel(s)  # /start starts afresh, as it does without a payload
            await follow_start_payload(s, received.args.strip())
        elif s.user is not None:
            show_menu(s)  # not sent here by the router; harmless if it ever is
        else:
            await _unlinked_input(s, received, engine)
    finally:
        # Starting or leaving a flow empties the state's data, the language with it: keep it.
        if s.user is None and chosen is not None and chosen_language(s) is None:
            s.state.data[LANG_KEY] = chosen


async def _unlinked_input(s: Session, received: Input, engine: FlowEngine) -> None:
    if isinstance(received, Command):
        await _unlinked_command(s, received, engine)
        return
    if isinstance(received, Press) and received.data == actions.CANCEL:
        await engine.cancel(s)
        show_welcome(s)
        return
    if isinstance(received, Press) and await _unlinked_press(s, received, engine):
        return
    if s.state.flow is not None and s.state.flow not in UNLINKED_FLOWS:
        s.state.leave_flow()  # left over from before the chat was unlinked: not for them now
    if s.state.flow is not None and await engine.handle(s, received):
        if s.state.flow is None and s.user is None:
            show_welcome(s, "link-what-next")
        return
    show_welcome(s)


async def _unlinked_command(s: Session, command: Command, engine: FlowEngine) -> None:
    if command.name in {"language", "lang"}:
        show_languages(s)
        return
    # /start, /menu and /cancel end what was under way; any other command (/help, /new...) is
    # answered by the welcome too, but a registration half done is kept.
    if command.name == "cancel":
        await engine.cancel(s)
    elif command.name in {"start", "menu"}:
        s.state.leave_flow()
    show_welcome(s)


async def _unlinked_press(s: Session, press: Press, engine: FlowEngine) -> bool:
    """Buttons that work outside a flow; False for the flow's own (f:..., nav:back)."""
    action = actions.parse(press.data)
    if action.kind == actions.LANG:
        await choose_language(s, action)
        return True
    if action.kind != actions.MENU:
        return False
    item = action.part(0)
    if item == REGISTER:
        await start_registration(s, engine)
    elif item == INVITED:
        keys = welcome_keyboard(s, invited=False)
        s.say("link-invited-help", buttons=keys, platform=s.platform.value)
    elif item == "lang":
        show_languages(s)
    elif item == "menu":  # "Back" from the languages: to where they were
        await _ask_again(s)
    else:
        s.state.leave_flow()
        show_welcome(s)
    return True


async def start_registration(s: Session, engine: FlowEngine) -> None:
    if s.deps.mailer is None:
        s.say("register-mail-unavailable", buttons=welcome_keyboard(s))
        return
    await engine.start(s, register.NAME)


async def already_linked(s: Session) -> None:
    s.say("link-already-linked", company=s.company.name if s.company else "")
    show_menu(s)


# -- /start with a payload ------------------------------------------------------------------------


async def follow_start_payload(s: Session, payload: str) -> None:
    if payload.startswith(SIGNED_PREFIX):
        await follow_signed_link(s, payload)
    else:
        # The prefix is optional: a bare token is how SPEC writes invite links.
        await follow_invite(s, payload.removeprefix(INVITE_PREFIX))


async def follow_invite(s: Session, token: str) -> None:
    if s.user is not None:
        await _invite_for_linked(s, token)
        return
    deps = s.deps
    try:
        user = await redeem_invite(RedeemInvite(s.identity.id, token), deps.uow_factory(), deps.ctx)
    except DomainError as error:
        s.say_error(error)
        show_next_steps(s)
        return
    await welcome_linked(s, user)


async def _invite_for_linked(s: Session, token: str) -> None:
    """A linked person opened an invite: never switch companies without a word."""
    assert s.user is not None
    async with s.deps.uow_factory(read_only=True) as uow:
        invite = await uow.invites.get_by_token_hash(sha256_hex(token.strip()))
    company = s.company.name if s.company else ""
    if invite is not None and invite.company_id != s.user.company_id:
        s.say("link-invite-other-company", company=company)
    else:
        s.say("link-already-linked", company=company)
    show_menu(s)


async def follow_signed_link(s: Session, payload: str) -> None:
    deps = s.deps
    if not deps.link_secret:
        s.say("link-signed-disabled")
        show_next_steps(s)
        return
    user_id = verify_signed_link_payload(deps.link_secret, payload, deps.ctx.clock.now())
    if user_id is None:
        s.say("link-signed-invalid")
        show_next_steps(s)
        return
    if s.user is not None:
        company = s.company.name if s.company else ""
        same = s.user.id == user_id
        s.say("link-already-linked" if same else "link-signed-other-user", company=company)
        show_menu(s)
        return
    try:
        user = await link_identity(
            LinkIdentity(s.identity.id, user_id), deps.uow_factory(), deps.ctx
        )
    except DomainError as error:
        s.say_error(error)
        show_next_steps(s)
        return
    await welcome_linked(s, user)


# -- language -------------------------------------------------------------------------------------


def show_languages(s: Session) -> None:
    current = s.user.language if s.user is not None else s.t.language
    rows = []
    for code in LANGUAGES:
        # Each language in its own words: someone who cannot read this one finds theirs.
        name = Translator(code).text("language-name")
        label = f"✅ {name}" if code == current else name
        rows.append([Button(label, actions.lang(code))])
    rows.append([s.button("button-back", actions.menu("menu"))])
    s.say("lang-choose", buttons=keyboard(*rows), replace=True)


async def choose_language(s: Session, action: Action) -> None:
    code = action.part(0)
    if s.user is None:
        if code not in LANGUAGES:
            s.say_error(ValidationError("language-unknown", language=code))
            return
        remember_language(s, code)
        s.say("lang-changed", replace=True)
        await _ask_again(s)
        return
    deps = s.deps
    s.user = await set_language(SetLanguage(s.actor, code), deps.uow_factory(), deps.ctx)
    speak(s, s.user.language)
    s.say("lang-changed", replace=True)
    show_menu(s)


async def _ask_again(s: Session) -> None:
    """After an unlinked person changed language: the question they were at, in the new one."""
    flow = s.state.flow
    step = s.state.step
    if flow in UNLINKED_FLOWS and step is not None:
        await register.FLOW.steps[step].ask(s)
    else:
        show_welcome(s)


# -- invite a colleague (super users) -------------------------------------------------------------

ROLES = (Role.MEMBER, Role.RESTRICTED, Role.SUPER_USER)


async def start_invite(s: Session, engine: FlowEngine) -> None:
    if not s.is_super_user:
        s.say_error(PermissionDenied())
        show_menu(s)
        return
    await engine.start(s, INVITE_FLOW)


async def ask_role(s: Session) -> str | None:
    rows = [[s.button(f"invite-role-{r.value}", actions.flow(f"role:{r.value}"))] for r in ROLES]
    s.say("invite-ask-role", buttons=keyboard(*rows, s.nav_row(back=False)))
    return None


async def answer_role(s: Session, received: Input) -> str | None:
    chosen = {actions.flow(f"role:{r.value}"): r for r in ROLES}
    role = chosen.get(received.data) if isinstance(received, Press) else None
    if role is None:
        s.say("invite-use-buttons")
        return None
    deps = s.deps
    try:
        issued = await create_invite(CreateInvite(s.actor, role), deps.uow_factory(), deps.ctx)
    except DomainError as error:
        s.say_error(error)
        return DONE
    payload = INVITE_PREFIX + issued.token
    # Without a link maker (a platform with no deep links) the person can still type it.
    link = deps.links.start_link(s.platform, payload) if deps.links else f"/start {payload}"
    s.say(
        "invite-created",
        role=s.text(f"link-role-{role.value}"),
        link=link,
        expires=s.t.datetime(issued.invite.expires_at),
        company=s.company.name if s.company else "",
        platform=s.platform.value,  # Slack has no deep links: the invite is a code to send
    )
    return DONE


async def on_invite_cancel(s: Session) -> None:
    s.say("invite-cancelled")


INVITE = Flow(
    name=INVITE_FLOW,
    first="role",
    steps={"role": Step(ask_role, answer_role)},
    on_cancel=on_invite_cancel,
)
