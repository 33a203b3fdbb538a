"""Reader for text already extracted from a PDF, in the format the seed report comes in.

That format (pdfminer-style output): each printed line is followed by a blank line; a line
that begins with a space starts a new page when it follows the previous line directly, and is
a bullet item when it follows a blank line; a line holding only a space separates blocks.
Text without that rhythm (ordinary paragraphs separated by blank lines) is read the plain way.
"""

from __future__ import annotations

from pathlib import Path
from statistics import median

from ingest.errors import IngestError
from ingest.model import Line, Page, RawDocument

FORM_FEED = "\f"


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IngestError("unsupported", "text is neither UTF-8 nor Windows-1252; re-save it as UTF-8")


def _is_extracted_rhythm(raw: list[str]) -> bool:
    """True when most text lines are printed-width lines followed by a blank line (the seed's format).

    The width test keeps out plain text that has one paragraph per line between blank lines.
    """
    text_lines = [i for i, line in enumerate(raw[:-1]) if line.strip()]
    if len(text_lines) < 8 or median(len(raw[i]) for i in text_lines) > 100:
        return False
    followed_by_blank = sum(1 for i in text_lines if raw[i + 1] == "")
    return followed_by_blank / len(text_lines) > 0.7


def parse_text(content: str, source: str) -> RawDocument:
    """Lines with page numbers, bullet and paragraph-gap marks; font fields stay None."""
    raw = content.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rhythm = _is_extracted_rhythm(raw)
    pages: list[Page] = [Page(number=1)]
    blank_before = True
    separator_before = True
    previous_was_text = False
    for line in raw:
        if FORM_FEED in line:
            pages.append(Page(number=len(pages) + 1))
            line = line.replace(FORM_FEED, "")
            previous_was_text = False
        if line == "":
            blank_before = True
            if not rhythm:
                separator_before = True
            continue
        if not line.strip():
            separator_before = True
            blank_before = True
            previous_was_text = False
            continue
        leading = line.startswith((" ", "\t"))
        bullet = False
        tight = rhythm and previous_was_text and not blank_before
        if rhythm and leading:
            if tight and pages[-1].lines:
                pages.append(Page(number=len(pages) + 1))
                tight = False
            elif pages[-1].lines or len(pages) > 1:
                bullet = True
        text = line.strip()
        if text[:1] in "•\uf0b7▪●◦" and text[1:2] == " ":
            text, bullet = text[2:].strip(), True
        pages[-1].lines.append(
            Line(
                text=text,
                page=pages[-1].number,
                bullet=bullet,
                gap_before=separator_before or bullet,
                continues=tight,
            )
        )
        blank_before = separator_before = False
        previous_was_text = True
    if not any(page.lines for page in pages):
        raise IngestError("corrupt", "the text file holds no text; check that extraction worked")
    return RawDocument(source=source, kind="text", pages=pages)


def read_text(path: Path, source: str) -> RawDocument:
    data = path.read_bytes()
    if not data.strip():
        raise IngestError("corrupt", "the file is empty; nothing to add")
    if b"\x00" in data[:4096]:
        raise IngestError("unsupported", "binary content in a .txt file; give rapportkb the PDF itself")
    return parse_text(_decode(data), source)
