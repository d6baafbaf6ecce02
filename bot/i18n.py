"""Texts in the customer's language: Fluent files under bot/locales/<lang>/*.ftl.

Every message id must exist in every language with the same variables (tests/unit/test_i18n.py
checks it), so a missing translation is a failing test rather than a blank message in a chat.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from fluent.runtime import FluentBundle, FluentResource
from fluent.syntax import FluentParser, ast, visitor

LOCALES_DIR = Path(__file__).with_name("locales")
LANGUAGES = ("en", "pl", "it", "ro")
DEFAULT_LANGUAGE = "en"

Value = str | int | float


def pick_language(code: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """The supported language for a client's language code ('pl-PL', 'it', None...)."""
    if code:
        base = code.replace("_", "-").split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return default


def resource_text(language: str) -> str:
    return "\n".join(p.read_text("utf-8") for p in sorted((LOCALES_DIR / language).glob("*.ftl")))


@cache
def _bundle(language: str) -> FluentBundle:
    # No Unicode isolation marks: chat clients show them as stray boxes.
    bundle = FluentBundle([language], use_isolating=False)
    bundle.add_resource(FluentResource(resource_text(language)))
    return bundle


@cache
def variables(language: str) -> dict[str, frozenset[str]]:
    """Message id -> the variables its text uses, in one language."""
    found: dict[str, frozenset[str]] = {}
    for entry in FluentParser().parse(resource_text(language)).body:
        if isinstance(entry, ast.Message):
            collector = _Variables()
            collector.visit(entry)
            found[entry.id.name] = frozenset(collector.names)
    return found


class _Variables(visitor.Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_VariableReference(self, node: ast.VariableReference) -> None:
        self.names.add(node.id.name)


class Safe(str):
    """Text that is already mini-HTML (another translated text): not escaped again."""


def _escape(value: Value) -> Value:
    if isinstance(value, str) and not isinstance(value, Safe):
        return html.escape(value, quote=False)
    return value


class MissingText(KeyError):
    pass


class Translator:
    """Formats one language's texts; dates and times in the given time zone.

    With `strict` (the test suite turns it on) a value passed for a variable the text does not
    use is an error too, so texts and code cannot drift apart unnoticed.
    """

    strict = False

    def __init__(self, language: str, timezone: str = "UTC") -> None:
        self.language = pick_language(language)
        self.timezone = ZoneInfo(timezone)

    def __call__(self, message_id: str, **params: Value) -> str:
        return self.text(message_id, params)

    def text(self, message_id: str, params: Mapping[str, Value] | None = None) -> str:
        bundle = _bundle(self.language)
        if not bundle.has_message(message_id):
            raise MissingText(f"{message_id!r} in {self.language}")
        if self.strict and params:
            unused = set(params) - variables(self.language).get(message_id, frozenset())
            if unused:
                raise MissingText(f"{message_id!r} does not use {sorted(unused)}")
        message = bundle.get_message(message_id)
        if message.value is None:
            raise MissingText(f"{message_id!r} in {self.language} has no value")
        text, errors = bundle.format_pattern(message.value, dict(params or {}))
        if errors:
            raise MissingText(f"{message_id!r} in {self.language}: {errors[0]}")
        return str(text)

    def html(self, message_id: str, **params: Value) -> str:
        """The text as mini-HTML (see bot.flows.io): every string value is escaped first, so
        nothing a person typed can become markup."""
        return Safe(self.text(message_id, {k: _escape(v) for k, v in params.items()}))

    def uses(self, message_id: str) -> frozenset[str]:
        return variables(self.language).get(message_id, frozenset())

    def has(self, message_id: str) -> bool:
        return _bundle(self.language).has_message(message_id)

    def datetime(self, value: datetime) -> str:
        return str(format_datetime(value.astimezone(self.timezone), "short", locale=self.language))

    def date(self, value: date) -> str:
        return str(format_date(value, "medium", locale=self.language))
