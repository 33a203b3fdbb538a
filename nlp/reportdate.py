"""The date a report speaks from, found in the report itself, with the name of where it was found.

Reads: a RawDocument (lines per page, PDF metadata). Writes: (date or None, source). Year-less and
relative expressions ("i höst", "nästa år") resolve against this date, so a wrong one shifts every
such DATE; the sources are therefore tried from the most to the least specific:

1. `first_page_label`: a labelled date on the first page ("Datum: 2023-05-09", "Utkom från trycket
   den 20 mars 2020", "beslutade den 17 mars 2020"); a publication label wins over a decision label.
2. `dateline`: a line that is a place and a date ("Göteborg den 9 april 2024"), the latest one.
3. `first_page_date`: a first-page line that is nothing but a date ("2022-04-21").
4. `latest_date_in_text` / `pdf_metadata:CreationDate` / `pdf_metadata:ModDate`: the latest full
   date the text states, unless the PDF was made more than a quarter after it (then the text only
   cites older decisions and the file's creation date is closer to the issue date).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from ingest.model import Line, RawDocument
from nlp.dates import find_dates

_PUBLISHED = re.compile(r"\b(?:datum|daterad|utkom\s+från\s+trycket|utgiven|publicerad)\b\s*:?\s*", re.I)
_DECIDED = re.compile(r"\b(?:beslutad|beslutade|fastställd|fastställt|antagen|antaget)\b\s*:?\s*", re.I)
_EXPLICIT_YEAR = re.compile(r"(?:19|20)\d\d")
_DATELINE = re.compile(r"^\s*[A-ZÅÄÖ][\w-]+(?:\s+[A-ZÅÄÖ][\w-]+)?,?\s+(?P<rest>(?:den\s+)?.+?)\.?\s*$")
_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})(\d{2})")
#: How much later than the latest date in the text a PDF may be made for that date to count as its own.
SAME_ISSUE = timedelta(days=92)


def _full_days(text: str) -> list[tuple[int, int, date]]:
    """(start, end, day) of every single-day date in `text` whose year is written out."""
    if not _EXPLICIT_YEAR.search(text):  # cheap: most lines state no year, and only full dates count
        return []
    out = []
    for m in find_dates(text, None):
        one_day = m.norm["granularity"] == "day" and m.norm["start"] == m.norm["end"]
        if one_day and _EXPLICIT_YEAR.search(m.text):
            out.append((m.start, m.end, date.fromisoformat(m.norm["start"])))
    return out


def _labelled(lines: list[Line], label: re.Pattern[str]) -> date | None:
    # A label and its date may be on two lines ("Utkom från trycket" / "den 20 mars 2020").
    text = "\n".join(line.text for line in lines)
    for match in label.finditer(text):
        for start, _end, day in _full_days(text[match.end() : match.end() + 40]):
            if not text[match.end() : match.end() + start].strip(" :\n\tden"):
                return day
    return None


def _dateline(document: RawDocument) -> date | None:
    found: list[date] = []
    for line in document.lines:
        m = _DATELINE.match(line.text)
        if m is None:
            continue
        days = _full_days(m.group("rest"))
        if len(days) == 1 and days[0][0] == 0 and days[0][1] >= len(m.group("rest").rstrip(". ")):
            found.append(days[0][2])
    return max(found) if found else None


def _date_only_line(lines: list[Line]) -> date | None:
    for line in lines:
        text = line.text.strip()
        days = _full_days(text)
        if len(days) == 1 and days[0][0] == 0 and days[0][1] == len(text):
            return days[0][2]
    return None


def _metadata_date(document: RawDocument) -> tuple[date, str] | None:
    for key in ("CreationDate", "ModDate"):
        match = _PDF_DATE.search(document.metadata.get(key, ""))
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3])), f"pdf_metadata:{key}"
            except ValueError:
                continue
    return None


def latest_date_in_text(document: RawDocument) -> date | None:
    """The latest full date (day, month and year written) anywhere in the report."""
    days = [day for page in document.pages for line in page.lines for *_span, day in _full_days(line.text)]
    return max(days) if days else None


def find_report_date(document: RawDocument) -> tuple[date | None, str]:
    """The report's own date and its source name ("unknown" when nothing dates it)."""
    first = document.pages[0].lines if document.pages else []
    for label in (_PUBLISHED, _DECIDED):
        if (day := _labelled(first, label)) is not None:
            return day, "first_page_label"
    if (day := _dateline(document)) is not None:
        return day, "dateline"
    if (day := _date_only_line(first)) is not None:
        return day, "first_page_date"
    stated = latest_date_in_text(document)
    made = _metadata_date(document)
    if stated is not None and (made is None or made[0] - stated <= SAME_ISSUE):
        return stated, "latest_date_in_text"
    if made is not None:
        return made
    return None, "unknown"
