"""Swedish DATE expressions: find them in text and normalise them to calendar periods.

Reads: a text and the report's own date (or None). Writes: `Mention`s of type DATE whose norm is
`{"start", "end", "granularity"}` as spec/ANNOTATION.md defines it. The grammar is a set of regular
expressions over Swedish calendar words; where several match overlapping text the longest wins, as in
the entity resolver. Span conventions follow the seed annotator: a leading `den` is inside the span;
a preposition stays with a deictic or year-less period word (`under våren`, `I veckan`, `under
påskhelgen`) and is left out before a calendar name (`april`, `2021`, `början av juni`); prepositions
whose meaning the norm cannot carry (`efter`, `från`, `sedan`, `före`) are always left out. A word
that names the kind of year (`år 2030`, `verksamhetsåret 2023`, `åren 2023–2025`), a weekday before
a date (`tisdagen den 14 mars`) and an edge phrase (`utgången av 2021`) are inside the span, as
`april månad` and `början av juni` are in the seed gold.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from nlp.firstchar import guarded
from nlp.mention import Mention, add_candidate
from nlp.wordclass import could_be_noun, year_like_number_counts

Period = tuple[date, date, str]

MONTHS = {
    "januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}  # fmt: skip
# Abbreviations are trusted after a day number (`8 jan`), before a year (`dec 2022`), in a month range
# (`jan–mars`) and after `i`/`under` (`i feb`); alone, `jul` is Christmas and never a month.
MONTH_ABBR = {"jan": 1, "feb": 2, "febr": 2, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
              "okt": 10, "nov": 11, "dec": 12}  # fmt: skip
SEASONS = {"vår": (3, 3), "sommar": (6, 3), "höst": (9, 3), "vinter": (12, 3)}  # first month, length
ORDINALS = {"första": 1, "1:a": 1, "andra": 2, "2:a": 2, "tredje": 3, "3:e": 3, "fjärde": 4, "4:e": 4}

_L = r"(?<![\w/.:,-])"  # left edge: not glued to a word, path, clock time or number
_R = r"(?![-–/:.,]?\w)"  # right edge: not continuing as an identifier or another number
_E = r"(?![\w\u00ad])"  # a soft hyphen continues the word
MONTH = r"(?:" + "|".join(MONTHS) + r")"
MONTH_D = r"(?:" + "|".join(MONTHS) + "|(?:" + "|".join(MONTH_ABBR) + r")\.?)"
DAYN = r"(?:3[01]|[12]\d|0?[1-9])"
DAY = DAYN + r"(?::?[ae])?"  # `21a`, `23:e`
YEAR = r"(?:19|20)\d\d"
DEN = r"(?:den\s+)?"
DASH = r"\s*[-–—]\s*"
RANGE = r"(?:\s*[-–—]\s*|\s+(?:till(?:\s+och\s+med)?|t\.o\.m\.?|och)\s+)"
RANGE_X = r"(?:\s*[-–—]\s*|\s+(?:till(?:\s+och\s+med)?|t\.o\.m\.?)\s+)"
MONTH_ABBR_NOT_JUL = r"(?:" + "|".join(a for a in MONTH_ABBR if a != "jul") + r")"
EDGE = r"(?:början|slutet|mitten|utgången)\s+av\s+"
WEEKDAYS = {"måndag": 0, "tisdag": 1, "onsdag": 2, "torsdag": 3, "fredag": 4, "lördag": 5, "söndag": 6}
WEEKDAY = r"(?:" + "|".join(WEEKDAYS) + r")(?:en)?"
# A weekday naming the day of a date is part of its span; it adds nothing to the norm.
WDAY = rf"(?:{WEEKDAY}(?:,)?\s+)?"
# The noun that says what kind of year follows (`år 2030`, `verksamhetsåret 2023`).
YEAR_WORD = r"(?:(?:verksamhets|budget|kalender|räkenskaps|redovisnings|hel|bas|mål)?år(?:et|en)?\s+)"
# `nästa år`, `i fjol` after a year-less day or month gives it its year (`den 1 juli nästa år`).
REL_YEAR = r"(?:\s+(?P<ry>nästa\s+år|nästkommande\s+år|förra\s+året|föregående\s+år|i\s+år|i\s*fjol))"
# Prepositions that carry meaning before a deictic period word and so belong to its span.
PREP = r"(?:(?:i|under(?:\s+hela)?|till|inför|för)\s+)"
SEASON_DEF = r"(?P<season>våren|sommaren|hösten|vintern)"
SEASON_GEN = r"(?P<season>vårens|sommarens|höstens|vinterns)"
TERM = r"(?P<term>vårterminen|höstterminen)"


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    resolve: Callable[[date], Period | None]
    needs: str  # "none": explicit year; "year": any date in the right year will do; "date": the report date
    explicit_year: int | None = None


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _month(y: int, m1: int, m2: int | None = None) -> Period:
    return date(y, m1, 1), _month_end(y, m2 or m1), "month"


def _year(y1: int, y2: int | None = None) -> Period:
    return date(y1, 1, 1), date(y2 or y1, 12, 31), "year"


def _season(name: str, y: int, ref: date | None = None) -> Period:
    first, length = SEASONS[name]
    if name == "vinter" and ref is not None and ref.month <= 2:
        y -= 1  # a winter spoken of in January belongs to the December before
    start = date(y, first, 1)
    last = first + length - 1
    end = _month_end(y + (last - 1) // 12, (last - 1) % 12 + 1)
    return start, end, "season"


def _day(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _days(y1: int, m1: int, d1: int, y2: int, m2: int, d2: int) -> Period | None:
    a, b = _day(y1, m1, d1), _day(y2, m2, d2)
    if a is None or b is None:
        return None
    if b < a and y1 == y2:
        b = _day(y2 + 1, m2, d2)  # `30/12-2/1` crosses the new year
    return (a, b, "day") if b and a <= b else None


def easter(y: int) -> date:
    """Easter Sunday (Gregorian, anonymous algorithm): påsk, pingst and Kristi himmelsfärd hang on it."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(y, month, day + 1)


