from datetime import date

from rapportkb.report import infer_period


def _span(texts: list[str], when: date | None = None) -> tuple[str, str] | None:
    period = infer_period(texts, when)
    return (period.start.isoformat(), period.end.isoformat()) if period else None


def test_month_span_with_and_without_year() -> None:
    assert _span(["Delårsrapport januari–augusti 2023"]) == ("2023-01-01", "2023-08-31")
    # The year comes from the report date when the text has none.
    assert _span(["Aktuella händelser", "Under perioden januari till april har"], date(2023, 5, 9)) == (
        "2023-01-01", "2023-04-30")
    assert _span(["Under perioden januari till april"]) is None


def test_tertial_and_whole_year() -> None:
    assert _span(["Uppföljning tertial 2 2022"]) == ("2022-05-01", "2022-08-31")
    assert _span(["Verksamhetsberättelse 2023"]) == ("2023-01-01", "2023-12-31")
    assert _span(["Stadsrevisionens årsredogörelse 2023"]) == ("2023-01-01", "2023-12-31")


def test_title_is_trusted_before_the_first_page() -> None:
    period = infer_period(["Tertial 1 2024", "jämfört med januari–december 2023"])
    assert period is not None and period.source == "title" and period.start == date(2024, 1, 1)


def test_no_period_in_plain_prose() -> None:
    assert infer_period(["Kulturenheten", "Möte i Luleå om samverkan."], date(2023, 5, 9)) is None
