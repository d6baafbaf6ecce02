"""Linking a chat to a company user: self-registration with an e-mailed code (seed 000),
invites, vendor-signed links, and the first contact itself."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.actors import SystemActor
from core.commands import (
    CreateInvite,
    LinkIdentity,
    RedeemInvite,
    ResendCode,
    SeeIdentity,
    StartRegistration,
    UnlinkIdentity,
    VerifyRegistration,
)
from core.errors import (
    DomainError,
    LimitExceeded,
    NotFound,
    PermissionDenied,
    RegistrationError,
    ValidationError,
)
from core.model import ChatIdentity, Company, Platform, Role
from core.services.identities import link_identity, see_identity, unlink_identity
from core.services.invites import create_invite, redeem_invite
from core.services.registration import (
    IssuedCode,
    code_hash,
    resend_code,
    start_registration,
    verify_registration,
)
from tests.unit.world import World, customer


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


async def _start(
    world: World, company: Company, email: str = "eve@acme.test", **kw: str
) -> tuple[ChatIdentity, IssuedCode]:
    identity = await world.identity(language_code=kw.pop("language_code", None))
    cmd = StartRegistration(
        identity.id,
        kw.pop("tax_id", company.tax_id),
        kw.pop("license_number", f"LIC-{company.name}-ERP".upper()),
        email,
    )
    issued = await world.run(start_registration, cmd)
    return identity, issued


async def test_registration_links_the_first_user_as_super_user(world: World) -> None:
    acme = await world.company()
    identity, issued = await _start(world, acme, language_code="pl-PL")

    assert len(issued.code) == 6
    assert issued.code.isdigit()
    [stored] = world.store.all("registrations")
    assert stored.code_hash == code_hash(stored.id, issued.code)
    assert issued.code not in repr(world.store.tables)  # only the hash is kept

    user = await world.run(verify_registration, VerifyRegistration(identity.id, issued.code))

    assert (user.role, user.company_id, user.email) == (Role.SUPER_USER, acme.id, "eve@acme.test")
    assert user.language == "pl"
    async with world.uow() as uow:
        linked = await uow.identities.get(identity.id)
    assert linked is not None
    assert linked.user_id == user.id


async def test_later_users_are_members_or_restricted(world: World) -> None:
    acme = await world.company()
    strict = await world.company("Strict", restricted=True)
    await world.user(acme, Role.SUPER_USER)
    await world.user(strict, Role.SUPER_USER)
    for company, role in ((acme, Role.MEMBER), (strict, Role.RESTRICTED)):
        identity, issued = await _start(world, company)
        user = await world.run(verify_registration, VerifyRegistration(identity.id, issued.code))
        assert user.role is role


async def test_a_known_email_links_to_the_existing_user(world: World) -> None:
    acme = await world.company()
    eve = await world.user(acme, email="Eve@Acme.test")
    identity, issued = await _start(world, acme, "eve@acme.test")
    user = await world.run(verify_registration, VerifyRegistration(identity.id, issued.code))
    assert user.id == eve.id
    assert len(world.store.all("users")) == 1


@pytest.mark.parametrize(
    ("field", "value", "error", "code"),
    [
        ("tax_id", "PL0000000000", NotFound, "company-not-found"),
        ("license_number", "LIC-NOPE", NotFound, "license-not-found"),
        ("license_number", "LIC-OTHER-ERP", NotFound, "license-not-found"),
    ],
)
async def test_registration_checks_tax_id_and_license(
    world: World, field: str, value: str, error: type[DomainError], code: str
) -> None:
    acme = await world.company()
    await world.company("Other")  # its license must not open Acme's door
    with pytest.raises(error) as refused:
        await _start(world, acme, **{field: value})
    assert refused.value.code == code
    assert world.store.all("registrations") == []


async def test_tax_ids_and_licenses_are_matched_leniently(world: World) -> None:
    acme = await world.company()
    spaced = f"{acme.tax_id[:2].lower()} {acme.tax_id[2:5]}-{acme.tax_id[5:]}"
    _, issued = await _start(world, acme, tax_id=spaced, license_number="  lic-acme-erp ")
    assert issued.registration_id


async def test_an_invalid_email_is_refused(world: World) -> None:
    acme = await world.company()
    with pytest.raises(ValidationError):
        await _start(world, acme, "not-an-address")


async def test_five_wrong_codes_lock_even_the_right_one(world: World) -> None:
    acme = await world.company()
    identity, issued = await _start(world, acme)
    for left in (4, 3, 2, 1):
        with pytest.raises(RegistrationError) as refused:
            await world.run(
                verify_registration, VerifyRegistration(identity.id, _wrong(issued.code))
            )
        assert (refused.value.code, refused.value.params["tries_left"]) == ("code-wrong", left)
    with pytest.raises(RegistrationError) as refused:
        await world.run(verify_registration, VerifyRegistration(identity.id, _wrong(issued.code)))
    assert refused.value.code == "code-locked"
    with pytest.raises(RegistrationError) as refused:
        await world.run(verify_registration, VerifyRegistration(identity.id, issued.code))
    assert refused.value.code == "code-locked"
    assert world.store.all("users") == []


async def test_a_code_expires(world: World) -> None:
    acme = await world.company()
    identity, issued = await _start(world, acme)
    world.clock.advance(world.ctx.config.code_ttl)
    with pytest.raises(RegistrationError) as refused:
        await world.run(verify_registration, VerifyRegistration(identity.id, issued.code))
    assert refused.value.code == "code-expired"


async def test_resend_waits_for_the_cooldown_and_stops_at_the_limit(world: World) -> None:
    acme = await world.company()
    identity, first = await _start(world, acme)
    with pytest.raises(RegistrationError) as refused:
        await world.run(resend_code, ResendCode(identity.id))
    assert (refused.value.code, refused.value.params["seconds"]) == ("resend-too-soon", 60)
    # A wrong try, then a resend: new code, tries start again, the old code is dead.
    with pytest.raises(RegistrationError):
        await world.run(verify_registration, VerifyRegistration(identity.id, _wrong(first.code)))
    codes = []
    for _ in range(world.ctx.config.code_resend_limit):
        world.clock.advance(world.ctx.config.code_resend_cooldown)
        codes.append((await world.run(resend_code, ResendCode(identity.id))).code)
    [registration] = world.store.all("registrations")
    assert (registration.tries, registration.resends) == (0, 3)
    world.clock.advance(world.ctx.config.code_resend_cooldown)
    with pytest.raises(RegistrationError) as refused:
        await world.run(resend_code, ResendCode(identity.id))
    assert refused.value.code == "resend-limit"
    if first.code != codes[-1]:
        with pytest.raises(RegistrationError):
            await world.run(verify_registration, VerifyRegistration(identity.id, first.code))
    user = await world.run(verify_registration, VerifyRegistration(identity.id, codes[-1]))
    assert user.company_id == acme.id


async def test_starting_over_respects_the_cooldown(world: World) -> None:
    acme = await world.company()
    identity, _ = await _start(world, acme)
    again = StartRegistration(identity.id, acme.tax_id, "LIC-ACME-ERP", "x@acme.test")
    with pytest.raises(RegistrationError) as refused:
        await world.run(start_registration, again)
    assert refused.value.code == "resend-too-soon"
    world.clock.advance(seconds=60)
    assert (await world.run(start_registration, again)).email == "x@acme.test"


async def test_the_company_user_cap_holds(world: World) -> None:
    acme = await world.company(max_users=1)
    await world.user(acme, Role.SUPER_USER, email="boss@acme.test")
    with pytest.raises(LimitExceeded) as refused:
        await _start(world, acme, "new@acme.test")
    assert (refused.value.code, refused.value.params["limit"]) == ("company-user-limit", 1)
    # The existing user linking a second chat takes no new seat.
    identity, issued = await _start(world, acme, "boss@acme.test")
    await world.run(verify_registration, VerifyRegistration(identity.id, issued.code))


async def test_a_linked_chat_cannot_register_again(world: World) -> None:
    acme = await world.company()
    identity, issued = await _start(world, acme)
    await world.run(verify_registration, VerifyRegistration(identity.id, issued.code))
    with pytest.raises(RegistrationError) as refused:
        await world.run(verify_registration, VerifyRegistration(identity.id, issued.code))
    assert refused.value.code == "already-linked"


async def test_a_deactivated_user_cannot_come_back_by_registering(world: World) -> None:
    acme = await world.company()
    await world.user(acme, email="gone@acme.test", active=False)
    identity, issued = await _start(world, acme, "gone@acme.test")
    with pytest.raises(PermissionDenied):
        await world.run(verify_registration, VerifyRegistration(identity.id, issued.code))


# -- invites ---------------------------------------------------------------------------------


async def test_an_invite_makes_a_new_user_once(world: World) -> None:
    acme = await world.company()
    issued = await world.run(
        create_invite, CreateInvite(SystemActor("operator"), Role.SUPER_USER, acme.id)
    )
    assert issued.invite.token_hash != issued.token
    identity = await world.identity("newbie", language_code="it")

    user = await world.run(redeem_invite, RedeemInvite(identity.id, issued.token, "Nina"))

    assert (user.role, user.name, user.language, user.company_id) == (
        Role.SUPER_USER,
        "Nina",
        "it",
        acme.id,
    )
    second = await world.identity()
    with pytest.raises(RegistrationError) as refused:
        await world.run(redeem_invite, RedeemInvite(second.id, issued.token))
    assert refused.value.code == "invite-used"


async def test_invites_expire_and_unknown_tokens_are_invalid(world: World) -> None:
    acme = await world.company()
    boss = await world.user(acme, Role.SUPER_USER)
    issued = await world.run(create_invite, CreateInvite(customer(boss), Role.MEMBER))
    assert issued.invite.company_id == acme.id
    assert issued.invite.created_by_user_id == boss.id
    identity = await world.identity()
    with pytest.raises(RegistrationError) as refused:
        await world.run(redeem_invite, RedeemInvite(identity.id, "made-up"))
    assert refused.value.code == "invite-invalid"
    world.clock.advance(world.ctx.config.invite_ttl)
    with pytest.raises(RegistrationError) as refused:
        await world.run(redeem_invite, RedeemInvite(identity.id, issued.token))
    assert refused.value.code == "invite-expired"


async def test_only_super_users_invite_and_only_to_their_company(world: World) -> None:
    acme, other = await world.company(), await world.company("Other")
    member = await world.user(acme)
    boss = await world.user(acme, Role.SUPER_USER)
    with pytest.raises(PermissionDenied):
        await world.run(create_invite, CreateInvite(customer(member), Role.MEMBER))
    with pytest.raises(PermissionDenied):
        await world.run(create_invite, CreateInvite(customer(boss), Role.MEMBER, other.id))


async def test_an_invite_honours_the_user_cap(world: World) -> None:
    acme = await world.company(max_users=1)
    boss = await world.user(acme, Role.SUPER_USER)
    issued = await world.run(create_invite, CreateInvite(customer(boss), Role.MEMBER))
    with pytest.raises(LimitExceeded):
        await world.run(redeem_invite, RedeemInvite((await world.identity()).id, issued.token))
    [invite] = world.store.all("invites")
    assert invite.used_at is None  # refused: the invite is still good for later


# -- identities ------------------------------------------------------------------------------


async def test_first_contact_creates_an_identity_and_later_ones_refresh_it(world: World) -> None:
    seen = SeeIdentity(Platform.TELEGRAM, "42", "42", "Eve", "ro")
    first = await world.run(see_identity, seen)
    assert (first.user_id, first.language_code) == (None, "ro")
    again = await world.run(see_identity, seen)
    assert again.id == first.id
    moved = await world.run(see_identity, SeeIdentity(Platform.TELEGRAM, "42", "99"))
    assert (moved.chat_id, moved.display_name) == ("99", "Eve")
    assert len(world.store.all("identities")) == 1


async def test_a_signed_link_links_a_known_user_and_unlink_forgets(world: World) -> None:
    acme = await world.company()
    eve = await world.user(acme)
    identity = await world.identity()
    assert (await world.run(link_identity, LinkIdentity(identity.id, eve.id))).id == eve.id
    assert (await world.run(link_identity, LinkIdentity(identity.id, eve.id))).id == eve.id
    other = await world.user(acme)
    with pytest.raises(RegistrationError):
        await world.run(link_identity, LinkIdentity(identity.id, other.id))
    await world.run(unlink_identity, UnlinkIdentity(identity.id))
    with pytest.raises(RegistrationError) as refused:
        await world.run(unlink_identity, UnlinkIdentity(identity.id))
    assert refused.value.code == "not-linked"


async def test_a_resend_is_allowed_exactly_when_the_cooldown_ends(world: World) -> None:
    acme = await world.company()
    identity, _ = await _start(world, acme)
    world.clock.advance(timedelta(seconds=60))
    assert (await world.run(resend_code, ResendCode(identity.id))).code