def _midsummer_eve(y: int) -> date:
    d = date(y, 6, 19)
    return d + timedelta(days=(4 - d.weekday()) % 7)  # the Friday in 19-25 June


def holiday(name: str, y: int) -> tuple[date, date] | None:
    """First and last day of a Swedish holiday named by `name` (lower case) in year `y`."""
    e = easter(y)
    table: dict[str, tuple[date, date]] = {
        "påsk": (e - timedelta(2), e + timedelta(1)),
        "skärtorsdag": (e - timedelta(3), e - timedelta(3)),
        "långfredag": (e - timedelta(2), e - timedelta(2)),
        "påskafton": (e - timedelta(1), e - timedelta(1)),
        "påskdag": (e, e),
        "annandag påsk": (e + timedelta(1), e + timedelta(1)),
        "kristi himmelsfärd": (e + timedelta(39), e + timedelta(39)),
        "pingst": (e + timedelta(49), e + timedelta(49)),
        "valborg": (date(y, 4, 30), date(y, 4, 30)),
        "nationaldag": (date(y, 6, 6), date(y, 6, 6)),
        "midsommar": (_midsummer_eve(y), _midsummer_eve(y) + timedelta(1)),
        "midsommarafton": (_midsummer_eve(y), _midsummer_eve(y)),
        "midsommardag": (_midsummer_eve(y) + timedelta(1), _midsummer_eve(y) + timedelta(1)),
        "midsommarhelg": (_midsummer_eve(y), _midsummer_eve(y) + timedelta(2)),
        "jul": (date(y, 12, 24), date(y, 12, 26)),
        "julafton": (date(y, 12, 24), date(y, 12, 24)),
        "juldag": (date(y, 12, 25), date(y, 12, 25)),
        "annandag jul": (date(y, 12, 26), date(y, 12, 26)),
        "nyårsafton": (date(y, 12, 31), date(y, 12, 31)),
        "nyårsdag": (date(y, 1, 1), date(y, 1, 1)),
        "trettondag": (date(y, 1, 6), date(y, 1, 6)),
    }
    return table.get(name)


_HOLIDAY_FORMS = {
    "påsk": "påsk", "påsken": "påsk", "påskhelgen": "påsk", "påskhelg": "påsk",
    "skärtorsdag": "skärtorsdag", "skärtorsdagen": "skärtorsdag", "långfredag": "långfredag",
    "långfredagen": "långfredag", "påskafton": "påskafton", "påskdagen": "påskdag",
    "annandag påsk": "annandag påsk", "kristi himmelsfärdsdag": "kristi himmelsfärd",
    "kristi himmelsfärd": "kristi himmelsfärd", "pingst": "pingst", "pingsten": "pingst",
    "pingstdagen": "pingst", "valborg": "valborg", "valborgsmässoafton": "valborg",
    "nationaldagen": "nationaldag", "sveriges nationaldag": "nationaldag", "midsommar": "midsommar",
    "midsommarafton": "midsommarafton", "midsommardagen": "midsommardag",
    "midsommarhelgen": "midsommarhelg", "jul": "jul", "julen": "jul", "julhelgen": "jul",
    "julafton": "julafton", "juldagen": "juldag", "annandag jul": "annandag jul",
    "nyårsafton": "nyårsafton", "nyårsdagen": "nyårsdag", "trettondagen": "trettondag",
    "trettondedag jul": "trettondag",
}  # fmt: skip
HOLIDAY = r"(?P<hol>" + "|".join(sorted((re.escape(k) for k in _HOLIDAY_FORMS), key=len, reverse=True)) + r")"


