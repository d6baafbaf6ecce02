"""Every text exists in every language, with the same variables, and formats cleanly."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from fluent.syntax import FluentParser, ast

from bot.i18n import (
    LANGUAGES,
    MissingText,
    Translator,
    pick_language,
    resource_text,
    variables,
)


def messages(language: str) -> dict[str, set[str]]:
    """Message id -> the variables it uses; fails on syntax errors (Fluent's Junk)."""
    resource = FluentParser().parse(resource_text(language))
    junk = [entry.content for entry in resource.body if isinstance(entry, ast.Junk)]
    assert junk == [], f"syntax errors in {language}: {junk}"
    ids = [entry.id.name for entry in resource.body if isinstance(entry, ast.Message)]
    assert len(ids) == len(set(ids)), f"a message id appears twice in {language}"
    return {mid: set(names) for mid, names in variables(language).items()}


def test_there_are_texts() -> None:
    assert len(messages("en")) > 0


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_message_exists_in_every_language_with_the_same_variables(language: str) -> None:
    english, other = messages("en"), messages(language)
    assert sorted(set(english) - set(other)) == [], f"missing in {language}"
    assert sorted(set(other) - set(english)) == [], f"only in {language}, not in English"
    differing = {mid: (english[mid], other[mid]) for mid in english if english[mid] != other[mid]}
    assert differing == {}, f"variables differ between en and {language}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_formats_without_errors(language: str) -> None:
    t = Translator(language)
    for message_id, used in messages(language).items():
        sample: dict[str, str | int] = dict.fromkeys(used, 3)
        assert t.text(message_id, sample).strip(), f"{message_id} is empty in {language}"


def test_a_missing_message_or_variable_is_an_error_not_a_blank() -> None:
    t = Translator("en")
    with pytest.raises(MissingText):
        t("no-such-message")


def test_client_language_codes_pick_a_supported_language() -> None:
    assert pick_language("pl-PL") == "pl"
    assert pick_language("it") == "it"
    assert pick_language("RO") == "ro"
    assert pick_language("de") == "en"
    assert pick_language(None) == "en"


def test_dates_and_times_in_the_customers_locale_and_zone() -> None:
    moment = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
    assert Translator("pl", "Europe/Warsaw").datetime(moment) == "2.03.2026, 09:30"
    assert "09:30" in Translator("it", "Europe/Rome").datetime(moment)
    assert Translator("en", "UTC").date(date(2026, 3, 2)) == "Mar 2, 2026"


def test_html_texts_escape_what_a_person_typed() -> None:
    t = Translator("en")
    assert t.html("language-name") == "English"
    assert Translator("pl").html("tickets-count", count=2) == "2 zgłoszenia", (
        "numbers stay numbers, so plural rules still apply"
    )


def test_strict_texts_refuse_a_value_the_text_does_not_use() -> None:
    t = Translator("en")
    assert t.strict, "the test suite runs with strict texts (tests/conftest.py)"
    with pytest.raises(MissingText, match="does not use"):
        t("language-name", name="x")
