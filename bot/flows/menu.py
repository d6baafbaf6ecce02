"""The main menu: what a linked customer can do, by role."""

from __future__ import annotations

from bot.flows import actions
from bot.flows.engine import Session
from bot.flows.io import keyboard


def show_menu(s: Session, *, intro: str = "menu-title", replace: bool = False) -> None:
    rows = [
        [s.button("menu-report", actions.menu("report"))],
        [s.button("menu-tickets", actions.menu("tickets"))],
    ]
    if s.is_super_user:
        rows += [
            [s.button("menu-message", actions.menu("message"))],
            [s.button("menu-token", actions.menu("token"))],
            [s.button("menu-invite", actions.menu("invite"))],
        ]
    rows.append([s.button("menu-language", actions.menu("lang"))])
    # Callers pick the intro; only some greet by name.
    params = {"name": s.user.name if s.user else ""} if "name" in s.t.uses(intro) else {}
    s.say(intro, params=params, buttons=keyboard(*rows), replace=replace)
