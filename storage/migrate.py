"""Schema migrations, callable from code: the CLI, the tests and CI need no alembic.ini.

    await upgrade("sqlite:///./data/supportbot.db")       # to head
    await check(url)   # raises if the database is behind or the models drifted from it

Or from a shell: `python -m storage.migrate upgrade postgresql://...`.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.engine import URL

from storage.db import create_engine, normalize_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | URL | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    rendered = normalize_url(url).render_as_string(hide_password=False)
    # The value goes through ConfigParser interpolation: a %-escaped password must survive.
    config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


async def upgrade(url: str | URL | None = None, revision: str = "head") -> None:
    await _run(url, lambda config: command.upgrade(config, revision))


async def downgrade(url: str | URL | None = None, revision: str = "base") -> None:
    await _run(url, lambda config: command.downgrade(config, revision))


async def check(url: str | URL | None = None) -> None:
    """Raise alembic's CommandError unless the database is at head and matches the models."""
    await _run(url, command.check)


async def _run(url: str | URL | None, action: Callable[[Config], object]) -> None:
    config = alembic_config(url)
    # Foreign keys off on SQLite: a batch rebuild drops and recreates referenced tables.
    # They are checked once the migration is done instead.
    engine = create_engine(url, foreign_keys=False)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_in_transaction, config, action)
            await connection.commit()
    finally:
        await engine.dispose()


def _in_transaction(
    connection: Connection, config: Config, action: Callable[[Config], object]
) -> None:
    config.attributes["connection"] = connection
    action(config)
    if connection.dialect.name == "sqlite":
        broken = connection.execute(text("PRAGMA foreign_key_check")).all()
        if broken:
            raise RuntimeError(f"migration left rows with broken foreign keys: {broken[:5]}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m storage.migrate")
    parser.add_argument("action", choices=["upgrade", "downgrade", "check"])
    parser.add_argument("url", help="database URL, e.g. sqlite:///./data/supportbot.db")
    parser.add_argument("revision", nargs="?", help="target (upgrade: head, downgrade: base)")
    args = parser.parse_args(argv)
    if args.action == "upgrade":
        asyncio.run(upgrade(args.url, args.revision or "head"))
    elif args.action == "downgrade":
        asyncio.run(downgrade(args.url, args.revision or "base"))
    else:
        asyncio.run(check(args.url))


if __name__ == "__main__":
    main()
