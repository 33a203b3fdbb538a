"""Choose a reader by file type and turn every failure into an IngestError."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import IngestError
from ingest.model import RawDocument

SUPPORTED_SUFFIXES = (".pdf", ".txt")


def read_document(path: Path, source: str | None = None) -> RawDocument:
    """Read a .pdf or .txt report; `source` is the path as the user gave it."""
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
    from ingest.pdf import read_pdf

    return read_pdf(path, source)
