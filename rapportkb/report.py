"""Report-level metadata: title, publisher, issue date and period, with where each came from."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from ingest.model import RawDocument
from nlp.mention import Mention

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "jan"),
            ("februari", "feb"),
            ("mars", "mar"),
            ("april", "apr"),
            ("maj",),
            ("juni", "jun"),
            ("juli", "jul"),
            ("augusti", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"\b(20\d\d|19\d\d)-(\d\d)-(\d\d)\b")
_WRITTEN = re.compile(r"\b(\d{1,2})\s+([a-zåäö]+)\.?\s+(20\d\d|19\d\d)\b", re.IGNORECASE)
_LABELLED = re.compile(r"\b(?:datum|beslutad(?:e)?(?: den)?|daterad|fastställd)\s*:?\s*", re.IGNORECASE)
_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})(\d{2})")
#: Organisations that publish reports: a gazetteer id of these kinds makes an ORG a publisher candidate.
PUBLISHER_KINDS = ("region:", "kommun:", "lansstyrelse:", "myndighet:", "lan:")


@dataclass
class ReportDate:
    """The date a report speaks from; relative and year-less dates are resolved against it."""

    value: date | None
    source: str


def _parse_date(text: str) -> date | None:
    if match := _ISO.search(text):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    for match in _WRITTEN.finditer(text):
        month = MONTHS.get(match[2].lower())
        if month:
            try:
                return date(int(match[3]), month, int(match[1]))
            except ValueError:
                continue
    return None


def infer_report_date(document: RawDocument, override: date | None = None) -> ReportDate:
    """`--report-date`, else a labelled date ("Datum: ...") on the first page, else PDF metadata."""
    if override:
        return ReportDate(override, "override")
    first_page = "\n".join(line.text for line in document.pages[0].lines) if document.pages else ""
    for match in _LABELLED.finditer(first_page):
        found = _parse_date(first_page[match.end() : match.end() + 40])
        if found:
            return ReportDate(found, "first_page_label")
    for key in ("CreationDate", "ModDate"):
        match = _PDF_DATE.search(document.metadata.get(key, ""))
        if match:
            try:
                return ReportDate(date(int(match[1]), int(match[2]), int(match[3])), f"pdf_metadata:{key}")
            except ValueError:
                continue
    return ReportDate(None, "unknown")


def infer_publisher(document: RawDocument, mentions: list[Mention]) -> tuple[str | None, str]:
    """The organisation a report is from: PDF Author, else the registry organisation it names most."""
    author = document.metadata.get("Author", "").strip()
    if author:
        return author, "pdf_metadata:Author"
    counts = Counter(
        str(m.norm) for m in mentions if m.type == "ORG" and m.id and m.id.startswith(PUBLISHER_KINDS)
    )
    if counts:
        return counts.most_common(1)[0][0], "most_named_registry_organisation"
    return None, "unknown"
