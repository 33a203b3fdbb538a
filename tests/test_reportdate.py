"""Report date inference (nlp/reportdate.py) and its use by rapportkb.report.infer_report_date."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.model import Line, Page, RawDocument
from nlp.reportdate import find_report_date
from rapportkb.report import ReportDate, infer_report_date


def _doc(*pages: list[str], metadata: dict[str, str] | None = None) -> RawDocument:
    return RawDocument(
        source="r.pdf",
        kind="pdf",
        pages=[Page(n, [Line(t, n) for t in lines]) for n, lines in enumerate(pages, start=1)],
        metadata=metadata or {},
    )


_META = {"CreationDate": "D:20240411153315+02'00'", "ModDate": "D:20240412000000"}


@pytest.mark.parametrize(
    ("pages", "metadata", "expected"),
    [
        # A publication label beats a decision label on the same page.
        ([["föreskrifter om gas;", "beslutade den 17 mars 2020.", "Utkom från trycket", "den 20 mars 2020"]],
         _META, (date(2020, 3, 20), "first_page_label")),
        ([["Protokoll", "beslutade den 17 mars 2020."]], _META, (date(2020, 3, 17), "first_page_label")),
        ([["Tjänsteskrivelse", "Datum: 2023-05-09"]], {}, (date(2023, 5, 9), "first_page_label")),
        ([["Till kommunfullmäktige", "Text om 2023."], ["Göteborg den 9 april 2024"]], _META,
         (date(2024, 4, 9), "dateline")),
        ([["Uppdrag i strategisk plan 2022-2025", "2022-04-21", "1 (24)"]], _META,
         (date(2022, 4, 21), "first_page_date")),
        # The text only cites an old decision: the PDF's creation date is closer to the issue date.
        ([["Tillägg antaget av fullmäktige 2019."], ["Se beslut från den 25 april 2019."]], _META,
         (date(2024, 4, 11), "pdf_metadata:CreationDate")),
        # A stated date shortly before the PDF was made is the report's own.
        ([["Rapport"], ["Läget den 2 april 2024 var stabilt."]], _META,
         (date(2024, 4, 2), "latest_date_in_text")),
        ([["Rapport"], ["Mötet den 8 maj 2023 och den 22 november 2022."]], {},
         (date(2023, 5, 8), "latest_date_in_text")),
        ([["Rapport"]], {"ModDate": "D:20150721"}, (date(2015, 7, 21), "pdf_metadata:ModDate")),
        ([["Rapport utan datum", "i höst och nästa år"]], {}, (None, "unknown")),
    ],
)  # fmt: skip
def test_find_report_date_sources(
    pages: list[list[str]], metadata: dict[str, str], expected: tuple[date | None, str]
) -> None:
    assert find_report_date(_doc(*pages, metadata=metadata)) == expected


def test_a_year_less_date_is_not_a_report_date() -> None:
    assert find_report_date(_doc(["Datum: 8 maj"], ["Vi ses den 9 maj."])) == (None, "unknown")


def test_empty_document_has_no_date() -> None:
    assert find_report_date(RawDocument("e.txt", "text", [])) == (None, "unknown")


def test_infer_report_date_override_wins_else_uses_the_report() -> None:
    doc = _doc(["Göteborg den 9 april 2024"], metadata=_META)
    assert infer_report_date(doc, date(2023, 5, 9)) == ReportDate(date(2023, 5, 9), "override")
    assert infer_report_date(doc) == ReportDate(date(2024, 4, 9), "dateline")
