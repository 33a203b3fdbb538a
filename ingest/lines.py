"""From positioned words to a RawDocument: the half of PDF reading that does not depend on the PDF library.

Both PDF readers (pdfplumber in ingest/pdf.py, pypdfium2 in ingest/pdfium.py) only open the file
and turn each page into a `Sheet` (its words, ruled tables and image count); the header check, the
mapping of library failures to error codes, furniture removal, reading order, line text, font,
bold, paragraph gaps, bullets and bookmark cleaning are decided here, once, so that `--reader`
changes speed and never the knowledge base or the error a person sees.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ingest.errors import IngestError
from ingest.furniture import Row, find_furniture
from ingest.layout import Word, group_rows, reading_segments
from ingest.model import Line, Page, RawDocument

METADATA_KEYS = ("Title", "Author", "Subject", "CreationDate", "ModDate")

_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demibold|demi\b|extrab|ultrab|[-,]bd\b", re.IGNORECASE)
SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
# Glyph bullets are stripped from the text; numbering ("1.", "a)") carries meaning and is kept.
# Round bullets are unambiguous even when glued to the text; dashes and stars need the space.
_SYMBOL_BULLET = re.compile(r"^(?:[\u2022\uf0b7\u25aa]\s*|[\u2013*-]\s+)(?=\S)")
_NUMBERED_BULLET = re.compile(r"^(?:\d{1,2}[.)]|[a-zåäö]\))\s+(?=\S)")
# pdfminer writes a glyph its font cannot map to Unicode as "(cid:NNN)": never text a person wants.
_CID = re.compile(r"\(cid:\d+\)")
# An unmappable glyph opening a line before a space or a capital is a bullet symbol (Symbol/Dingbats
# bullets in built-in fonts); before a lower-case letter it is more likely a lost ligature ("ﬁ").
_CID_BULLET = re.compile(r"^\s*\(cid:\d+\)(?:\s+|(?=[^\s\W_a-zåäö]))(?=\S)")

# A paragraph gap is white space this many font sizes beyond the page's usual space between lines.
_GAP_FACTOR = 0.3
# Too few lines to measure: assume common 1.2 leading, whose white space is about 0.2 of the size.
_USUAL_WHITE = 0.25

T = TypeVar("T")


def check_header(path: Path) -> None:
    """Fail early, with the code a person can act on, for files no PDF library should be handed."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        raise IngestError("corrupt", f"{path.name} cannot be read ({exc.strerror}); check the file.") from exc
    if not head:
        raise IngestError("corrupt", f"{path.name} is empty (0 bytes); the download or copy probably failed.")
    # The PDF spec allows junk before the header within the first 1024 bytes, and both libraries accept it.
    if b"%PDF-" not in head:
        raise IngestError(
            "unsupported",
            f"{path.name} is not a PDF (no %PDF- header); convert it to PDF or give its text as .txt.",
        )


def check_pages(path: Path, count: int) -> None:
    """A PDF without pages opens fine in both libraries but holds nothing to read."""
    if count == 0:
        raise IngestError("corrupt", f"{path.name} has no pages; re-export it from the source program.")


def guarded(path: Path, action: str, call: Callable[[], T],
            diagnose: Callable[[Exception], tuple[bool, str]]) -> T:
    """Run a PDF-library call, turning any failure into an "encrypted" or "corrupt" IngestError.

    Deliberately broad: on damaged files the libraries raise not only their own exceptions but
    KeyError, TypeError, struct.error, zlib.error and more, and none of those may reach the caller
    raw. `diagnose` is the library's part: (password protection?, name of the underlying error).
    """
    try:
        return call()
    except IngestError:
        raise
    except Exception as exc:
        encrypted, detail = diagnose(exc)
        if encrypted:
            raise IngestError(
                "encrypted",
                f"{path.name} is password-protected; "
                "save an unprotected copy (e.g. `qpdf --decrypt`) and add that.",
            ) from exc
        raise IngestError(
            "corrupt",
            f"{path.name} is damaged or truncated ({detail} while trying to {action} it); "
            "get a fresh copy or repair it, e.g. with `qpdf in.pdf out.pdf`.",
        ) from exc


@dataclass
class Table:
    bbox: tuple[float, float, float, float]
    rows: list[list[str]]


@dataclass
class Sheet:
    """One page as a reader sees it in the first pass: rows of words, ruled tables, number of images."""

    width: float
    height: float
    rows: list[list[Word]]
    tables: list[Table] = field(default_factory=list)
    images: int = 0


def make_sheet(width: float, height: float, words: list[Word], tables: list[Table] | None = None,
               images: int = 0) -> Sheet:
    """A Sheet from a page's upright words; words inside a table belong to the table, not the text."""
    tables = tables or []
    if tables:
        words = [w for w in words if not any(_inside(w, table.bbox) for table in tables)]
    return Sheet(width, height, group_rows(words), tables, images)


def assemble_document(path: Path, source: str, sheets: list[Sheet], metadata: dict[str, str],
                      outline: list[tuple[int, str]] | None = None) -> RawDocument:
    """Drop running headers and footers across all pages, then lay out each page's lines."""
    furniture = find_furniture([(s.height, [_furniture_row(row) for row in s.rows]) for s in sheets])
    pages = []
    for number, (sheet, drop) in enumerate(zip(sheets, furniture, strict=True), start=1):
        words = [w for i, row in enumerate(sheet.rows) if i not in drop for w in row]
        pages.append(Page(number=number, lines=layout_lines(words, sheet.tables, number),
                          width=sheet.width, height=sheet.height))
    if not any(page.lines for page in pages):
        raise IngestError(
            "no_text_layer",
            f"{path.name} has {len(pages)} page(s) but no extractable text (scanned?); "
            "OCR it first, e.g. `ocrmypdf -l swe in.pdf out.pdf`, and add the OCR'd file.",
        )
    pictures = [str(p.number) for s, p in zip(sheets, pages, strict=True) if s.images and not p.lines]
    if pictures:
        # Photo-only pages are normal in municipal reports (covers, spreads); noted, not an error.
        metadata["PhotoPages"] = ",".join(pictures)
    return RawDocument(source=source, kind="pdf", pages=pages, metadata=metadata, outline=outline or [])


