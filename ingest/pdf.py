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
from pdfminer.layout import LTChar
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.page import ALL_ATTRS
from pdfplumber.utils.pdfinternals import resolve_all, resolve_and_decode

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
            _use_lean_chars(page)
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


#: Value types that pdfplumber's `resolve_all` hands back unchanged.
_PLAIN = frozenset([int, float, str, bool, type(None)])


def _use_lean_chars(page: pdfplumber.page.Page) -> None:
    """Make `page` turn pdfminer's characters into dicts without pdfplumber's generic per-attribute work.

    pdfplumber's `Page.process_object` resolves every attribute of every object through `resolve_all`
    and decodes the colour space name per character: about a quarter of what `extract_text` costs.
    For an `LTChar` the attributes are plain numbers, strings and a tuple of numbers, so the dict is
    built here directly: the same keys in the same order with equal values (see pdfplumber/page.py,
    `process_object`; the `matrix`, a tuple of numbers, is kept rather than copied). Anything else, or
    anything unusual about a character, takes pdfplumber's own path.
    """
    generic = page.process_object
    if page.pdf.unicode_norm is not None:
        return
    number, height, doctop = page.page_number, page.height, page.initial_doctop
    mb_x0, mb_top = page.mediabox[:2]
    colour_spaces: dict[str, Any] = {}

    def process(obj: Any) -> dict[str, Any]:
        if type(obj) is not LTChar or hasattr(obj, "scs"):
            return generic(obj)
        attr = {}
        for key, value in obj.__dict__.items():
            if key in ALL_ATTRS:
                plain = type(value) in _PLAIN or (
                    type(value) is tuple and all(type(v) in _PLAIN for v in value))
                attr[key] = value if plain else resolve_all(value)
        if not isinstance(attr.get("fontname"), str) or "y0" not in attr:
            return generic(obj)  # byte-encoded font names and odd objects: pdfplumber knows best
        attr["object_type"] = "char"
        attr["page_number"] = number
        if hasattr(obj, "ncs"):
            name = obj.ncs.name
            if name not in colour_spaces:
                colour_spaces[name] = resolve_and_decode(name)
            attr["ncs"] = colour_spaces[name]
        attr["text"] = obj.get_text()
        gs = obj.graphicstate
        attr["stroking_color"] = gs.scolor if isinstance(gs.scolor, tuple) else (gs.scolor,)
        attr["non_stroking_color"] = gs.ncolor if isinstance(gs.ncolor, tuple) else (gs.ncolor,)
        attr["top"] = (height - attr["y1"]) + mb_top
        attr["bottom"] = (height - attr["y0"]) + mb_top
        attr["doctop"] = doctop + attr["top"]
        if mb_x0 != 0:
            attr["x0"] = attr["x0"] + mb_x0
            attr["x1"] = attr["x1"] + mb_x0
        return attr

    page.process_object = process  # type: ignore[method-assign]


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
