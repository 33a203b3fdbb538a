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
# Two columns need a vertical strip at least this wide, with no word crossing it, near the middle.
_MIN_GUTTER = 9.0
_GUTTER_ZONE = (0.25, 0.75)

T = TypeVar("T")


@dataclass
class _Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    font: str
    size: float


def read_pdf(path: Path, source: str) -> RawDocument:
    """Read `path` into a RawDocument (kind "pdf"); raise IngestError for anything unreadable."""
    _check_header(path)
    pdf = _pdfminer_call(path, "open", lambda: pdfplumber.open(path))
    with pdf:
        metadata = _metadata(pdf, path)
        page_count = _pdfminer_call(path, "read", lambda: len(pdf.pages))
        if page_count == 0:
            raise IngestError("corrupt", f"{path.name} has no pages; re-export it from the source program.")
        pages = []
        for number, page in enumerate(pdf.pages, start=1):
            words = _pdfminer_call(path, "read", lambda page=page: _page_words(page))
            pages.append(Page(number=number, lines=_layout_lines(words, number),
                              width=float(page.width), height=float(page.height)))
            # Drop pdfplumber's per-page object cache so long reports do not grow memory.
            page.close()
    if not any(page.lines for page in pages):
        raise IngestError(
            "no_text_layer",
            f"{path.name} has {len(pages)} page(s) but no extractable text (scanned?); "
            "OCR it first, e.g. `ocrmypdf -l swe in.pdf out.pdf`, and add the OCR'd file.",
        )
    return RawDocument(source=source, kind="pdf", pages=pages, metadata=metadata)


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


def _layout_lines(words: list[_Word], page_number: int) -> list[Line]:
    """Reading-order lines of one page: left column then right when a clear gutter splits the page."""
    lines: list[Line] = []
    for column in _split_columns(words):
        column_lines = [_make_line(group, page_number) for group in _group_rows(column)]
        _mark_gaps(column_lines)
        lines.extend(column_lines)
    return lines


def _split_columns(words: list[_Word]) -> list[list[_Word]]:
    """Two columns when a vertical strip near the middle is crossed by no word; else one.

    Deliberately simple (one gutter, no full-width title band): finer layout analysis lives elsewhere.
    """
    if len(words) < 20:
        return [words]
    left_edge = min(w.x0 for w in words)
    right_edge = max(w.x1 for w in words)
    span = right_edge - left_edge
    if span <= 0:
        return [words]
    lo, hi = left_edge + span * _GUTTER_ZONE[0], left_edge + span * _GUTTER_ZONE[1]
    best: tuple[float, float] | None = None
    gap_start = lo
    for x0, x1 in _merged_spans(words, lo, hi) + [(hi, hi)]:
        if x0 - gap_start >= _MIN_GUTTER and (best is None or x0 - gap_start > best[1] - best[0]):
            best = (gap_start, x0)
        gap_start = max(gap_start, x1)
    if best is None:
        return [words]
    middle = (best[0] + best[1]) / 2
    left = [w for w in words if w.x1 <= middle]
    right = [w for w in words if w.x0 >= middle]
    # A few stray words on one side (a page number, a marginal note) do not make a column.
    if min(len(left), len(right)) < 0.15 * len(words):
        return [words]
    if min(len(_group_rows(left)), len(_group_rows(right))) < 3:
        return [words]
    return [left, right]


def _merged_spans(words: list[_Word], lo: float, hi: float) -> list[tuple[float, float]]:
    """Horizontal extents of words inside [lo, hi], merged where they overlap, left to right."""
    spans = sorted((max(w.x0, lo), min(w.x1, hi)) for w in words if w.x1 > lo and w.x0 < hi)
    merged: list[tuple[float, float]] = []
    for x0, x1 in spans:
        if merged and x0 <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], x1))
        else:
            merged.append((x0, x1))
    return merged


def _group_rows(words: list[_Word]) -> list[list[_Word]]:
    """Words sharing a baseline band form a row; rows top to bottom, words left to right."""
    rows: list[list[_Word]] = []
    bands: list[tuple[float, float]] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if rows:
            top, bottom = bands[-1]
            overlap = min(bottom, word.bottom) - max(top, word.top)
            # Half the smaller height: superscripts join their line, the next line does not.
            if overlap >= 0.5 * min(bottom - top, word.bottom - word.top):
                rows[-1].append(word)
                bands[-1] = (min(top, word.top), max(bottom, word.bottom))
                continue
        rows.append([word])
        bands.append((word.top, word.bottom))
    return [sorted(row, key=lambda w: w.x0) for row in rows]


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
