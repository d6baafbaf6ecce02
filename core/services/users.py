"""A super user manages the company's users: list them, change roles, (de)activate them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from core.commands import ListCompanyUsers, SetUserActive, SetUserRole
from core.context import Context
from core.errors import NotFound, ValidationError
from core.model import CustomerUser, Role
from core.policy import CustomerWho
from core.ports import UnitOfWork
from core.services._accounts import require_room
from core.services._shared import load_company, load_super_user


async def list_company_users(
    cmd: ListCompanyUsers, uow: UnitOfWork, ctx: Context
) -> Sequence[CustomerUser]:
    async with uow:
        who = await load_super_user(uow, cmd.actor)
        return await uow.users.list_for_company(who.user.company_id)


async def set_user_role(cmd: SetUserRole, uow: UnitOfWork, ctx: Context) -> CustomerUser:
    async with uow:
        who = await load_super_user(uow, cmd.actor)
        user = await _colleague(uow, who, cmd.user_id)
        if user.role is not cmd.role:
            if user.role is Role.SUPER_USER:
                await _keep_a_super_user(uow, user)
            user.role = cmd.role
            await uow.users.update(user)
            await uow.commit()
    return user


async def set_user_active(cmd: SetUserActive, uow: UnitOfWork, ctx: Context) -> CustomerUser:
    """Deactivated users can do nothing; reactivating counts against the plan's user cap."""
    async with uow:
        who = await load_super_user(uow, cmd.actor)
        user = await _colleague(uow, who, cmd.user_id)
        if user.active is not cmd.active:
            if cmd.active:
                await require_room(uow, await load_company(uow, user.company_id))
            elif user.role is Role.SUPER_USER:
                await _keep_a_super_user(uow, user)
            user.active = cmd.active
            await uow.users.update(user)
            await uow.commit()
    return user


async def _colleague(uow: UnitOfWork, who: CustomerWho, user_id: uuid.UUID) -> CustomerUser:
    user = await uow.users.get(user_id)
    if user is None or user.company_id != who.user.company_id:
        raise NotFound("user-not-found")
    return user


async def _keep_a_super_user(uow: UnitOfWork, leaving: CustomerUser) -> None:
    """A company without an active super user could never authorize a restricted ticket."""
    others = [
        u
        for u in await uow.users.list_for_company(leaving.company_id, Role.SUPER_USER)
        if u.active and u.id != leaving.id
    ]
    if not others:
        raise ValidationError("last-super-user")