# --- the grammar: each rule is (regex, builder(match) -> _Match | None) ---------------------------------


def _int_day(s: str) -> int:
    return int(re.match(r"\d+", s).group())


def _month_no(s: str) -> int:
    s = s.lower().rstrip(".")
    return MONTHS.get(s) or MONTH_ABBR[s]


def _opt_year(m: re.Match, *groups: str) -> int | None:
    for g in groups:
        if m.groupdict().get(g):
            return int(m.group(g))
    return None


def _fixed(m: re.Match, period: Period | None, year: int) -> _Match | None:
    return _Match(m.start(), m.end(), lambda _r: period, "none", year) if period else None


def _yearless(m: re.Match, build: Callable[[int], Period | None], year: int | None) -> _Match | None:
    """An expression whose year is written (`8 maj 2023`), said relative to the report (`den 1 juli
    nästa år`) or left to the report date (`8 maj`)."""
    if year is not None:
        return _fixed(m, build(year), year)
    shift = _shift_of(m.group("ry")) if m.groupdict().get("ry") else 0
    return _Match(m.start(), m.end(), lambda r: build(r.year + shift), "year")


def _b_day_range_cross(m: re.Match) -> _Match | None:
    y2 = _opt_year(m, "y2")
    y1 = _opt_year(m, "y1") or y2
    m1, m2 = _month_no(m.group("m1")), _month_no(m.group("m2"))
    d1, d2 = _int_day(m.group("d1")), _int_day(m.group("d2"))
    return _yearless(m, lambda y: _days(y1 or y, m1, d1, y2 or y, m2, d2), y2)


def _b_day_range(m: re.Match) -> _Match | None:
    mo, d1, d2 = _month_no(m.group("m")), _int_day(m.group("d1")), _int_day(m.group("d2"))
    if d2 <= d1:
        return None
    return _yearless(m, lambda y: _days(y, mo, d1, y, mo, d2), _opt_year(m, "y"))


def _b_day(m: re.Match) -> _Match | None:
    mo, d = _month_no(m.group("m")), _int_day(m.group("d"))
    return _yearless(m, lambda y: _days(y, mo, d, y, mo, d), _opt_year(m, "y"))


def _short_year(s: str | None) -> int | None:
    if not s:
        return None
    y = int(s)
    return y if y >= 100 else 2000 + y


def _b_numeric(m: re.Match) -> _Match | None:
    d1, m1 = int(m.group("d1")), int(m.group("m1"))
    d2, m2 = int(m.group("d2") or d1), int(m.group("m2") or m1)
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12):
        return None
    year = _short_year(m.group("y"))
    return _yearless(m, lambda y: _days(y, m1, d1, y, m2, d2), year)


def _b_iso(m: re.Match) -> _Match | None:
    a = _day(int(m.group("y1")), int(m.group("m1")), int(m.group("d1")))
    b = _day(int(m.group("y2")), int(m.group("m2")), int(m.group("d2"))) if m.group("y2") else a
    if a is None or b is None or b < a:
        return None
    return _fixed(m, (a, b, "day"), a.year)


def _b_month_range(m: re.Match) -> _Match | None:
    m1, m2 = _month_no(m.group("m1")), _month_no(m.group("m2"))
    y2 = _opt_year(m, "y2")
    y1 = _opt_year(m, "y1")
    if m2 <= m1 and not (y1 and y2 and y2 > y1):
        return None

    def build(y: int) -> Period:
        return date(y1 or y, m1, 1), _month_end(y2 or y, m2), "month"

    return _yearless(m, build, y2 or y1)


# Matched at an offset of the whole text: slicing off the rest of the text per match is quadratic.
_CAPITAL_NEXT = re.compile(r"\s+[A-ZÅÄÖ]")
_NEXT_WORD = re.compile(r"\s*([^\W\d_]+)")


def _b_month(m: re.Match) -> _Match | None:
    word = m.group("m")
    if word[0].isupper() and _CAPITAL_NEXT.match(m.string, m.end()):
        return None  # `Maj Persson`: a first name, not a month
    if word[0].isupper() and word.lower() in MONTH_ABBR and not m.groupdict().get("y"):
        return None  # `i Sep`: a bare capitalised abbreviation is more likely a name
    mo = _month_no(word)
    return _yearless(m, lambda y: _month(y, mo), _opt_year(m, "y"))


