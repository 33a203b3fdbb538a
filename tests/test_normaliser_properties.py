"""Property tests for every normaliser: DATE periods, COUNT values and MONEY amounts.

The expressions are generated from a small Swedish grammar (day, range, month, season, part of year,
week, relative, holiday, weekday), each against a random report date, so the properties hold for
more than the hand-picked cases in test_dates.py and test_quantities.py:
- a period never ends before it starts;
- the granularity agrees with the interval (a month is whole months, a week is Monday to Sunday ...);
- the ISO form of a period parses back to the same interval (`2023-05-08`, `2023-05-08 till 2023-05-09`);
- a number written with Swedish grouping or in words parses back to itself, as a count or an amount.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.dates import MONTHS, find_dates
from nlp.quantities import find_counts, find_money, parse_digits, parse_number_word

_MONTH_NAMES = list(MONTHS)
_SEASONS = ["våren", "sommaren", "hösten", "vintern"]
_WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
_RELATIVE = ["nästa år", "förra året", "i år", "i fjol", "under året", "årets", "i veckan", "nästa vecka",
             "förra månaden", "i höst", "i sommar", "under våren", "Till hösten", "höstens", "i höstas",
             "i våras", "nästa höst", "första kvartalet", "sista tertialet", "andra halvåret", "tertial 2",
             "Q3", "midsommar", "under påskhelgen", "till jul", "i påskas", "på fredag",
             "i måndags"]  # fmt: skip

years = st.integers(1990, 2060)
days = st.integers(1, 25)  # so that a range of up to three more days stays inside every month
months = st.integers(1, 12)
report_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))


@st.composite
def date_expressions(draw: st.DrawFn) -> str:
    """One Swedish DATE expression of any kind the grammar knows."""
    y, d, m = draw(years), draw(days), draw(months)
    name = _MONTH_NAMES[m - 1]
    kinds = [
        f"den {d} {name}",
        f"{d} {name} {y}",
        f"{draw(st.sampled_from(_WEEKDAYS))}en den {d} {name} {y}",
        f"den {d}-{d + draw(st.integers(1, 3))} {name}",
        f"{d}/{m}",
        f"{d}/{m}-{d + 2}/{m}",
        f"{y}-{m:02d}-{d:02d}",
        f"{name} {y}",
        f"{_MONTH_NAMES[min(m, 11) - 1]} till {_MONTH_NAMES[min(m, 11)]}",
        f"början av {name}",
        str(y),
        f"år {y}",
        f"{y}-{y + draw(st.integers(1, 10))}",
        f"läsåret {y}/{(y + 1) % 100:02d}",
        f"{draw(st.sampled_from(_SEASONS))} {y}",
        f"vecka {draw(st.integers(1, 52))} {y}",
        f"kvartal {draw(st.integers(1, 4))} {y}",
        f"T{draw(st.integers(1, 3))} {y}",
        f"den {d} {name} nästa år",
        draw(st.sampled_from(_RELATIVE)),
    ]
    return draw(st.sampled_from(kinds))


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _whole_months(start: date, end: date) -> bool:
    return start.day == 1 and (end + timedelta(days=1)).day == 1


@settings(max_examples=400, deadline=None)
@given(date_expressions(), report_dates)
def test_date_norm_is_a_period_with_consistent_granularity(text: str, report: date) -> None:
    found = find_dates(text, report)
    assert len(found) == 1, (text, found)
    m = found[0]
    assert m.text == text  # one span over the whole generated expression
    start, end = date.fromisoformat(m.norm["start"]), date.fromisoformat(m.norm["end"])
    assert start <= end
    gran = m.norm["granularity"]
    if gran == "day":
        assert (end - start).days <= 31  # a day or a day range, never a month's worth in disguise
    elif gran == "week":
        assert start.weekday() == 0 and end.weekday() == 6
    else:
        assert _whole_months(start, end), (text, m.norm)
        n = _months_between(start, end)
        # A season is 3 months, a school term 5 or 6; a quarter, tertial or half-year 3, 4 or 6 months.
        allowed = {"month": range(1, 13), "season": (3, 5, 6), "quarter": (3, 4, 6)}.get(gran)
        if gran == "year":
            # Calendar years, or a school year: August to June, as the seed convention has it.
            assert n % 12 == 0 or (start.month, end.month, n) == (8, 6, 11), (text, m.norm)
        else:
            assert allowed is not None and n in allowed, (text, m.norm)


@settings(max_examples=300, deadline=None)
@given(date_expressions(), report_dates)
def test_iso_form_of_a_period_parses_back_to_the_same_interval(text: str, report: date) -> None:
    m = find_dates(text, report)[0]
    start, end = m.norm["start"], m.norm["end"]
    iso = start if start == end else f"{start} till {end}"
    again = find_dates(iso, None)  # explicit dates need no report date
    assert [(a.text, a.norm["start"], a.norm["end"]) for a in again] == [(iso, start, end)]


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_iso_day_is_idempotent(day: date) -> None:
    found = find_dates(day.isoformat(), None)
    assert [(f.norm["start"], f.norm["end"], f.norm["granularity"]) for f in found] == [
        (day.isoformat(), day.isoformat(), "day")
    ]


_UNITS = ["tjugo", "trettio", "fyrtio", "femtio", "sextio", "sjuttio", "åttio", "nittio"]
_SMALL = ["", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv",
          "tretton", "fjorton", "femton", "sexton", "sjutton", "arton", "nitton"]  # fmt: skip


def swedish_words(n: int) -> str:
    """`n` (1-9999) written as one Swedish number word, as in `tvåhundrafemtio`."""
    out = ""
    if n >= 1000:
        out += ("ett" if n // 1000 == 1 else swedish_words(n // 1000)) + "tusen"
        n %= 1000
    if n >= 100:
        out += ("ett" if n // 100 == 1 else _SMALL[n // 100]) + "hundra"
        n %= 100
    if n >= 20:
        out += _UNITS[n // 10 - 2] + _SMALL[n % 10]
    elif n:
        out += _SMALL[n]
    return out


def grouped(n: int, sep: str) -> str:
    """`n` with Swedish thousands grouping: `1 200`, `1.200`, `1\u00a0200`."""
    return f"{n:,}".replace(",", sep)


@given(st.integers(2, 9999))  # `ett` alone is the article, not a number (test_quantities.py)
def test_number_words_parse_back(n: int) -> None:
    assert parse_number_word(swedish_words(n)) == n


@given(st.integers(0, 10**9), st.sampled_from([" ", ".", "\u00a0", ""]))
def test_grouped_digits_parse_back(n: int, sep: str) -> None:
    assert parse_digits(grouped(n, sep)) == n


@settings(deadline=None)
@given(st.integers(2, 999_999), st.sampled_from([" ", "\u00a0"]),
       st.sampled_from([(None, ""), ("approx", "ca "), ("min", "drygt "), ("max", "högst ")]),
       st.sampled_from(["deltagare", "besökare", "företag", "elever"]))  # fmt: skip
def test_count_norm_parses_back(n: int, sep: str, qualifier: tuple[str | None, str], unit: str) -> None:
    text = f"Det kom {qualifier[1]}{grouped(n, sep)} {unit} dit."
    found = find_counts(text)
    got = [(f.norm["value"], f.norm["unit"], f.norm["qualifier"]) for f in found]
    assert got == [(n, unit, qualifier[0])]
    # The normal form written back as text gives the same normal form.
    again = find_counts(f"{qualifier[1]}{found[0].norm['value']} {found[0].norm['unit']}")
    assert [a.norm for a in again] == [found[0].norm]


@settings(deadline=None)
@given(st.integers(2, 9999))
def test_count_in_words_parses_back(n: int) -> None:
    assert [m.norm["value"] for m in find_counts(f"Vi hade {swedish_words(n)} deltagare.")] == [n]


@settings(deadline=None)
@given(st.integers(1, 999_999),
       st.sampled_from([("kr", 1), ("kronor", 1), ("tkr", 1000), ("mnkr", 10**6), ("miljoner kronor", 10**6),
                        ("euro", 1), ("EUR", 1)]))  # fmt: skip
def test_money_value_is_in_the_currency_unit(n: int, unit: tuple[str, int]) -> None:
    found = find_money(f"Stödet var {grouped(n, ' ')} {unit[0]} i år.")
    assert len(found) == 1
    assert found[0].norm["value"] == n * unit[1]
    assert found[0].norm["currency"] == ("EUR" if unit[0].lower().startswith("eur") else "SEK")
    # The value in the currency's unit, written back with that currency, is the same amount.
    again = find_money(f"{found[0].norm['value']} {found[0].norm['currency']}")
    assert [a.norm for a in again] == [found[0].norm]
