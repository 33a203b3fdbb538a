"""Running headers, footers and page numbers: found by position and repetition, then dropped.

Furniture inside a paragraph ("... kopplat till Sida 3 finansiering") corrupts text, entities and
section boundaries, and no single rule finds all of it. A printed line is furniture when it sits in
the top or bottom band of its page and either

- is a bare page marker ("7", "Sida 7", "7 (12)", "- 7 -", "7/12", "Sida 7 av 12"), or ends/starts
  with a "N (M)" marker ("Stadsrevisionen, Rapportsammandrag 2 (5)"), which appears once per page
  even in a one-page document; or
- repeats on several pages once digits are masked and a leading or trailing page number dropped:
  "Stadsrevisionens årsredogörelse 2023 1" and "2 Stadsrevisionens årsredogörelse 2023" (mirrored
  footers on facing pages) are one running footer. A footer that wraps (or hyphenates) over two
  lines is two repeating lines, each caught on its own.

The module works on plain row tuples so that it can run before column detection: a full-width
footer would otherwise hide the gutter between two columns.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

#: Share of the page height, from the top and from the bottom, where running furniture lives.
BAND = 0.12
#: A masked text on at least this many pages (and this share of the text pages) is a running line;
#: in a short document (up to SHORT_DOCUMENT pages) two pages are enough.
MIN_PAGES = 3
MIN_SHARE = 0.1
SHORT_DOCUMENT = 5
#: Glyphs this small are invisible marks (signature stamps, tagging artefacts), never body text.
MIN_VISIBLE_SIZE = 3.0

_PAGE_MARKER = re.compile(
    r"^(?:(?:sida|s\.|page)\s*)?[-–]?\s*\d{1,3}\s*[-–]?(?:\s*(?:\(\s*\d{1,3}\s*\)|/\s*\d{1,3}|av\s+\d{1,3}))?$",
    re.IGNORECASE,
)
_N_OF_M = re.compile(r"(?:^\d{1,4}\s*\(\d{1,4}\)\s+\S|\S\s+\d{1,4}\s*\(\d{1,4}\)$)")
_DIGITS = re.compile(r"\d+")
_NUMBER_TOKEN = re.compile(r"^(?:#|\(#\)|#/#|[-–]#[-–])$")


@dataclass(frozen=True)
class Row:
    """One printed row of a page as the furniture finder sees it: text and vertical extent in points."""

    text: str
    top: float
    bottom: float
    size: float = 10.0


def running_key(text: str) -> str:
    """Text with numbers dropped: equal keys on many pages mean furniture.

    All number tokens go, not only the page number, because a year beside the page number
    ("årsredogörelse 2023 4" / "5 ... årsredogörelse 2023") cannot be told from it.
    """
    tokens = _DIGITS.sub("#", text.lower()).split()
    kept = [token for token in tokens if not _NUMBER_TOKEN.match(token)]
    return " ".join(kept) if kept else " ".join(tokens)


def is_page_marker(text: str) -> bool:
    """A line that is only a page number in one of the usual Swedish forms, or carries "N (M)"."""
    text = " ".join(text.split())
    return bool(_PAGE_MARKER.match(text) or _N_OF_M.search(text))


def find_furniture(pages: list[tuple[float, list[Row]]]) -> list[set[int]]:
    """Per page (height, rows), the indices of rows that are running headers, footers or page numbers."""
    candidates: list[list[int]] = []
    pages_with_key: dict[tuple[str, str], set[int]] = defaultdict(set)
    for number, (height, rows) in enumerate(pages):
        inside = [i for i, row in enumerate(rows) if _band(row, height) is not None]
        candidates.append(inside)
        for i in inside:
            pages_with_key[(_band(rows[i], height) or "", running_key(rows[i].text))].add(number)
    # Photo pages that carry only a page number do not count: they cannot carry a running header.
    text_pages = sum(1 for _, rows in pages if any(not is_page_marker(row.text) for row in rows))
    needed = 2 if text_pages <= SHORT_DOCUMENT else max(MIN_PAGES, MIN_SHARE * text_pages)
    found: list[set[int]] = []
    for number, (height, rows) in enumerate(pages):
        drop = {i for i, row in enumerate(rows) if row.size < MIN_VISIBLE_SIZE}
        for i in candidates[number]:
            row = rows[i]
            key = (_band(row, height) or "", running_key(row.text))
            if is_page_marker(row.text) or (text_pages > 1 and len(pages_with_key[key]) >= needed):
                drop.add(i)
        found.append(drop)
    return found


def _band(row: Row, height: float) -> str | None:
    if height <= 0:
        return None
    if row.bottom <= height * BAND:
        return "top"
    if row.top >= height * (1 - BAND):
        return "bottom"
    return None
