"""Swedish COUNT and MONEY expressions: a number with the noun it counts, or an amount of money.

Reads: a text. Writes: `Mention`s of type COUNT (norm `{"value", "unit", "qualifier"}`) and MONEY
(norm `{"value", "currency"}`) as spec/ANNOTATION.md defines them. A number is a COUNT only when a
noun follows it, possibly after adjectives or participles (`29 bokade möten`); the noun test is the
lexical heuristic in nlp/wordclass.py. Numbers inside DATE expressions (`den 8-9 maj`), amounts of
money, durations and frequencies are never counts, so the two taggers do not claim the same text.
"""

from __future__ import annotations

import re
from decimal import Decimal

from spacy.language import Language
from spacy.tokens import Doc

from nlp.dates import date_spans
from nlp.firstchar import guarded
from nlp.mention import Mention, add_candidate
from nlp.wordclass import counted_noun, year_like_number_counts

_UNITS = {"två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9, "tio": 10,
          "elva": 11, "tolv": 12, "tretton": 13, "fjorton": 14, "femton": 15, "sexton": 16, "sjutton": 17,
          "arton": 18, "nitton": 19}  # fmt: skip
_TENS = {"tjugo": 20, "trettio": 30, "fyrtio": 40, "femtio": 50, "sextio": 60, "sjuttio": 70, "åttio": 80,
         "nittio": 90}  # fmt: skip
_MULTIPLIERS = {"tusen": 10**3, "miljon": 10**6, "miljoner": 10**6, "miljard": 10**9, "miljarder": 10**9}

_ATOM = "|".join(sorted([*_UNITS, *_TENS, "hundra", "tusen", "ett", "en"], key=len, reverse=True))
NUMBER_WORD = rf"(?:(?:{_ATOM})+)"
# Swedish digit grouping: `1 200` (also with no-break spaces) or `1.200`; a decimal comma `12,5`.
DIGITS = r"(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)|\d{1,3}(?:\.\d{3})+(?!\d)|\d+)(?:,\d+)?"
_L = r"(?<![\w:/.,+-])"
_R = r"(?![\w:/%]|[.,]\d|-\w)"

QUALIFIERS = {
    "approx": r"ca\.?|c:a|cirka|circa|omkring|ungefär|runt|kring|uppemot|upp\s+emot|upp\s+mot",
    "min": r"drygt|över|minst|åtminstone|mer\s+än|mera\s+än|fler\s+än",
    "max": r"knappt|under|högst|max\.?|maximalt|färre\s+än|mindre\s+än|nästan|upp\s+till",
}
_QUAL = "|".join(f"(?P<{k}>{v})" for k, v in QUALIFIERS.items())

_COUNT = guarded(
    rf"{_L}(?:(?:{_QUAL})\s+)?(?P<num>{DIGITS}|{NUMBER_WORD})"
    rf"(?:\s+(?P<mult>tusen|miljoner|miljon|miljarder|miljard|milj\.?))?{_R}",
    re.IGNORECASE,
)
# `ett 30-tal`, `ett drygt tjugotal`: an approximate round number.
_ROUND = guarded(
    rf"(?<!\w)(?:ett\s+)?(?:(?:{_QUAL})\s+)?(?P<num>\d+-tal|(?:{NUMBER_WORD})tal)(?!\w)", re.IGNORECASE
)

_CURRENCY = {"kr": "SEK", "kronor": "SEK", "krona": "SEK", "sek": "SEK", ":-": "SEK", "euro": "EUR",
             "eur": "EUR", "€": "EUR", "usd": "USD", "dollar": "USD", "$": "USD"}  # fmt: skip
_SCALED = {"tkr": (10**3, "SEK"), "tsek": (10**3, "SEK"), "mnkr": (10**6, "SEK"), "mkr": (10**6, "SEK"),
           "msek": (10**6, "SEK"), "mdkr": (10**9, "SEK"), "mdr kr": (10**9, "SEK"),
           "meur": (10**6, "EUR")}  # fmt: skip
