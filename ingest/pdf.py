"""PDF reader on pdfplumber: pages -> printed lines with font, size, bold, bbox, paragraph gaps and bullets.

pdfplumber is the reference reader because it keeps per-character fonts and positions, which the
heading and furniture decisions downstream need, and it finds ruled tables. This module only opens
the file and turns each page into words and tables; everything from words on is shared with the
pdfium reader in ingest/lines.py. Every failure is an IngestError with a code a person can act on;
no pdfminer exception leaves this module.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from ingest import lines as shared
from ingest.layout import Word
from ingest.model import RawDocument

T = TypeVar("T")


def read_pdf(path: Path, source: str) -> RawDocument:
    """Read `path` into a RawDocument (kind "pdf"); raise IngestError for anything unreadable.

    Two passes: every page's words first, so that running headers and footers can be recognised by
    repetition across pages and dropped before columns, gaps and blocks are worked out.
    """
    shared.check_header(path)
    pdf = _pdfminer_call(path, "open", lambda: pdfplumber.open(path))
    try:
        metadata = _pdfminer_call(path, "read", lambda: _metadata(pdf))
        shared.check_pages(path, _pdfminer_call(path, "read", lambda: len(pdf.pages)))
        sheets: list[shared.Sheet] = []
        for page in pdf.pages:
            sheets.append(_pdfminer_call(path, "read", lambda page=page: _read_sheet(page)))
            # Drop pdfplumber's per-page object cache so long reports do not grow memory.
            page.close()
        # After the pages: on a damaged file the outline lookup can leave pdfminer's page tree half-read.
        outline = _outline(pdf)
    finally:
        _close(pdf)
    return shared.assemble_document(path, source, sheets, metadata, outline)


def _close(pdf: pdfplumber.PDF) -> None:
    """Close without masking the real error: on a half-read page tree pdfplumber's close itself fails."""
    try:
        pdf.close()
    except Exception:
        pdf.stream.close()


def _outline(pdf: pdfplumber.PDF) -> list[tuple[int, str]]:
    """Bookmarks as (level, title), level 1 at the top as pdfminer counts.

    A broken or missing outline is common and harmless: headings then come from layout alone.
    """
    try:
        entries = list(pdf.doc.get_outlines())
    except Exception:
        return []
    return shared.clean_outline((entry[0], entry[1]) for entry in entries)


def _read_sheet(page: Any) -> shared.Sheet:
    return shared.make_sheet(float(page.width), float(page.height), _page_words(page), _page_tables(page),
                      len(page.images))


def _page_tables(page: Any) -> list[shared.Table]:
    """Ruled tables (pdfplumber's line strategy) with at least two rows and two columns."""
    if not (page.rects or page.lines):
        return []
    tables = []
    for found in page.find_tables():
        rows = [[" ".join((cell or "").split()) for cell in row] for row in found.extract()]
        rows = [row for row in rows if any(row)]
        if len(rows) >= 2 and max(len(row) for row in rows) >= 2:
            tables.append(shared.Table(tuple(float(v) for v in found.bbox), rows))  # type: ignore[arg-type]
    return tables


def _pdfminer_call(path: Path, action: str, call: Callable[[], T]) -> T:
    return shared.guarded(path, action, call, _diagnose)


def _diagnose(exc: Exception) -> tuple[bool, str]:
    """(password protection?, underlying error) of a pdfplumber/pdfminer failure."""
    # pdfplumber wraps pdfminer's exception as the first argument of PdfminerException.
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    return isinstance(inner, PDFPasswordIncorrect | PDFEncryptionError), type(inner).__name__


def _metadata(pdf: pdfplumber.PDF) -> dict[str, str]:
    info = pdf.metadata
    metadata = {}
    for key in shared.METADATA_KEYS:
        value = info.get(key)
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        if value is not None and str(value).strip():
            metadata[key] = str(value).strip()
    if pdf.doc.encryption is not None:
        # Opened with the empty user password: readable, but worth knowing (printing/copy limits).
        metadata["Encrypted"] = "yes"
    return metadata


def _page_words(page: Any) -> list[Word]:
    """Upright words only: rotated text is photo credits and chart labels, which read as letter soup."""
    raw = page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False, use_text_flow=False)
    return [
        Word(
            text=w["text"], x0=float(w["x0"]), top=float(w["top"]), x1=float(w["x1"]),
            bottom=float(w["bottom"]), font=shared.SUBSET_PREFIX.sub("", str(w["fontname"])),
            size=float(w["size"]),
        )
        for w in raw
        if w.get("upright", True) and w["text"].strip()
    ]