def clean_outline(entries: Iterable[tuple[int, Any]]) -> list[tuple[int, str]]:
    """Bookmarks as (level, title), level 1 at the top, without entries naming merged files ("62.1.pdf")."""
    outline = []
    for level, title in entries:
        if not isinstance(title, str):
            continue
        title = unicodedata.normalize("NFC", " ".join(title.split()))
        if title and not title.lower().endswith(".pdf"):
            outline.append((int(level), title))
    return outline


def is_bold_font(fontname: str) -> bool:
    """Whether a PDF font name names a bold weight (PDFs rarely carry a usable weight flag)."""
    return bool(_BOLD_FONT.search(fontname))


def layout_lines(words: list[Word], tables: list[Table], page_number: int) -> list[Line]:
    """Reading-order lines of one page, with each table as one "table" line where its top falls."""
    lines: list[Line] = []
    for segment in reading_segments(words):
        segment_lines = [make_line(group, page_number) for group in group_rows(segment)]
        mark_gaps(segment_lines)
        lines.extend(segment_lines)
    for table in sorted(tables, key=lambda t: t.bbox[1]):
        text = "\n".join(" | ".join(cell for cell in row if cell) for row in table.rows)
        line = Line(text=unicodedata.normalize("NFC", text), page=page_number, bbox=table.bbox,
                    gap_before=True, kind="table")
        # Before the first line, in reading order, printed below the table's top edge in the table's
        # own column: a table in the right column must not land inside the left one, which is read
        # first and runs further down the page.
        at = next((i for i, other in enumerate(lines) if _below_in_column(other, table.bbox)), len(lines))
        lines.insert(at, line)
        if at + 1 < len(lines):
            # Text after a table starts a new paragraph even when the table sits tight above it.
            lines[at + 1].gap_before = True
    return lines


def _below_in_column(line: Line, bbox: tuple[float, float, float, float]) -> bool:
    if line.bbox is None:
        return False
    x0, top, x1, _ = line.bbox
    return top > bbox[1] and x0 < bbox[2] and x1 > bbox[0]


def make_line(row: list[Word], page_number: int) -> Line:
    """One Line from a row of words: majority font, median size, bold by character majority, bullet."""
    parts = [row[0].text]
    for prev, word in zip(row, row[1:], strict=False):
        # Words also split where the font changes inside a word; no space there.
        joined = word.x0 - prev.x1 < 0.1 * min(prev.size, word.size)
        parts.append(word.text if joined else " " + word.text)
    text, cid_bullet = strip_cids(unicodedata.normalize("NFC", "".join(parts)))
    weights: Counter[str] = Counter()
    bold_chars = 0
    sizes: list[float] = []
    for word in row:
        weights[word.font] += len(word.text)
        bold_chars += len(word.text) if is_bold_font(word.font) else 0
        sizes.extend([word.size] * len(word.text))
    bullet = cid_bullet
    symbol = None if bullet else _SYMBOL_BULLET.match(text)
    if symbol:
        text, bullet = text[symbol.end():], True
    elif _NUMBERED_BULLET.match(text):
        bullet = True
    return Line(
        text=text,
        page=page_number,
        font=weights.most_common(1)[0][0],
        size=round(statistics.median(sizes), 2),
        bold=bold_chars * 2 > len(sizes),
        bbox=(
            round(min(w.x0 for w in row), 2), round(min(w.top for w in row), 2),
            round(max(w.x1 for w in row), 2), round(max(w.bottom for w in row), 2),
        ),
        bullet=bullet,
    )


def strip_cids(text: str) -> tuple[str, bool]:
    """Text without "(cid:NNN)" glyph codes, and whether a leading one stood for a bullet.

    The code of an unmapped glyph says nothing about the character, so it is dropped; inside a word
    it closes up, between words it leaves one space.
    """
    if "(cid:" not in text:
        return text, False
    bullet = _CID_BULLET.match(text)
    if bullet:
        text = text[bullet.end():]
    text = _CID.sub("", text)
    return " ".join(text.split()), bool(bullet)


def mark_gaps(lines: list[Line]) -> None:
    """Set gap_before where the white space above a line clearly exceeds the column's usual spacing.

    The first line of a column gets no gap: it may continue a paragraph from the previous page.
    """
    gaps = [_white_space(prev, line) for prev, line in zip(lines, lines[1:], strict=False)]
    # Lower quartile, not median: on a page of short paragraphs most gaps are paragraph gaps.
    typical = sorted(gaps)[len(gaps) // 4] if len(gaps) >= 3 else None
    for line, gap in zip(lines[1:], gaps, strict=False):
        size = line.size or 10.0
        usual = typical if typical is not None else _USUAL_WHITE * size
        line.gap_before = gap > usual + _GAP_FACTOR * size


def _white_space(above: Line, below: Line) -> float:
    assert above.bbox is not None and below.bbox is not None
    return below.bbox[1] - above.bbox[3]


def _inside(word: Word, bbox: tuple[float, float, float, float]) -> bool:
    x = (word.x0 + word.x1) / 2
    y = (word.top + word.bottom) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _furniture_row(row: list[Word]) -> Row:
    return Row(" ".join(w.text for w in row), min(w.top for w in row), max(w.bottom for w in row),
               max(w.size for w in row))