_MONEY = guarded(
    rf"(?:{_L}(?P<pre>€|\$|EUR|SEK|USD)\s?(?P<pnum>{DIGITS})(?:\s+(?P<pmult>miljoner|miljon|miljarder|miljard))?{_R}"
    rf"|{_L}(?P<num>{DIGITS}|{NUMBER_WORD})\s*(?:(?P<mult>tusen|miljoner|miljon|milj\.|mn|miljarder|miljard|md)\s+)?"
    r"(?P<cur>mdr\s+kr|mnkr|mkr|msek|mdkr|tkr|tsek|meur|kronor|krona|kr|sek|euro|eur|usd|dollar|€|\$|:-)"
    r"(?![\w€$]))",
    re.IGNORECASE,
)
_MULT_ABBR = {"milj.": 10**6, "milj": 10**6, "mn": 10**6, "md": 10**9}
# `under 20 deltagare` is "fewer than" only after a word that states an amount; elsewhere `under`
# means "during" (`närvarade under 19 avhysningar`) and the count has no qualifier.
_UNDER_AS_MAX_AFTER = frozenset([
    "strax", "något", "lite", "är", "var", "blev", "blir", "med", "på", "till", "totalt", "sammanlagt",
    "endast", "bara", "ligger", "låg", "uppgick", "uppgår", "hade", "har", "av", "för", "än", "vara", "varit",
])  # fmt: skip
# A number right after one of these names a table, chapter or page, not a count (`Tabell 1 Utfall`).
_LABEL_BEFORE = re.compile(
    r"(?:\b(?:tabell|figur|bild|bilaga|diagram|kapitel|kap|avsnitt|punkt|nr|sid|sida|s|mål|steg|fas|etapp)\.?|§)\s*$",
    re.IGNORECASE,
)
# `mellan 8 och 10 personer`, `8-10 personer`: a range of counts; the norm keeps its lower bound as the
# value (qualifier "min") and the upper bound in `upper`.
_COUNT_RANGE = guarded(
    rf"{_L}(?:mellan\s+)?(?P<lo>{DIGITS}|{NUMBER_WORD})(?:\s*[-–]\s*|\s+(?:och|till)\s+)"
    rf"(?P<num>{DIGITS}|{NUMBER_WORD}){_R}",
    re.IGNORECASE,
)
_YEAR_LIKE = re.compile(r"(?:19|20)\d\d")
# `minst en person`, `högst ett barn`: after these qualifiers the article clearly counts.
_ONE_COUNTS_AFTER = re.compile(r"minst|åtminstone|högst|maximalt", re.IGNORECASE)
# `minst 1 möte per år`, `ett möte i månaden`: one occasion per period is a frequency, not a count.
_PER_PERIOD = re.compile(
    r"\s+(?:per|i|om|varje)\s+(?:år|året|månad|månaden|vecka|veckan|dag|dagen|dygn|dygnet|termin|terminen|"
    r"kvartal|kvartalet|tertial|halvår)(?![\w\u00ad])",
    re.IGNORECASE,
)


def parse_number_word(word: str) -> int | None:
    """`tjugofem` -> 25, `tvåhundra` -> 200, `etttusen` -> 1000; None if it is not a number word."""
    w = word.lower()
    if not w:
        return None
    for big, factor in (("tusen", 1000), ("hundra", 100)):
        if big in w:
            left, _, right = w.partition(big)
            lv = 1 if left in ("", "ett", "en") else parse_number_word(left)
            rv = 0 if right == "" else 1 if right in ("en", "ett") else parse_number_word(right)
            return None if lv is None or rv is None else lv * factor + rv
    if w in _UNITS:
        return _UNITS[w]
    for tens, value in _TENS.items():
        if w.startswith(tens):
            rest = w[len(tens) :]
            if rest == "":
                return value
            if rest in _UNITS and _UNITS[rest] < 10 or rest in ("en", "ett"):
                return value + (_UNITS.get(rest) or 1)
    return None


def parse_digits(s: str) -> Decimal:
    """`1 200` / `1.200` -> 1200, `12,5` -> 12.5 (Swedish grouping and decimal comma)."""
    s = re.sub(r"[ \u00a0\u202f]", "", s)
    s = s.replace(".", "") if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", s) else s
    return Decimal(s.replace(",", "."))


def _number(s: str) -> Decimal | None:
    if s[0].isdigit():
        return parse_digits(s)
    v = parse_number_word(s)
    return Decimal(v) if v is not None else None


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def find_money(text: str) -> list[Mention]:
    """MONEY mentions: `12,5 mnkr` -> 12500000 SEK, `500 tkr` -> 500000 SEK, `€ 300` -> 300 EUR."""
    out = []
    for m in _MONEY.finditer(text):
        if m.group("pre"):
            value = parse_digits(m.group("pnum"))
            mult = _MULTIPLIERS.get((m.group("pmult") or "").lower(), 1)
            currency = _CURRENCY[m.group("pre").lower()]
        else:
            value = _number(m.group("num"))
            if value is None or (m.group("num").lower() in ("en", "ett") and not m.group("mult")):
                continue
            mword = (m.group("mult") or "").lower()
            mult = _MULTIPLIERS.get(mword) or _MULT_ABBR.get(mword, 1)
            cur = re.sub(r"\s+", " ", m.group("cur").lower())
            scale, currency = _SCALED.get(cur, (1, _CURRENCY.get(cur)))
            mult *= scale
        norm = {"value": _plain(value * mult), "currency": currency}
        out.append(Mention("MONEY", m.start(), m.end(), m.group(), norm, "rule"))
    return out


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in spans)


