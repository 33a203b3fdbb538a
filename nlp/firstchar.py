"""Compile a scanning regex with a one-character guard in front, so that `finditer` skips fast.

Python's `re` tries the whole pattern at every position of the text. For the grammars here (dates,
counts, money), whose patterns open with optional words and long alternations, that is most of their
cost. A match can only begin with one of a few characters (`[0-9jfmasond]`, say); a lookahead on that
set, put in front, rejects the other positions at once. The guard is computed from the parsed pattern,
so it holds every character a match can begin with, and adding it changes no match.
"""

from __future__ import annotations

import re
from re import _constants as C  # noqa: N812
from re import _parser

_CATEGORIES = {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_WORD: r"\w", C.CATEGORY_SPACE: r"\s"}


class _Unknown(Exception):
    """A construct whose first characters this module does not work out: compile without a guard."""


def _first(items: list) -> tuple[set[str], bool]:
    """(pieces of a character class for the first character consumed, whether nothing may be consumed)."""
    found: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            return found | {re.escape(chr(av))}, False
        if op is C.IN:
            return found | _class(av), False
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            continue  # zero width: the next item consumes the first character
        if op is C.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if add_flags or del_flags:
                raise _Unknown
            first, empty = _first(list(sub))
        elif op is C.BRANCH:
            first, empty = set(), False
            for alternative in av[1]:
                alt_first, alt_empty = _first(list(alternative))
                first |= alt_first
                empty = empty or alt_empty
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            low, _high, sub = av
            first, empty = _first(list(sub))
            empty = empty or low == 0
        else:
            raise _Unknown
        found |= first
        if not empty:
            return found, False
    return found, True


def _class(items: list) -> set[str]:
    out = set()
    for op, av in items:
        if op is C.LITERAL:
            out.add(re.escape(chr(av)))
        elif op is C.RANGE:
            out.add(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is C.CATEGORY and av in _CATEGORIES:
            out.add(_CATEGORIES[av])
        else:
            raise _Unknown  # negated classes and the like
    return out


def first_char_class(pattern: str, flags: int = 0) -> str | None:
    """A character class matching every character a match of `pattern` can begin with, or None when
    a match may be empty or the pattern holds something this module does not follow."""
    try:
        first, empty = _first(list(_parser.parse(pattern, flags)))
    except _Unknown:
        return None
    if empty or not first:
        return None
    return "[" + "".join(sorted(first)) + "]"


def guarded(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)` with a lookahead on the possible first characters in front.

    The lookahead is compiled under the same flags, so with re.IGNORECASE it accepts whatever case
    the pattern itself accepts.
    """
    first = first_char_class(pattern, flags)
    return re.compile(pattern if first is None else f"(?={first}){pattern}", flags)
