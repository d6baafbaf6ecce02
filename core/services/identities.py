"""Chat identities: recording who writes to the bot, linking by a vendor-signed link,
unlinking, and the language a user reads."""

from __future__ import annotations

from core.commands import LinkIdentity, SeeIdentity, SetLanguage, UnlinkIdentity
from core.context import Context
from core.errors import NotFound, RegistrationError, ValidationError
from core.model import ChatIdentity, CustomerUser
from core.ports import UnitOfWork
from core.services._accounts import link
from core.services._shared import load_customer


async def see_identity(cmd: SeeIdentity, uow: UnitOfWork, ctx: Context) -> ChatIdentity:
    """The identity behind an incoming chat message, created on first contact.

    Writes only when something changed, since this runs for every message.
    """
    async with uow:
        identity = await uow.identities.get_by_platform_user(cmd.platform, cmd.platform_user_id)
        if identity is None:
            identity = ChatIdentity(
                platform=cmd.platform,
                platform_user_id=cmd.platform_user_id,
                chat_id=cmd.chat_id,
                language_code=cmd.language_code,
                display_name=cmd.display_name,
                created_at=ctx.clock.now(),
            )
            await uow.identities.add(identity)
            await uow.commit()
            return identity
        changes = identity_changes(identity, cmd)
        if changes:
            for key, value in changes.items():
                setattr(identity, key, value)
            await uow.identities.update(identity)
            await uow.commit()
    return identity


def identity_changes(identity: ChatIdentity, cmd: SeeIdentity) -> dict[str, object]:
    """What `see_identity` would change on a known identity; empty when it is current, so a
    caller that already read it can skip the write (it runs for every message)."""
    fresh: dict[str, object] = {
        "chat_id": cmd.chat_id,
        "reachable": True,  # a person who writes to us can be written to
        "display_name": cmd.display_name or identity.display_name,
        "language_code": cmd.language_code or identity.language_code,
    }
    return {k: v for k, v in fresh.items() if getattr(identity, k) != v}


async def link_identity(cmd: LinkIdentity, uow: UnitOfWork, ctx: Context) -> CustomerUser:
    """Link a chat to a known user; the caller has verified the vendor's signed link (the chat
    equivalent of seed 000's automatic login from the program)."""
    async with uow:
        identity = await uow.identities.get(cmd.identity_id)
        if identity is None:
            raise NotFound("identity-not-found")
        user = await uow.users.get(cmd.user_id)
        if user is None or not user.active:
            raise NotFound("user-not-found")
        if identity.user_id == user.id:
            return user  # the same link followed twice
        if identity.user_id is not None:
            raise RegistrationError("already-linked")
        await link(uow, identity, user)
        await uow.commit()
    return user


async def unlink_identity(cmd: UnlinkIdentity, uow: UnitOfWork, ctx: Context) -> ChatIdentity:
    """The chat forgets its user ("log out"); the user and their tickets stay."""
    async with uow:
        identity = await uow.identities.get(cmd.identity_id)
        if identity is None:
            raise NotFound("identity-not-found")
        if identity.user_id is None:
            raise RegistrationError("not-linked")
        identity.user_id = None
        await uow.identities.update(identity)
        await uow.commit()
    return identity


async def set_language(cmd: SetLanguage, uow: UnitOfWork, ctx: Context) -> CustomerUser:
    language = cmd.language.strip().lower()
    if language not in ctx.config.languages:
        raise ValidationError("language-unknown", language=language)
    async with uow:
        user = (await load_customer(uow, cmd.actor)).user
        if user.language != language:
            user.language = language
            await uow.users.update(user)
            await uow.commit()
    return user
