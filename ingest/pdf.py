"""PDF reader on pdfplumber: pages -> printed lines with font, size, bold, bbox, paragraph gaps and bullets.

pdfplumber is the reference reader because it keeps per-character fonts and positions, which the
heading and furniture decisions downstream need. Every failure is an IngestError with a code a person
can act on; no pdfminer exception leaves this module.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from ingest.errors import IngestError
from ingest.furniture import Row, find_furniture
from ingest.layout import Word as _Word
from ingest.layout import group_rows, reading_segments
from ingest.model import Line, Page, RawDocument

METADATA_KEYS = ("Title", "Author", "Subject", "CreationDate", "ModDate")

_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demibold|demi\b|extrab|ultrab|[-,]bd\b", re.IGNORECASE)
_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
# Glyph bullets are stripped from the text; numbering ("1.", "a)") carries meaning and is kept.
# Round bullets are unambiguous even when glued to the text; dashes and stars need the space.
_SYMBOL_BULLET = re.compile(r"^(?:[\u2022\uf0b7\u25aa]\s*|[\u2013*-]\s+)(?=\S)")
_NUMBERED_BULLET = re.compile(r"^(?:\d{1,2}[.)]|[a-zåäö]\))\s+(?=\S)")

# A paragraph gap is white space this many font sizes beyond the page's usual space between lines.
_GAP_FACTOR = 0.3
# Too few lines to measure: assume common 1.2 leading, whose white space is about 0.2 of the size.
_USUAL_WHITE = 0.25

T = TypeVar("T")


def read_pdf(path: Path, source: str) -> RawDocument:
    """Read `path` into a RawDocument (kind "pdf"); raise IngestError for anything unreadable.

    Two passes: every page's words first, so that running headers and footers can be recognised by
    repetition across pages and dropped before columns, gaps and blocks are worked out.
    """
    _check_header(path)
    pdf = _pdfminer_call(path, "open", lambda: pdfplumber.open(path))
    try:
        metadata = _metadata(pdf, path)
        page_count = _pdfminer_call(path, "read", lambda: len(pdf.pages))
        if page_count == 0:
            raise IngestError("corrupt", f"{path.name} has no pages; re-export it from the source program.")
        sheets: list[_Sheet] = []
        for page in pdf.pages:
            sheets.append(_pdfminer_call(path, "read", lambda page=page: _read_sheet(page)))
            # Drop pdfplumber's per-page object cache so long reports do not grow memory.
            page.close()
        # After the pages: on a damaged file the outline lookup can leave pdfminer's page tree half-read.
        outline = _outline(pdf)
    finally:
        _close(pdf)
    furniture = find_furniture([(s.height, [_furniture_row(row) for row in s.rows]) for s in sheets])
    pages = []
    for number, (sheet, drop) in enumerate(zip(sheets, furniture, strict=True), start=1):
        words = [w for i, row in enumerate(sheet.rows) if i not in drop for w in row]
        pages.append(Page(number=number, lines=_layout_lines(words, sheet.tables, number),
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
    return RawDocument(source=source, kind="pdf", pages=pages, metadata=metadata, outline=outline)


def _close(pdf: pdfplumber.PDF) -> None:
    """Close without masking the real error: on a half-read page tree pdfplumber's close itself fails."""
    try:
        pdf.close()
    except Exception:
        pdf.stream.close()


def _outline(pdf: pdfplumber.PDF) -> list[tuple[int, str]]:
    """Bookmarks as (level, title); entries naming merged files ("62.1.pdf") are not headings.

    A broken or missing outline is common and harmless: headings then come from layout alone.
    """
    try:
        entries = list(pdf.doc.get_outlines())
    except Exception:
        return []
    outline = []
    for entry in entries:
        level, title = entry[0], entry[1]
        if not isinstance(title, str):
            continue
        title = unicodedata.normalize("NFC", " ".join(title.split()))
        if title and not title.lower().endswith(".pdf"):
            outline.append((int(level), title))
    return outline


@dataclass
class _Table:
    bbox: tuple[float, float, float, float]
    rows: list[list[str]]


@dataclass
class _Sheet:
    """One page as read in the first pass: its rows of words, ruled tables and whether it has images."""

    width: float
    height: float
    rows: list[list[_Word]]
    tables: list[_Table]
    images: int


def _read_sheet(page: Any) -> _Sheet:
    words = _page_words(page)
    tables = _page_tables(page)
    if tables:
        words = [w for w in words if not any(_inside(w, table.bbox) for table in tables)]
    return _Sheet(float(page.width), float(page.height), group_rows(words), tables, len(page.images))


def _page_tables(page: Any) -> list[_Table]:
    """Ruled tables (pdfplumber's line strategy) with at least two rows and two columns."""
    if not (page.rects or page.lines):
        return []
    tables = []
    for found in page.find_tables():
        rows = [[" ".join((cell or "").split()) for cell in row] for row in found.extract()]
        rows = [row for row in rows if any(row)]
        if len(rows) >= 2 and max(len(row) for row in rows) >= 2:
            tables.append(_Table(tuple(float(v) for v in found.bbox), rows))  # type: ignore[arg-type]
    return tables


