"""One report file through every stage: read, structure, tag, and build its records."""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from spacy.language import Language

from ingest import IngestError, RawDocument, read_document
from nlp.dehyphenate import DECISIONS as HYPHEN_DECISIONS
from nlp.pipeline import tag_texts
from nlp.sections import Structure, segment
from rapportkb import __version__
from rapportkb.records import document_record, section_record
from rapportkb.report import infer_period, infer_publisher, infer_report_date

#: Frequent Swedish function words; a long text with almost none of them is not Swedish.
_SWEDISH_MARKERS = frozenset(
    ["och", "att", "det", "som", "en", "på", "är", "för", "med", "av", "till", "den", "har", "i", "inte"]
    + ["om", "ett", "var", "de", "vi", "kan", "ska", "under", "från", "också"]
)  # fmt: skip
_MIN_WORDS_FOR_LANGUAGE_CHECK = 150
DEFAULT_READER = "pdfplumber"
#: Characters of section text handed to the tagger at once. One call per document made the NER model's
#: batch (and its arrays) grow with the document, which made a 100-page report cost a third more per
#: page than a 10-page one; bounded chunks keep the cost per page flat.


@dataclass
class Processed:
    """Everything one file contributes to the knowledge base."""

    document: dict[str, Any]
    sections: list[dict[str, Any]] = field(default_factory=list)


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pipeline_version() -> str:
    """Decides whether a recorded file is current; read at call time so tests can bump it."""
    return __version__


def pipeline_info(tagger: Language, reader: str = DEFAULT_READER) -> dict[str, str]:
    name = tagger.meta.get("name", "rapportkb_sv")
    return {
        "version": pipeline_version(),
        "model": f"{name}@{tagger.meta.get('version', __version__)}",
        "reader": reader,
    }


class DocumentTimeout(BaseException):
    """Raised into a document's work when its time is up.

    A BaseException, so the readers' deliberately broad `except Exception` cannot swallow it.
    """


def check_swedish(document: RawDocument) -> None:
    words = re.findall(r"[a-zåäö]+", " ".join(line.text for line in document.lines).lower())
    if len(words) < _MIN_WORDS_FOR_LANGUAGE_CHECK:
        return
    share = sum(word in _SWEDISH_MARKERS for word in words) / len(words)
    if share < 0.04:
        raise IngestError(
            "not_swedish",
            f"only {share:.1%} of the words are common Swedish words; rapportkb reads Swedish reports",
        )


def _report_fields(
    structure: Structure, document: RawDocument, when: date | None, publisher: str | None
) -> dict:
    title = structure.title or document.metadata.get("Title") or None
    first_page = " ".join(line.text for line in document.pages[0].lines) if document.pages else ""
    period = infer_period([title or "", first_page], when)
    return {
        "title": title,
        "publisher": publisher,
        "date": when.isoformat() if when else None,
        "period": period.to_dict() if period else None,
    }


def process_file(
    path: Path,
    source: str,
    tagger: Language,
    report_date: date | None = None,
    reader: str = DEFAULT_READER,
    max_pages: int | None = None,
    explain_hyphens: bool = False,
) -> Processed:
    """Records for one file; any failure becomes an error record with a code, never an exception."""
    started = time.perf_counter()
    try:
        return process_document(path, source, tagger, report_date, reader, max_pages, explain_hyphens)
    except DocumentTimeout:
        seconds = time.perf_counter() - started
        error = {
            "code": "timeout",
            "message": f"processing took longer than the time limit ({seconds:.0f} s); add it alone with a "
            "larger --timeout, or split the PDF",
        }
    except MemoryError:
        error = _too_much_memory()
    except Exception as exc:  # a bug must cost one file, not the batch
        error = {
            "code": "unsupported",
            "message": f"rapportkb failed on this file ({type(exc).__name__}: {exc}); please report it",
        }
    return error_result(path, source, error, pipeline_info(tagger, reader), time.perf_counter() - started)


