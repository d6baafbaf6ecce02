"""House rule: the core is pure. It never imports a platform, web, database or cache library."""

from __future__ import annotations

import ast
from pathlib import Path

FORBIDDEN = {
    "telegram",
    "slack",
    "slack_sdk",
    "slack_bolt",
    "aiohttp",
    "sqlalchemy",
    "redis",
    "httpx",
    "asyncpg",
    "aiosqlite",
    "aiosmtplib",
    "bot",
    "adapters",
    "storage",
}
CORE = Path(__file__).resolve().parents[2] / "core"


def imported_roots(source: str) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_core_imports_no_io_or_platform_library() -> None:
    offenders = {
        str(path.relative_to(CORE.parent)): sorted(imported_roots(path.read_text()) & FORBIDDEN)
        for path in CORE.rglob("*.py")
    }
    offenders = {path: names for path, names in offenders.items() if names}
    assert offenders == {}, f"core/ must stay pure, but imports: {offenders}"


def test_the_check_catches_an_offender() -> None:
    assert imported_roots("import os\nfrom sqlalchemy.orm import Session\n") == {"os", "sqlalchemy"}
    assert imported_roots("from telegram import Bot") & FORBIDDEN == {"telegram"}