# The longest label `_LABEL_BEFORE` knows, with its dot (`kapitel.`).
_LABEL_LEN = 8


def _label_before(text: str, pos: int) -> bool:
    """`_LABEL_BEFORE` on `text[:pos]`, but reading only the label's few characters, not the whole text.

    The label must end where the whitespace before `pos` begins, so it starts at most `_LABEL_LEN`
    characters earlier; `endpos` truncates the text as the slice did, while the word-edge test still
    sees the character before the window, as it did in the whole text.
    """
    end = pos
    while end and text[end - 1].isspace():  # str.isspace() is what `\s` matches
        end -= 1
    return _LABEL_BEFORE.search(text, max(0, end - _LABEL_LEN), pos) is not None


def find_counts(text: str) -> list[Mention]:
    """COUNT mentions: a cardinal with its counted noun and qualifier (`Drygt 20 olika aktörer`)."""
    return _counts(text, find_money(text))


def _counts(text: str, money: list[Mention]) -> list[Mention]:
    """`find_counts` given the text's MONEY mentions, which the tagger has found already."""
    # Dates, money and the counts found so far: none of them may be claimed again.
    claimed = date_spans(text) + [(m.start, m.end) for m in money]
    out: list[Mention] = []
    for rx in (_ROUND, _COUNT_RANGE, _COUNT):
        for m in rx.finditer(text):
            num_start, num_end = m.span("num")
            first = m.start() if rx is _COUNT_RANGE else num_start
            if _overlaps(first, num_end, claimed) or _label_before(text, m.start()):
                continue
            raw = m.group("num")
            start = m.start()
            if rx is _COUNT_RANGE:
                low, high = _number(m.group("lo")), _number(raw)
                if low is None or high is None or not low < high or "och" in m.group().lower() and not (
                    m.group().lower().startswith("mellan")
                ):
                    continue  # `tre och fyra` without `mellan` lists, it does not bound
                noun = counted_noun(text, m.end())
                if noun is None:
                    continue
                norm = {"value": _plain(low), "unit": noun[0], "qualifier": "min", "upper": _plain(high)}
                out.append(Mention("COUNT", start, noun[1], text[start : noun[1]], norm, "rule"))
                claimed.append((start, noun[1]))
                continue
            if raw.lower().endswith("tal"):
                value = _number(raw[:-4] if raw.endswith("-tal") else raw[:-3])
                qualifier = "approx"
            else:
                qualifier = next((k for k in QUALIFIERS if m.group(k)), None)
                if raw.lower() in ("en", "ett"):
                    qualified = rx is _COUNT and not m.group("mult") and qualifier is not None
                    if not (qualified and _ONE_COUNTS_AFTER.fullmatch(m.group(qualifier))):
                        continue  # the article alone is not a count (`en workshop`)
                    value = Decimal(1)
                else:
                    value = _number(raw)
                if qualifier == "max" and m.group("max").lower() == "under":
                    before = re.search(r"(\w+)\W*$", text[: m.start()])
                    if not before or before.group(1).lower() not in _UNDER_AS_MAX_AFTER:
                        qualifier, start = None, num_start
            if value is None:
                continue
            if rx is _COUNT and m.group("mult"):
                mword = m.group("mult").lower()
                value *= _MULTIPLIERS.get(mword) or _MULT_ABBR[mword]
            elif value != value.to_integral_value():
                continue  # `3,5` of something is a measure, not a count
            noun = counted_noun(text, m.end())
            if noun is None:
                continue
            if _YEAR_LIKE.fullmatch(raw) and not year_like_number_counts(text, m.end()):
                continue  # `född 1923 endast`: the date rules decide what a year-like number is
            unit, end = noun
            if value == 1 and _PER_PERIOD.match(text, end):
                continue
            norm = {"value": _plain(value), "unit": unit, "qualifier": qualifier}
            out.append(Mention("COUNT", start, end, text[start:end], norm, "rule"))
            claimed.append((start, end))
    return sorted(out, key=lambda x: x.start)


class QuantityTagger:
    """Proposes COUNT and MONEY candidates for the resolver."""

    def __call__(self, doc: Doc) -> Doc:
        money = find_money(doc.text)
        for m in money + _counts(doc.text, money):
            add_candidate(doc, m.start, m.end, m.type, m.norm, m.source)
        return doc


@Language.factory("rapportkb_quantities")
def make_quantity_tagger(nlp: Language, name: str) -> QuantityTagger:
    return QuantityTagger()