def _inside(word: _Word, bbox: tuple[float, float, float, float]) -> bool:
    x = (word.x0 + word.x1) / 2
    y = (word.top + word.bottom) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _furniture_row(row: list[_Word]) -> Row:
    return Row(" ".join(w.text for w in row), min(w.top for w in row), max(w.bottom for w in row),
               max(w.size for w in row))


def is_bold_font(fontname: str) -> bool:
    """Whether a PDF font name names a bold weight (PDFs rarely carry a usable weight flag)."""
    return bool(_BOLD_FONT.search(fontname))


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        raise IngestError("corrupt", f"{path.name} cannot be read ({exc.strerror}); check the file.") from exc
    if not head:
        raise IngestError("corrupt", f"{path.name} is empty (0 bytes); the download or copy probably failed.")
    # The PDF spec allows junk before the header within the first 1024 bytes, and pdfminer accepts it.
    if b"%PDF-" not in head:
        raise IngestError(
            "unsupported",
            f"{path.name} is not a PDF (no %PDF- header); convert it to PDF or give its text as .txt.",
        )


def _pdfminer_call(path: Path, action: str, call: Callable[[], T]) -> T:
    """Run a pdfplumber/pdfminer call, turning any failure into an IngestError.

    Deliberately broad: on damaged files pdfminer raises not only its own exceptions but KeyError,
    TypeError, struct.error, zlib.error and more, and none of those may reach the caller raw.
    """
    try:
        return call()
    except IngestError:
        raise
    except Exception as exc:
        raise _classify(exc, path, action) from exc


def _classify(exc: Exception, path: Path, action: str) -> IngestError:
    # pdfplumber wraps pdfminer's exception as the first argument of PdfminerException.
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    if isinstance(inner, PDFPasswordIncorrect | PDFEncryptionError):
        return IngestError(
            "encrypted",
            f"{path.name} is password-protected; "
            "save an unprotected copy (e.g. `qpdf --decrypt`) and add that.",
        )
    detail = type(inner).__name__
    return IngestError(
        "corrupt",
        f"{path.name} is damaged or truncated ({detail} while trying to {action} it); "
        "get a fresh copy or repair it, e.g. with `qpdf in.pdf out.pdf`.",
    )


def _metadata(pdf: pdfplumber.PDF, path: Path) -> dict[str, str]:
    info = pdf.metadata
    encrypted = pdf.doc.encryption is not None
    metadata = {}
    for key in METADATA_KEYS:
        value = info.get(key)
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        if value is not None and str(value).strip():
            metadata[key] = str(value).strip()
    if encrypted:
        # Opened with the empty user password: readable, but worth knowing (printing/copy limits).
        metadata["Encrypted"] = "yes"
    return metadata


def _page_words(page: Any) -> list[_Word]:
    """Upright words only: rotated text is photo credits and chart labels, which read as letter soup."""
    raw = page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False, use_text_flow=False)
    return [
        _Word(
            text=w["text"], x0=float(w["x0"]), top=float(w["top"]), x1=float(w["x1"]),
            bottom=float(w["bottom"]), font=_SUBSET_PREFIX.sub("", str(w["fontname"])), size=float(w["size"]),
        )
        for w in raw
        if w.get("upright", True) and w["text"].strip()
    ]


def _layout_lines(words: list[_Word], tables: list[_Table], page_number: int) -> list[Line]:
    """Reading-order lines of one page, with each table as one "table" line where its top falls."""
    lines: list[Line] = []
    for segment in reading_segments(words):
        segment_lines = [_make_line(group, page_number) for group in group_rows(segment)]
        _mark_gaps(segment_lines)
        lines.extend(segment_lines)
    for table in sorted(tables, key=lambda t: t.bbox[1]):
        text = "\n".join(" | ".join(cell for cell in row if cell) for row in table.rows)
        line = Line(text=unicodedata.normalize("NFC", text), page=page_number, bbox=table.bbox,
                    gap_before=True, kind="table")
        # Before the first line printed below the table's top edge in reading order.
        below = (i for i, other in enumerate(lines) if other.bbox and other.bbox[1] > table.bbox[1])
        at = next(below, len(lines))
        lines.insert(at, line)
        if at + 1 < len(lines):
            lines[at + 1].gap_before = True
    return lines


def _make_line(row: list[_Word], page_number: int) -> Line:
    parts = [row[0].text]
    for prev, word in zip(row, row[1:], strict=False):
        # extract_words also splits where the font changes inside a word; no space there.
        joined = word.x0 - prev.x1 < 0.1 * min(prev.size, word.size)
        parts.append(word.text if joined else " " + word.text)
    text = unicodedata.normalize("NFC", "".join(parts))
    weights: Counter[str] = Counter()
    bold_chars = 0
    sizes: list[float] = []
    for word in row:
        weights[word.font] += len(word.text)
        bold_chars += len(word.text) if is_bold_font(word.font) else 0
        sizes.extend([word.size] * len(word.text))
    bullet = False
    symbol = _SYMBOL_BULLET.match(text)
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


def _mark_gaps(lines: list[Line]) -> None:
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
