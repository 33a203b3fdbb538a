"""Choose a reader by file type and turn every failure into an IngestError."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import IngestError
from ingest.model import RawDocument

SUPPORTED_SUFFIXES = (".pdf", ".txt")
#: PDF readers: pdfplumber is the reference; pdfium gives the same lines many times faster.
READERS = ("pdfplumber", "pdfium")


def read_document(path: Path, source: str | None = None, *, reader: str = "pdfplumber") -> RawDocument:
    """Read a .pdf or .txt report; `source` is the path as the user gave it, `reader` one of READERS."""
    if reader not in READERS:
        raise ValueError(f"unknown PDF reader {reader!r}; choose one of {', '.join(READERS)}")
    source = source if source is not None else str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError("unsupported", f"{suffix or 'no suffix'}: rapportkb reads .pdf and .txt files")
    try:
        if path.stat().st_size == 0:
            raise IngestError("corrupt", "the file is empty (0 bytes); re-download or re-export it")
    except OSError as exc:
        raise IngestError("unsupported", f"cannot read the file: {exc.strerror}") from exc
    if suffix == ".txt":
        from ingest.text import read_text

        return read_text(path, source)
    if reader == "pdfium":
        from ingest.pdfium import read_pdfium

        return read_pdfium(path, source)
    from ingest.pdf import read_pdf

    return read_pdf(path, source)