def _b_year_range(m: re.Match) -> _Match | None:
    y1 = int(m.group("y1"))
    y2 = int(m.group("y2")) if len(m.group("y2")) == 4 else y1 // 100 * 100 + int(m.group("y2"))
    return _fixed(m, _year(y1, y2), y1) if y2 > y1 else None


def _b_school_year(m: re.Match) -> _Match | None:
    y1 = int(m.group("y1"))
    y2 = int(m.group("y2")) if len(m.group("y2")) == 4 else y1 // 100 * 100 + int(m.group("y2"))
    if len(m.group("y2")) == 2 and y2 == y1 - 99:
        y2 += 100  # `läsåret 1999/00` ends in the next century
    if y2 != y1 + 1:
        return None
    return _fixed(m, (date(y1, 8, 1), date(y2, 6, 30), "year"), y1)


_YEAR_PREP = re.compile(
    r"(?:\b(?:i|under|för|från|till|sedan|inför|efter|före|innan|år|året|mellan|och|samt|eller|t\.o\.m\.?|"
    r"fram\s+till|våren|sommaren|hösten|vintern|av|om|budgetåret|verksamhetsåret|kalenderåret))\s+$",
    re.IGNORECASE,
)


def _b_year(m: re.Match) -> _Match | None:
    y = int(m.group("y"))
    before = m.string[max(0, m.start() - 30) : m.start()]
    named = m.start("y") > m.start()  # `år 2030`, `början av 2024`: nothing but a year can follow
    if not named and year_like_number_counts(m.string, m.end()) and not _YEAR_PREP.search(before):
        return None
    return _fixed(m, _year(y), y)


