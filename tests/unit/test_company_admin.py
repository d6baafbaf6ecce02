"""What a super user does for the company: support tokens (seed 003) and managing users."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core.commands import (
    AttachSupportToken,
    CreateSupportToken,
    ListCompanyUsers,
    ListSupportTokens,
    RevokeSupportToken,
    SetLanguage,
    SetUserActive,
    SetUserRole,
)
from core.errors import LimitExceeded, NotFound, PermissionDenied, ValidationError
from core.model import Audience, Role
from core.services.identities import set_language
from core.services.support_tokens import (
    attach_support_token,
    create_support_token,
    list_support_tokens,
    revoke_support_token,
    token_code,
)
from core.services.users import list_company_users, set_user_active, set_user_role
from tests.unit.world import World, customer


def test_token_codes_are_readable() -> None:
    codes = {token_code(f"random-{i}") for i in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(r"ST-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", code)


async def test_a_super_user_creates_attaches_and_revokes_a_token(world: World) -> None:
    acme = await world.company()
    boss = await world.user(acme, Role.SUPER_USER)
    ann = await world.user(acme)
    first, second = await world.open(ann, "one"), await world.open(ann, "two")

    token = await world.run(create_support_token, CreateSupportToken(customer(boss)))
    assert token.expires_at == world.now() + world.ctx.config.support_token_ttl
    before = world.last_seq()
    await world.run(attach_support_token, AttachSupportToken(customer(boss), token.id, first.id))
    [pushed] = world.outbox(since=before)
    assert (pushed.audience, pushed.event_type) == (
        Audience.AGENTS,
        "ticket.support_token_attached",
    )
    assert pushed.payload["code"] == token.code
    assert (await world.ticket(first)).support_token_id == token.id

    # One ticket at a time: attaching elsewhere moves it.
    await world.run(attach_support_token, AttachSupportToken(customer(boss), token.id, second.id))
    assert (await world.ticket(first)).support_token_id is None
    assert (await world.ticket(second)).support_token_id == token.id

    before = world.last_seq()
    revoked = await world.run(revoke_support_token, RevokeSupportToken(customer(boss), token.id))
    assert revoked.revoked_at == world.now()
    assert world.sent(since=before) == [(Audience.AGENTS, None, "ticket.support_token_revoked")]
    assert await world.run(list_support_tokens, ListSupportTokens(customer(boss))) == []
    with pytest.raises(ValidationError) as refused:
        await world.run(
            attach_support_token, AttachSupportToken(customer(boss), token.id, first.id)
        )
    assert refused.value.code == "token-revoked"


async def test_a_token_is_valid_for_the_time_chosen_within_the_maximum(world: World) -> None:
    boss = await world.user(await world.company(), Role.SUPER_USER)
    hour = await world.run(
        create_support_token, CreateSupportToken(customer(boss), valid_for=timedelta(hours=1))
    )
    assert hour.expires_at == world.now() + timedelta(hours=1)
    for wrong in (timedelta(0), world.ctx.config.support_token_max_ttl + timedelta(seconds=1)):
        with pytest.raises(ValidationError):
            await world.run(
                create_support_token, CreateSupportToken(customer(boss), valid_for=wrong)
            )


async def test_tokens_are_for_super_users_of_the_company(world: World) -> None:
    acme, other = await world.company(), await world.company("Other")
    boss = await world.user(acme, Role.SUPER_USER)
    member = await world.user(acme)
    stranger = await world.user(other, Role.SUPER_USER)
    theirs = await world.open(await world.user(other))
    with pytest.raises(PermissionDenied):
        await world.run(create_support_token, CreateSupportToken(customer(member)))
    token = await world.run(create_support_token, CreateSupportToken(customer(boss)))
    with pytest.raises(NotFound):
        await world.run(revoke_support_token, RevokeSupportToken(customer(stranger), token.id))
    with pytest.raises(NotFound):
        await world.run(
            attach_support_token, AttachSupportToken(customer(boss), token.id, theirs.id)
        )


async def test_an_expired_token_cannot_be_attached(world: World) -> None:
    acme = await world.company()
    boss = await world.user(acme, Role.SUPER_USER)
    ticket = await world.open(boss)
    token = await world.run(create_support_token, CreateSupportToken(customer(boss)))
    world.clock.advance(world.ctx.config.support_token_ttl)
    with pytest.raises(ValidationError) as refused:
        await world.run(
            attach_support_token, AttachSupportToken(customer(boss), token.id, ticket.id)
        )
    assert refused.value.code == "token-expired"


async def test_a_super_user_manages_the_companys_users(world: World) -> None:
    acme = await world.company(max_users=2)
    other = await world.company("Other")
    boss = await world.user(acme, Role.SUPER_USER)
    ann = await world.user(acme)
    stranger = await world.user(other)

    listed = await world.run(list_company_users, ListCompanyUsers(customer(boss)))
    assert {u.id for u in listed} == {boss.id, ann.id}
    with pytest.raises(PermissionDenied):
        await world.run(list_company_users, ListCompanyUsers(customer(ann)))
    with pytest.raises(NotFound):
        await world.run(set_user_role, SetUserRole(customer(boss), stranger.id, Role.RESTRICTED))

    assert (
        await world.run(set_user_role, SetUserRole(customer(boss), ann.id, Role.RESTRICTED))
    ).role is Role.RESTRICTED
    assert not (
        await world.run(set_user_active, SetUserActive(customer(boss), ann.id, False))
    ).active
    await world.user(acme)  # takes the freed seat
    with pytest.raises(LimitExceeded):
        await world.run(set_user_active, SetUserActive(customer(boss), ann.id, True))


async def test_the_last_super_user_stays(world: World) -> None:
    acme = await world.company()
    boss = await world.user(acme, Role.SUPER_USER)
    with pytest.raises(ValidationError) as refused:
        await world.run(set_user_role, SetUserRole(customer(boss), boss.id, Role.MEMBER))
    assert refused.value.code == "last-super-user"
    with pytest.raises(ValidationError):
        await world.run(set_user_active, SetUserActive(customer(boss), boss.id, False))
    deputy = await world.user(acme, Role.SUPER_USER)
    await world.run(set_user_role, SetUserRole(customer(deputy), boss.id, Role.MEMBER))


async def test_users_pick_one_of_the_four_languages(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    assert (await world.run(set_language, SetLanguage(customer(ann), "RO"))).language == "ro"
    with pytest.raises(ValidationError):
        await world.run(set_language, SetLanguage(customer(ann), "de"))


def test_a_current_identity_needs_no_write_and_a_changed_one_says_what() -> None:
    from core.commands import SeeIdentity
    from core.model import ChatIdentity, Platform
    from core.services.identities import identity_changes

    known = ChatIdentity(Platform.TELEGRAM, "7", "7", display_name="Ann", language_code="pl")
    same = SeeIdentity(Platform.TELEGRAM, "7", "7", display_name="Ann", language_code="pl")
    assert identity_changes(known, same) == {}
    assert identity_changes(known, SeeIdentity(Platform.TELEGRAM, "7", "7")) == {}, (
        "a client that omits its name or language changes nothing"
    )
    moved = SeeIdentity(Platform.TELEGRAM, "7", "7", language_code="it")
    assert identity_changes(known, moved) == {"language_code": "it"}
    known.reachable = False
    assert identity_changes(known, same) == {"reachable": True}, "writing to us unblocks"
