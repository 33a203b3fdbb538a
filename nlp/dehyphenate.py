"""Decide every hyphen at a line end: join the word, keep a real hyphen, or keep a suspended compound.

Evidence, strongest first: the kind of characters on each side (digits, acronyms, single
letters), the coordinating word after a suspended compound (`Norr- och Västerbotten`), the
document's own vocabulary (does the joined or the hyphenated form occur elsewhere), and Swedish
word frequencies. Issue 4 adds a learned classifier where these disagree; the interface
(`decide`, `HyphenBreak`) stays.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from wordfreq import zipf_frequency

JOIN, KEEP, SUSPENDED = "join", "keep", "suspended"
HYPHENS = "-\u2010\u2011"
SOFT_HYPHEN = "\u00ad"
#: Words that coordinate the second part of a suspended compound. Not `men`: a line-end `-` before
#: `men` is almost always an ordinary break (`förvaringsutrym- men`).
COORDINATORS = frozenset({"och", "eller", "samt", "respektive", "resp.", "resp", "liksom", "till", "&"})
_WORD = re.compile(r"[\w\u00ad]+(?:[-\u2010\u2011][\w\u00ad]+)*[-\u2010\u2011\u00ad]?$")
_NEXT = re.compile(r"^[\w&]+\.?")


@dataclass(frozen=True)
class HyphenBreak:
    """One line-end hyphen and what was done with it; `reason` explains the decision for debugging."""

    left: str
    right: str
    decision: str
    reason: str
    page: int


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    return zipf_frequency(word.lower(), "sv")


def decide(left: str, right: str, vocabulary: Counter[str] | None = None) -> tuple[str, str]:
    """(decision, reason) for `left` ending in a hyphen at a line end and `right` opening the next line.

    `left` is the last word of the line including its hyphen; `right` the first word of the next.
    """
    stem = left.rstrip(HYPHENS + SOFT_HYPHEN)
    if left.endswith(SOFT_HYPHEN):
        return JOIN, "soft hyphen"
    if not stem or not right:
        return KEEP, "nothing to join"
    head = stem.split("-")[-1]
    vocabulary = vocabulary or Counter()
    if right.lower().rstrip(".") in COORDINATORS and _zipf(stem + right) < 3:
        return SUSPENDED, f"coordinator {right!r} follows"
    if stem[-1].isdigit() or right[0].isdigit():
        return KEEP, "digit next to the hyphen"
    if len(head) >= 2 and head.isupper() and not right.isupper():
        return KEEP, f"acronym {head!r}"
    if len(head) == 1:
        return KEEP, f"single letter {head!r}"
    if right[0].isupper() and not (head.isupper() and right.isupper()):
        return KEEP, "capital after the hyphen"
    joined, hyphenated = stem + right, f"{stem}-{right}"
    if vocabulary[joined.lower()] > vocabulary[hyphenated.lower()]:
        return JOIN, "joined form occurs in the document"
    if vocabulary[hyphenated.lower()] > vocabulary[joined.lower()]:
        return KEEP, "hyphenated form occurs in the document"
    return JOIN, "ordinary line-end hyphenation"


def document_vocabulary(lines: list[str]) -> Counter[str]:
    """Lower-cased word forms, hyphenated ones included, for the vocabulary evidence in `decide`."""
    counts: Counter[str] = Counter()
    for line in lines:
        counts.update(word.lower() for word in re.findall(r"\w+(?:-\w+)*", line))
    return counts


def last_word(line: str) -> str:
    match = _WORD.search(line.rstrip())
    return match.group(0) if match else ""


def first_word(line: str) -> str:
    match = _NEXT.search(line.lstrip())
    return match.group(0) if match else ""


def ends_with_hyphen(line: str) -> bool:
    text = line.rstrip()
    return bool(text) and text[-1] in HYPHENS + SOFT_HYPHEN and len(text) > 1 and text[-2].isalnum()


def join_lines(lines: list[tuple[str, int]], vocabulary: Counter[str]) -> tuple[str, list[HyphenBreak]]:
    """Join the (text, page) lines of one block into running text, deciding each line-end hyphen."""
    parts: list[str] = []
    breaks: list[HyphenBreak] = []
    for index, (text, page) in enumerate(lines):
        text = text.strip()
        if index + 1 < len(lines) and ends_with_hyphen(text):
            following = lines[index + 1][0]
            decision, reason = decide(last_word(text), first_word(following), vocabulary)
            breaks.append(HyphenBreak(last_word(text), first_word(following), decision, reason, page))
            if decision == JOIN:
                parts.append(text.rstrip(HYPHENS + SOFT_HYPHEN))
            elif decision == KEEP:
                parts.append(text.rstrip(SOFT_HYPHEN))
            else:
                parts.append(text + " ")
            continue
        parts.append(text + (" " if index + 1 < len(lines) else ""))
    return "".join(parts).replace(SOFT_HYPHEN, ""), breaks