def _b_dotted(m: re.Match) -> _Match | None:
    """`17.9.2015`: only with a four-digit year, since `3.2.1` numbers sections."""
    day = _day(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return _fixed(m, (day, day, "day"), day.year) if day else None


def _b_weekday(m: re.Match) -> _Match | None:
    """`på fredag` is the coming one, `i måndags` the last one; both counted from the report date."""
    wd = WEEKDAYS[(m.group("wd") or m.group("wd2")).lower().removesuffix("en")]
    past = bool(m.groupdict().get("past")) or (m.group("rel") or "").lower() == "förra"

    def build(r: date) -> Period:
        step = ((r.weekday() - wd) % 7 or 7) if past else ((wd - r.weekday()) % 7 or 7)
        day = r - timedelta(days=step) if past else r + timedelta(days=step)
        return day, day, "day"

    return _Match(m.start(), m.end(), build, "date")


def _b_season_past(m: re.Match) -> _Match:
    """`i höstas`, `i våras`: the latest such season that had begun by the report date."""
    key = {"höst": "höst", "vår": "vår", "somr": "sommar", "vintr": "vinter"}[m.group("stem").lower()]

    def build(r: date) -> Period:
        period = _season(key, r.year)
        return period if period[0] <= r else _season(key, r.year - 1)

    return _Match(m.start(), m.end(), build, "date")


def _b_season_year(m: re.Match) -> _Match | None:
    y = int(m.group("y"))
    if m.group("term"):
        spring = m.group("term").lower().startswith("vår")  # `Vårterminen 2024` opens a sentence
        return _fixed(m, (date(y, 1 if spring else 8, 1), date(y, 6 if spring else 12, 30 if spring else 31),
                          "season"), y)  # fmt: skip
    return _fixed(m, _season(_season_key(m.group("season")), y), y)


def _season_key(word: str) -> str:
    w = word.lower()
    for key in SEASONS:
        if w.startswith(key):
            return key
    raise KeyError(word)


def _b_season_rel(m: re.Match) -> _Match:
    key = _season_key(m.group("season"))
    return _Match(m.start(), m.end(), lambda r: _season(key, r.year, r), "year")


def _b_term_rel(m: re.Match) -> _Match:
    spring = m.group("term").lower().startswith("vår")
    return _Match(m.start(), m.end(),
                  lambda r: (date(r.year, 1 if spring else 8, 1), date(r.year, 6 if spring else 12,
                                                                        30 if spring else 31), "season"),
                  "year")  # fmt: skip


def _b_i_var(m: re.Match) -> _Match | None:
    # `i vår` is also `in our`: only a date when no noun phrase follows (`i vår region`).
    nxt = _NEXT_WORD.match(m.string, m.end())
    if m.group("season").lower() == "vår" and nxt and could_be_noun(nxt.group(1)):
        return None
    return _b_season_rel(m)


def _b_season_shift(m: re.Match) -> _Match:
    key = _season_key(m.group("season"))
    shift = 1 if m.group("rel").lower().startswith("näst") else -1
    return _Match(m.start(), m.end(), lambda r: _season(key, r.year + shift), "year")


def _b_week(m: re.Match) -> _Match | None:
    w1 = int(m.group("w1"))
    w2 = int(m.group("w2") or w1)
    if not (1 <= w1 <= w2 <= 53):
        return None

    def build(y: int) -> Period | None:
        try:
            return date.fromisocalendar(y, w1, 1), date.fromisocalendar(y, w2, 7), "week"
        except ValueError:
            return None

    return _yearless(m, build, _opt_year(m, "y"))


def _this_week(r: date, shift: int) -> Period:
    monday = r - timedelta(days=r.weekday()) + timedelta(weeks=shift)
    return monday, monday + timedelta(days=6), "week"


def _shift_of(phrase: str) -> int:
    """+1 for `nästa`/`kommande`, -1 for `förra`/`föregående`/`i fjol`, else 0 (`i år`, `denna vecka`)."""
    w = phrase.lower()
    if re.search(r"\b(?:näst|kommande)", w):
        return 1
    if re.search(r"\b(?:förra|föregående)|fjol", w):
        return -1
    return 0


def _b_week_rel(m: re.Match) -> _Match | None:
    if _frequency_before(m):
        return None
    shift = _shift_of(m.group("rel") or "")
    return _Match(m.start(), m.end(), lambda r: _this_week(r, shift), "date")


def _b_month_rel(m: re.Match) -> _Match | None:
    if _frequency_before(m):
        return None
    shift = _shift_of(m.group("rel") or "")

    def build(r: date) -> Period:
        k = r.year * 12 + r.month - 1 + shift
        return _month(k // 12, k % 12 + 1)

    return _Match(m.start(), m.end(), build, "date")


def _b_year_rel(m: re.Match) -> _Match | None:
    if _frequency_before(m):
        return None
    shift = _shift_of(m.group(0))
    return _Match(m.start(), m.end(), lambda r: _year(r.year + shift), "year")


def _b_part(m: re.Match) -> _Match | None:
    """Quarters, tertials and half-years, all granularity "quarter" (the spec has no finer word)."""
    kind, n = _part_kind(m)
    if kind is None:
        return None
    months = {"Q": 3, "T": 4, "H": 6}[kind]
    if not 1 <= n <= 12 // months:
        return None

    def build(y: int) -> Period:
        first = (n - 1) * months + 1
        return date(y, first, 1), _month_end(y, first + months - 1), "quarter"

    return _yearless(m, build, _opt_year(m, "y"))


def _part_kind(m: re.Match) -> tuple[str | None, int]:
    gd = m.groupdict()
    if gd.get("code"):
        code = m.group("code")
        if not code[0].isupper() or (code[0] == "H" and not gd.get("y")):
            return None, 0  # `t2`, or `H1` without a year, is more likely an identifier
        return code[0], int(code[1])
    word = (gd.get("word") or gd["word2"]).lower()
    kind = "Q" if word.startswith("kvartal") else "T" if word.startswith("tertial") else "H"
    if gd.get("ord"):
        o = m.group("ord").lower()
        n = 12 // {"Q": 3, "T": 4, "H": 6}[kind] if o == "sista" else ORDINALS[o]
    else:
        n = int(m.group("n"))
    return kind, n


def _b_holiday(m: re.Match) -> _Match | None:
    name = _HOLIDAY_FORMS[re.sub(r"\s+", " ", m.group("hol").lower())]

    def build(y: int) -> Period | None:
        span = holiday(name, y)
        return (span[0], span[1], "day") if span else None

    return _yearless(m, build, _opt_year(m, "y"))


def _b_holiday_past(m: re.Match) -> _Match:
    # `i påskas`, `i julas`: the most recent one before the report date.
    name = "påsk" if m.group("hol").lower().startswith("påsk") else "jul"

    def build(r: date) -> Period:
        a, b = holiday(name, r.year)
        if a > r:
            a, b = holiday(name, r.year - 1)
        return a, b, "day"

    return _Match(m.start(), m.end(), build, "date")


# `en köttfri dag i veckan`, `ett möte i månaden`: one occasion per period is a frequency too.
_FREQUENCY_WORD = re.compile(
    r"\b(?:gång|gånger|ggr|timm(?:e|ar)|minuter|dag(?:ar)?|kväll(?:ar)?|tillfällen|"
    r"möten?|träff(?:ar)?|lektion(?:er)?)\s*$",
    re.IGNORECASE,
)


def _frequency_before(m: re.Match) -> bool:
    """`två gånger i veckan`, `6 gånger per år`: a frequency, not a period."""
    before = m.string[max(0, m.start() - 40) : m.start()]
    return bool(_FREQUENCY_WORD.search(before))


_RULES: list[tuple[str, Callable[[re.Match], _Match | None]]] = [
    (
        # Not `och` between two whole dates: `1 februari och den 5 juni` lists two days.
        rf"{_L}(?:\b{EDGE})?{WDAY}{DEN}(?P<d1>{DAY})\s+(?P<m1>{MONTH_D})(?:\s+(?P<y1>{YEAR}))?{RANGE_X}{DEN}"
        rf"(?P<d2>{DAY})\s+(?P<m2>{MONTH_D})(?:\s+(?P<y2>{YEAR}))?{_E}",
        _b_day_range_cross,
    ),
    (
        rf"{_L}{WDAY}{DEN}(?P<d1>{DAY}){RANGE}{DEN}(?P<d2>{DAY})\s+(?P<m>{MONTH_D})(?:\s+(?P<y>{YEAR})|{REL_YEAR})?{_E}",
        _b_day_range,
    ),
    (rf"{_L}{WDAY}{DEN}(?P<d>{DAY})\s+(?P<m>{MONTH_D})(?:\s+(?P<y>{YEAR})|{REL_YEAR})?{_E}", _b_day),
    (
        rf"{_L}{WDAY}{DEN}(?P<d1>{DAYN})/(?P<m1>1[0-2]|0?[1-9])(?:{RANGE_X}{DEN}(?P<d2>{DAYN})/(?P<m2>1[0-2]|0?[1-9]))?"
        rf"(?:[/ ](?P<y>{YEAR}|\d\d))?{_R}(?!\s+av\b)",
        _b_numeric,
    ),
    (rf"{_L}{WDAY}{DEN}(?P<d>{DAYN})\.(?P<m>1[0-2]|0?[1-9])\.(?P<y>{YEAR}){_R}", _b_dotted),
    (
        rf"{_L}(?P<y1>{YEAR})-(?P<m1>\d\d)-(?P<d1>\d\d)(?:{RANGE}(?P<y2>{YEAR})-(?P<m2>\d\d)-(?P<d2>\d\d))?{_R}",
        _b_iso,
    ),
    (
        rf"\b(?:{EDGE})?(?P<m1>{MONTH_D})(?:\s+(?P<y1>{YEAR}))?(?:{DASH}|\s+(?:till(?:\s+och\s+med)?|t\.o\.m\.?)\s+)"
        rf"(?P<m2>{MONTH_D})(?:\s+(?P<y2>{YEAR})|{REL_YEAR})?{_E}",
        _b_month_range,
    ),
    (rf"\b(?:{EDGE})?(?P<m>{MONTH})(?:\s+månad)?(?:\s+(?P<y>{YEAR})|{REL_YEAR})?{_E}", _b_month),
    (rf"\b(?:{EDGE})?(?P<m>{MONTH_ABBR_NOT_JUL})\.?\s+(?P<y>{YEAR}){_R}", _b_month),
    (rf"(?:(?<=\bi\s)|(?<=\bunder\s))(?P<m>{MONTH_ABBR_NOT_JUL})(?![\w\u00ad])", _b_month),
    (
        rf"{_L}(?:{EDGE}|{YEAR_WORD})?(?P<y1>{YEAR})(?:\s*[-–]\s*|\s+till\s+)(?P<y2>{YEAR}|\d\d){_R}",
        _b_year_range,
    ),
    (rf"\b(?:läsåret|läsår|verksamhetsåret)\s+(?P<y1>{YEAR})\s*/\s*(?P<y2>{YEAR}|\d\d){_R}", _b_school_year),
    (rf"{_L}(?:{EDGE}|{YEAR_WORD})?(?P<y>{YEAR}){_R}", _b_year),
    (rf"\b(?:{EDGE})?(?:{SEASON_DEF}|{TERM})\s+(?P<y>{YEAR}){_R}", _b_season_year),
    (rf"\b{PREP}?(?:{EDGE})?{SEASON_DEF}{_E}(?!\s+{YEAR})", _b_season_rel),
    (rf"\b{SEASON_GEN}{_E}", _b_season_rel),
    (rf"\b{PREP}?{TERM}{_E}(?!\s+{YEAR})", _b_term_rel),
    (r"\b(?:i|till|inför)\s+(?P<season>höst|vår|sommar|vinter)(?![\w\u00ad])", _b_i_var),
    (
        r"\b(?P<rel>nästa|nästkommande|förra|föregående)\s+(?P<season>höst|vår|sommar|vinter)(?:en)?(?![\w\u00ad])",
        _b_season_shift,
    ),
    (
        rf"\b(?:vecka|veckorna|v\.|v(?=\s*\d))\s*(?P<w1>[1-5]?\d)(?:{DASH}(?P<w2>[1-5]?\d))?(?:,?\s+(?P<y>{YEAR}))?{_R}",
        _b_week,
    ),
    (
        r"\b(?:i\s+veckan|under\s+veckan|(?P<rel>denna|nästa|förra|kommande)\s+veck(?:a|an)|den\s+här\s+veckan)(?![\w\u00ad])",
        _b_week_rel,
    ),
    (
        r"\b(?:under\s+månaden|(?P<rel>denna|nästa|förra|kommande)\s+månad(?:en)?|den\s+här\s+månaden)(?![\w\u00ad])",
        _b_month_rel,
    ),
    (
        r"\b(?:(?P<rel>nästa|nästkommande|förra|föregående)\s+år(?:et|s|ets)?|i\s+år(?!\s*\d)|i\s*fjol|"
        r"(?:detta|innevarande)\s+år|det\s+här\s+året|årets|"
        r"(?:under(?:\s+hela)?|för|inför|hela|under\s+resten\s+av|i\s+(?:början|slutet|mitten)\s+av|"
        r"(?:början|slutet|mitten|resten)\s+av)\s+året)(?![\w\u00ad])",
        _b_year_rel,
    ),
    (
        r"\b(?:(?P<ord>första|andra|tredje|fjärde|sista|[1-4]:[ae])\s+(?P<word>kvartalet|tertialet|halvåret)|"
        rf"(?P<word2>kvartal|tertial|halvår)\s+(?P<n>[1-4])|(?P<code>[QqTtH][1-4])){_R}(?:\s+(?P<y>{YEAR}){_R})?",
        _b_part,
    ),
    (rf"\b{PREP}?{HOLIDAY}(?:\s+(?P<y>{YEAR}))?{_E}", _b_holiday),
    (r"\b(?:i\s+)(?P<hol>påskas|julas)(?![\w\u00ad])", _b_holiday_past),
    (r"\bi\s+(?P<stem>höst|vår|somr|vintr)as(?![\w\u00ad])", _b_season_past),
    (
        rf"\b(?:på\s+|(?P<rel>nästa|kommande|förra)\s+)(?P<wd>{WEEKDAY})(?![\w\u00ad])"
        rf"|\bi\s+(?P<wd2>{WEEKDAY})(?P<past>s)(?![\w\u00ad])",
        _b_weekday,
    ),
]
# `guarded`: the same patterns, with a lookahead on their first character that lets the scan skip fast.
_COMPILED = [(guarded(p, re.IGNORECASE), b) for p, b in _RULES]

# --- which rules can match at all: most texts name no holiday, season, weekday or week -------------------
# Every rule scans the whole text, and most find nothing. Each rule below is given words that any text it
# matches must contain (in lower case), or "\d" for a digit; a rule none of whose words is in the text
# is not run. The words are parts of the rule's required (not optional) pieces, so skipping a rule never
# changes what is found. They are looked for in `text.lower()`, which matches what re.IGNORECASE matches
# except for the three letters below that IGNORECASE alone equates with a Latin letter (`ſ` with `s`,
# `ı` with `i`) or that lower() turns into two characters (`İ`); a text with one of them runs every rule.
_DIGIT = re.compile(r"\d")
_A_DIGIT = r"\d"  # in _NEEDS: any digit, as the rules' \d means
_CASE_EXCEPTIONS = re.compile("[\u0130\u0131\u017f]")
_MONTH_WORDS = ("jan", "feb", "mars", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
_SEASON_WORDS = ("vår", "höst", "sommar", "somr", "vint")
_WEEKDAY_WORDS = tuple(WEEKDAYS)
_HOLIDAY_WORDS = ("påsk", "skärtorsdag", "långfredag", "kristi", "pingst", "valborg", "nationaldag",
                  "midsommar", "jul", "nyårs", "trettond")  # fmt: skip
# Per rule, in _RULES order: groups of words; the rule runs when each group has a word in the text.
_NEEDS: list[tuple[tuple[str, ...], ...]] = [
    ((_A_DIGIT,), _MONTH_WORDS),  # day ranges across months
    ((_A_DIGIT,), _MONTH_WORDS),  # day ranges
    ((_A_DIGIT,), _MONTH_WORDS),  # days
    ((_A_DIGIT,),),  # 14/3
    ((_A_DIGIT,),),  # 17.9.2015
    ((_A_DIGIT,),),  # ISO dates
    (_MONTH_WORDS,),  # month ranges
    (_MONTH_WORDS,),  # months
    ((_A_DIGIT,), _MONTH_WORDS),  # abbreviated month and year
    (_MONTH_WORDS,),  # `i feb`
    ((_A_DIGIT,),),  # year ranges
    ((_A_DIGIT,),),  # school years
    ((_A_DIGIT,),),  # years
    (_SEASON_WORDS,),  # season and year
    (_SEASON_WORDS,),  # season, term
    (_SEASON_WORDS,),  # `vårens`
    (("terminen",),),  # term
    (_SEASON_WORDS,),  # `i vår`
    (_SEASON_WORDS,),  # `nästa höst`
    ((_A_DIGIT,),),  # weeks
    (("veck",),),  # `i veckan`
    (("månad",),),  # `under månaden`
    (("år", "fjol"),),  # `nästa år`, `i fjol`
    ((_A_DIGIT, "kvartal", "tertial", "halvår"),),  # quarters, tertials, half-years
    (_HOLIDAY_WORDS,),  # holidays
    (("påsk", "jul"),),  # `i påskas`
    (_SEASON_WORDS,),  # `i höstas`
    (_WEEKDAY_WORDS,),  # weekdays
]


def _may_match(text: str) -> list[bool]:
    """Per rule: False when the text lacks a word the rule needs (see _NEEDS), so it cannot match."""
    if _CASE_EXCEPTIONS.search(text):
        return [True] * len(_COMPILED)
    lower = text.lower()
    digit = _DIGIT.search(text) is not None
    present: dict[str, bool] = {}

    def has(word: str) -> bool:
        if word not in present:
            present[word] = digit if word == _A_DIGIT else word in lower
        return present[word]

    return [all(any(has(word) for word in group) for group in needs) for needs in _NEEDS]


# The date component and the count component (via `date_spans`) both need the candidates of the same
# section text, one right after the other: the grammar is the costliest Python step, so run it once.
# A handful of entries is enough, since the pipeline passes one Doc at a time through both components.
@lru_cache(maxsize=32)
def _candidates(text: str) -> tuple[_Match, ...]:
    """Every rule's matches, then the longest non-overlapping ones (earlier rules win ties).

    A tuple, since the cached result is shared by every caller.
    """
    found: list[tuple[int, int, _Match]] = []
    for order, ((rx, build), may) in enumerate(zip(_COMPILED, _may_match(text), strict=True)):
        if not may:
            continue
        for m in rx.finditer(text):
            got = build(m)
            if got is not None:
                found.append((order, m.start(), got))
    found.sort(key=lambda t: (-(t[2].end - t[2].start), t[0], t[1]))
    taken: list[_Match] = []
    for _o, _s, cand in found:
        if all(cand.end <= t.start or cand.start >= t.end for t in taken):
            taken.append(cand)
    return tuple(sorted(taken, key=lambda c: c.start))


def date_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of every DATE expression, resolvable or not: what counts must not claim."""
    return [(c.start, c.end) for c in _candidates(text)]


def find_dates(text: str, report_date: date | None) -> list[Mention]:
    """DATE mentions in `text`; year-less and relative ones resolved against `report_date`.

    Without a report date, a year-less expression takes the nearest year written before it in the
    text, and one that needs the day itself (`i veckan`) is left out.
    """
    out: list[Mention] = []
    last_year: int | None = None
    for c in _candidates(text):
        if c.needs == "none":
            ref: date | None = date(c.explicit_year or 2000, 7, 1)
        elif report_date is not None:
            ref = report_date
        elif c.needs == "year" and last_year is not None:
            ref = date(last_year, 7, 1)
        else:
            ref = None
        period = c.resolve(ref) if ref is not None else None
        if c.explicit_year is not None:
            last_year = c.explicit_year
        if period is None:
            continue
        start, end, gran = period
        norm = {"start": start.isoformat(), "end": end.isoformat(), "granularity": gran}
        out.append(Mention("DATE", c.start, c.end, text[c.start : c.end], norm, "rule"))
    return out


class DateTagger:
    """Proposes DATE candidates for the resolver, using the report date kept in `doc.user_data`."""

    def __call__(self, doc: Doc) -> Doc:
        for m in find_dates(doc.text, doc.user_data.get("report_date")):
            add_candidate(doc, m.start, m.end, "DATE", m.norm, m.source)
        return doc


@Language.factory("rapportkb_dates")
def make_date_tagger(nlp: Language, name: str) -> DateTagger:
    return DateTagger()
