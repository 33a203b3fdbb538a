"""Report-level metadata: title, publisher, issue date and period, with where each came from."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from ingest.model import RawDocument
from nlp.dates import MONTH_ABBR
from nlp.dates import MONTHS as MONTH_NAMES
from nlp.mention import Mention
from nlp.reportdate import find_report_date

#: Month names and abbreviations, shared with the DATE grammar.
MONTHS = {**MONTH_NAMES, **MONTH_ABBR}
#: Organisations that publish reports: a gazetteer id of these kinds makes an ORG a publisher candidate.
PUBLISHER_KINDS = ("region:", "kommun:", "lansstyrelse:", "myndighet:", "lan:")


@dataclass
class ReportDate:
    """The date a report speaks from; relative and year-less dates are resolved against it."""

    value: date | None
    source: str


def infer_report_date(document: RawDocument, override: date | None = None) -> ReportDate:
    """`--report-date`, else what the report says of itself, else PDF metadata (nlp/reportdate.py)."""
    if override:
        return ReportDate(override, "override")
    return ReportDate(*find_report_date(document))


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


@dataclass
class ReportPeriod:
    """The stretch of time a report covers (SCHEMA.md `report.period`), with where it was read."""

    start: date
    end: date
    source: str

    def to_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH_SPAN = re.compile(
    rf"\b({_MONTH_NAMES})\.?\s*(?:(20\d\d)\s*)?(?:till|[-–—]|t\.o\.m\.?)\s*({_MONTH_NAMES})\.?\s*(20\d\d)?",
    re.IGNORECASE,
)
_TERTIAL = re.compile(
    r"\btertial\s*([123])\s*(?:år\s*)?(20\d\d)?|\b([123])\s*:a\s+tertialet\s*(20\d\d)?", re.IGNORECASE
)
_WHOLE_YEAR = re.compile(
    r"\b(?:verksamhetsberättelse|årsredovisning|årsredogörelse|årsrapport|årsberättelse)\s*(?:för\s*)?(20\d\d)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(20\d\d)\b")


def _month_end(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def infer_period(texts: list[str], report_date: date | None = None) -> ReportPeriod | None:
    """The period a report covers, from its title and first page, in that order of trust.

    Reads "januari till april", "januari–augusti 2023", "tertial 1 2023" and "Verksamhetsberättelse
    2023" (the whole year). A year left out is taken from elsewhere in the same text, else from the
    report date; without any year there is no period.
    """
    for index, text in enumerate(texts):
        source = "title" if index == 0 else "first_page"
        years = [int(y) for y in _YEAR.findall(text)]
        fallback = years[0] if years else (report_date.year if report_date else None)
        if match := _MONTH_SPAN.search(text):
            first, last = MONTHS[match[1].lower()], MONTHS[match[3].lower()]
            end_year = int(match[4]) if match[4] else (int(match[2]) if match[2] else fallback)
            if end_year is not None and first <= last:
                start_year = int(match[2]) if match[2] else end_year
                return ReportPeriod(date(start_year, first, 1), _month_end(end_year, last), source)
        if match := _TERTIAL.search(text):
            number = int(match[1] or match[3])
            year = int(match[2] or match[4]) if (match[2] or match[4]) else fallback
            if year is not None:
                first = 4 * (number - 1) + 1
                return ReportPeriod(date(year, first, 1), _month_end(year, first + 3), source)
        if match := _WHOLE_YEAR.search(text):
            year = int(match[1])
            return ReportPeriod(date(year, 1, 1), date(year, 12, 31), source)
    return None
