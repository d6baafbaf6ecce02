"""File names from customers are shown to agents and sent back in downloads: never trust them."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core.filenames import MAX_NAME_LENGTH, safe_display_name

BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("Faktura 12/2025.pdf", "2025.pdf"),  # a slash is a directory, whatever the intent
        ("../../etc/passwd", "passwd"),
        ("/abs/path.pdf", "path.pdf"),
        ("C:\\x\\y.exe", "y.exe"),
        ("C:y.exe", "y.exe"),
        ("..\\..\\windows\\system32\\x.dll", "x.dll"),
        ("evil\x00.pdf", "evil.pdf"),
        ("line\r\nbreak.txt", "linebreak.txt"),
        ("tab\there.txt", "tabhere.txt"),
        ("bell\x07\x1b[31mred.txt", "bell[31mred.txt"),
        ("c1\x85\x9bcontrols.txt", "c1controls.txt"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("\u2066isolated\u2069.png", "isolated.png"),
        ("zero\u200bwidth.doc", "zerowidth.doc"),
        ("", "file"),
        ("...", "file"),
        (".", "file"),
        ("..", "file"),
        ("  . . ", "file"),
        ("/", "file"),
        ("dir/", "file"),
        ("\x00\x01\u202e", "file"),
        (".bashrc", "bashrc"),
        ("trailing dots...", "trailing dots"),
        ('what?"<is>|this*:.txt', "what___is__this__.txt"),
        ("many    spaces\u00a0here.txt", "many spaces here.txt"),
        ("CON.txt", "_CON.txt"),
        ("nul", "_nul"),
        ("console.txt", "console.txt"),
        ("zażółć gęślą jaźń.docx", "zażółć gęślą jaźń.docx"),
        ("e\u0301te\u0301.txt", "été.txt"),
        ("скриншот 🙂.png", "скриншот 🙂.png"),
    ],
)
def test_nasty_names(name: str, expected: str) -> None:
    assert safe_display_name(name) == expected


def test_a_long_name_is_cut_in_the_stem_keeping_the_extension() -> None:
    result = safe_display_name("a" * 300 + ".pdf")
    assert result == "a" * 196 + ".pdf"
    assert len(result) == MAX_NAME_LENGTH


def test_a_long_name_without_extension_is_cut() -> None:
    assert safe_display_name("b" * 300) == "b" * 200


def test_a_very_long_extension_is_not_treated_as_one() -> None:
    result = safe_display_name("x." + "y" * 300)
    assert result == ("x." + "y" * 300)[:200]


def test_a_long_name_does_not_end_in_a_dot_after_cutting() -> None:
    result = safe_display_name("a" * 190 + "." * 20 + "b" * 100 + ".txt")
    assert result.endswith(".txt")
    assert ".." not in result[-6:]
    assert len(result) <= MAX_NAME_LENGTH


def test_a_name_of_exactly_the_limit_is_kept() -> None:
    name = "c" * 196 + ".pdf"
    assert safe_display_name(name) == name


FORBIDDEN = {"/", "\\", "\x00"} | BIDI


def _is_control(c: str) -> bool:
    return unicodedata.category(c) in {"Cc", "Cf", "Cs", "Zl", "Zp"}


nasty_text = st.text(
    st.one_of(
        st.characters(),
        st.sampled_from(["/", "\\", ".", " ", ":", "\x00", "\r", "\n", *BIDI, "\u0301"]),
    ),
    max_size=400,
)


@given(nasty_text)
@example("../" * 100 + "x" * 500 + ".exe")
@example("\u202e" * 300)
@example("." * 300)
@example("con")
@example("a" + "\u200d\u0301" * 5)
def test_any_name_becomes_safe(name: str) -> None:
    result = safe_display_name(name)
    assert result
    assert len(result) <= MAX_NAME_LENGTH
    assert not FORBIDDEN & set(result)
    assert not any(_is_control(c) for c in result)
    assert not result.startswith(".")
    assert result == result.strip()
    result.encode("utf-8")  # would raise on a lone surrogate


@given(nasty_text)
def test_cleaning_twice_changes_nothing(name: str) -> None:
    once = safe_display_name(name)
    assert safe_display_name(once) == once
