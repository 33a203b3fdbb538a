"""The first-character guard (nlp/firstchar.py) must never change what a pattern finds."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nlp.dates
import nlp.quantities
from nlp.firstchar import first_char_class, guarded

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bab|cd", "[ac]"),
        (r"(?<!\w)(?:x\s+)?y", "[xy]"),  # an optional word: its first letter or what follows
        (r"(?:19|20)\d\d", "[12]"),
        (r"[0-3]\d|x", "[0-3x]"),
        (r"(?=a)b", "[b]"),  # a lookahead consumes nothing: the guard follows what does
        (r"\d+-tal", r"[\d]"),
    ],
)
def test_first_characters_of_a_pattern(pattern: str, expected: str) -> None:
    assert first_char_class(pattern) == expected


@pytest.mark.parametrize("pattern", [r"a?", r"(?:a|)b?", r"[^a]b", r".a", r"(?i:a)b"])
def test_no_guard_where_the_first_character_is_not_known(pattern: str) -> None:
    """Empty matches, negated classes, any character and scoped flags: compiled as they are."""
    assert first_char_class(pattern) is None
    assert guarded(pattern).pattern == pattern


@lru_cache(maxsize=1)
def _pairs() -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
    """(guarded, plain) for every pattern of the date and quantity grammars."""
    q = nlp.quantities
    patterns = [rx for rx, _build in nlp.dates._COMPILED] + [q._COUNT, q._ROUND, q._MONEY, q._COUNT_RANGE]
    return [(rx, _unguarded(rx)) for rx in patterns]


_GUARD = re.compile(r"\(\?=\[(?:\\.|[^\]\\])*\]\)")


def _unguarded(rx: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern without the guard `guarded` put in front of it."""
    guard = _GUARD.match(rx.pattern)
    assert guard is not None  # every grammar pattern has a guard
    plain = rx.pattern[guard.end() :]
    assert guarded(plain, rx.flags).pattern == rx.pattern
    return re.compile(plain, rx.flags)


def _spans(rx: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in rx.finditer(text)]


def test_guarded_grammar_patterns_find_what_the_plain_ones_find() -> None:
    texts = [line for line in (CORPUS / "seed.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    for path in sorted((CORPUS / "expressions").glob("*.jsonl")):
        texts += [json.loads(line)["sentence"] for line in path.read_text(encoding="utf-8").splitlines()]
    texts += [text.upper() for text in texts[:200]]
    found = 0
    for rx, plain in _pairs():
        for text in texts:
            spans = _spans(rx, text)
            assert spans == _spans(plain, text), (rx.pattern[:80], text)
            found += len(spans)
    assert found > 1000


_ALPHABET = "0123456789 -–/.:,$€kKrRåÅäöÖiIıſsSvVjJaAnNuUmMeEtTdDhHQqlL\u00a0\n"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_guarded_patterns_agree_on_any_text(text: str) -> None:
    for rx, plain in _pairs():
        assert _spans(rx, text) == _spans(plain, text)
