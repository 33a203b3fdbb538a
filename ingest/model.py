"""Plain data passed from ingest to nlp: a document is pages of lines, in reading order."""

from __future__ import annotations

from dataclasses import dataclass, field

BBox = tuple[float, float, float, float]


@dataclass
class Line:
    """One printed line. Font fields are None for plain-text input, where layout is unknown.

    `gap_before` marks a paragraph break before the line (a blank line in text input, extra
    vertical space in a PDF); `bullet` marks a line that starts a bullet item (the bullet glyph
    itself is stripped from `text`); `continues` marks a line the reader knows belongs to the same
    block as the one before (a wrapped title in one text box), whatever its length. `kind` is "text",
    or "table" for a whole table (cells joined by " | ", rows by newlines) kept out of paragraph text.
    """

    text: str
    page: int
    font: str | None = None
    size: float | None = None
    bold: bool = False
    bbox: BBox | None = None
    bullet: bool = False
    gap_before: bool = False
    continues: bool = False
    kind: str = "text"


@dataclass
class Page:
    number: int
    lines: list[Line] = field(default_factory=list)
    width: float | None = None
    height: float | None = None


@dataclass
class RawDocument:
    """What a reader returns: `kind` is "pdf" or "text"; `metadata` holds PDF info (Title, Author, dates).

    `outline` is the PDF's bookmark tree flattened to (level, title), level 1 at the top; empty when
    the file has none.
    """

    source: str
    kind: str
    pages: list[Page]
    metadata: dict[str, str] = field(default_factory=dict)
    outline: list[tuple[int, str]] = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return [line for page in self.pages for line in page.lines]
