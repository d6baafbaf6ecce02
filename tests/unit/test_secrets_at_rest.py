"""Tokens and codes: random from the `secrets` module, and never stored as they are shown."""

from __future__ import annotations

import inspect

import pytest

from core import context
from core.actors import SystemActor
from core.commands import (
    AttachSupportToken,
    CreateInvite,
    CreateSupportToken,
    ListSupportTokens,
    RevokeSupportToken,
    StartRegistration,
)
from core.context import SystemSecrets
from core.errors import NotFound
from core.model import Role
from core.services.invites import create_invite
from core.services.registration import start_registration
from core.services.support_tokens import (
    attach_support_token,
    create_support_token,
    list_support_tokens,
    revoke_support_token,
)
from tests.unit.world import World, customer


def test_tokens_and_codes_come_from_the_secrets_module() -> None:
    source = inspect.getsource(context.SystemSecrets)
    assert "secrets.token_urlsafe" in source
    assert "secrets.choice" in source
    tokens = {SystemSecrets().token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(len(t) >= 32 for t in tokens), "24 random bytes, URL-safe"
    codes = [SystemSecrets().digits(6) for _ in range(2000)]
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len({c[0] for c in codes}) == 10, "every digit can lead"


async def test_an_invite_token_and_a_code_are_stored_only_as_hashes() -> None:
    world = World()
    company = await world.company()
    issued = await world.run(
        create_invite, CreateInvite(SystemActor("operator"), Role.MEMBER, company.id)
    )
    identity = await world.identity("newbie")
    products = await world.products(company)
    code = await world.run(
        start_registration,
        StartRegistration(identity.id, company.tax_id, products[0].license_number, "a@b.co"),
    )
    stored = repr(world.store.tables)
    assert issued.token not in stored
    assert f"'{code.code}'" not in stored


async def test_another_companys_support_token_cannot_be_used_attached_or_revoked() -> None:
    world = World()
    acme, evil = await world.company("Acme"), await world.company("Evil")
    boss = await world.user(acme, Role.SUPER_USER)
    mallory = await world.user(evil, Role.SUPER_USER)
    token = await world.run(create_support_token, CreateSupportToken(customer(boss)))
    theirs = await world.open(mallory, "Mallory's ticket")
    ours = await world.open(boss, "Our ticket")
    with pytest.raises(NotFound):
        await world.run(
            attach_support_token, AttachSupportToken(customer(mallory), token.id, theirs.id)
        )
    with pytest.raises(NotFound):
        await world.run(revoke_support_token, RevokeSupportToken(customer(mallory), token.id))
    with pytest.raises(NotFound):  # nor may Acme put its token on Evil's ticket
        await world.run(
            attach_support_token, AttachSupportToken(customer(boss), token.id, theirs.id)
        )
    listed = await world.run(list_support_tokens, ListSupportTokens(customer(mallory)))
    assert token.id not in [t.id for t in listed]
    await world.run(attach_support_token, AttachSupportToken(customer(boss), token.id, ours.id))