def error_result(
    path: Path, source: str, error: dict[str, str], info: dict[str, str], seconds: float = 0.0
) -> Processed:
    """The error record of a file, with its doc_id when the file can still be read."""
    try:
        doc_id = file_digest(path)
    except OSError:
        doc_id = ""
    return Processed(document_record(doc_id, source, info, status="error", error=error, seconds=seconds))


def _too_much_memory() -> dict[str, str]:
    return {
        "code": "too_large",
        "message": "the file needs more memory than the limit allows; add it alone with a larger "
        "--max-memory, or split the PDF",
    }


def _caused_by_memory(exc: BaseException) -> bool:
    # Readers wrap every low-level failure, MemoryError included, in an IngestError("corrupt").
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, MemoryError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _pdf_page_count(path: Path) -> int | None:
    """Pages of a PDF from its page tree alone (pdfium, milliseconds); None if pdfium cannot tell."""
    try:
        import pypdfium2

        pdf = pypdfium2.PdfDocument(str(path))
    except Exception:  # the reader proper reports what is wrong with the file
        return None
    try:
        return len(pdf)
    finally:
        pdf.close()


def _too_many_pages(pages: int, max_pages: int) -> IngestError:
    return IngestError(
        "too_large",
        f"{pages} pages is more than the limit of {max_pages}; raise --max-pages or split the PDF",
    )


def _read(path: Path, source: str, reader: str, max_pages: int | None) -> RawDocument:
    if max_pages is not None and path.suffix.lower() == ".pdf":
        pages = _pdf_page_count(path)
        if pages is not None and pages > max_pages:
            raise _too_many_pages(pages, max_pages)
    try:
        document = read_document(path, source, reader=reader)
    except IngestError as exc:
        if _caused_by_memory(exc):
            raise MemoryError from exc
        raise
    if max_pages is not None and len(document.pages) > max_pages:
        raise _too_many_pages(len(document.pages), max_pages)
    return document


def process_document(
    path: Path,
    source: str,
    tagger: Language,
    report_date: date | None = None,
    reader: str = DEFAULT_READER,
    max_pages: int | None = None,
    explain_hyphens: bool = False,
) -> Processed:
    """Like `process_file`, but a bug raises: the fuzz tests call this to see every uncaught exception."""
    started = time.perf_counter()
    info = pipeline_info(tagger, reader)
    try:
        doc_id = file_digest(path)
    except OSError as exc:
        error = {"code": "unsupported", "message": f"cannot read the file: {exc.strerror}"}
        return Processed(document_record("", source, info, status="error", error=error))
    try:
        document = _read(path, source, reader, max_pages)
        check_swedish(document)
    except IngestError as exc:
        error = {"code": exc.code, "message": exc.message}
        seconds = time.perf_counter() - started
        return Processed(document_record(doc_id, source, info, status="error", error=error, seconds=seconds))

    structure = segment(document)
    when = infer_report_date(document, report_date)
    texts: list[str] = []
    for section in structure.sections:
        texts += [section.heading, section.text]
    tagged = list(tag_texts(tagger, texts, when.value))
    mentions = [mention for found in tagged for mention in found]
    publisher, publisher_source = infer_publisher(document, mentions)
    report = _report_fields(structure, document, when.value, publisher)

    sections = [
        section_record(doc_id, index, source, report, section, tagged[2 * index], tagged[2 * index + 1])
        for index, section in enumerate(structure.sections)
    ]
    hyphens = Counter(brk.decision for brk in structure.hyphen_breaks)
    extra = {
        "report_date_source": when.source,
        "publisher_source": publisher_source,
        "hyphens": {key: hyphens.get(key, 0) for key in HYPHEN_DECISIONS},
        "entities": sum(len(record["entities"]) for record in sections),
    }
    if explain_hyphens:
        extra["hyphen_decisions"] = [asdict(brk) for brk in structure.hyphen_breaks]
    record = document_record(
        doc_id,
        source,
        info,
        pages=len(document.pages),
        sections=len(sections),
        report=report,
        seconds=time.perf_counter() - started,
        extra=extra,
    )
    return Processed(record, sections)
