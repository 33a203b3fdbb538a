"""Rough Swedish word classes for the DATE and COUNT rules: is this word a noun that can be counted?

We have no trained tagger to lean on, so the decision uses the lemma lookup table that ships in
spacy-lookups-data (form -> lemma, about 660,000 Swedish forms) plus Swedish inflection: a form that
is its lemma plus an adjective ending (`unga` <- `ung`), a participle or tense ending of a verb in -a
(`bokade` <- `boka`), or a superlative, is a modifier or a verb, not a head noun. Words the table does
not know (`körsångare`, `deltagare`) default to nouns, which is what an unknown word after a numeral
almost always is. A short list of function words and time units covers the rest.
"""

from __future__ import annotations

import gzip
import json
import re
from functools import cache
from importlib.resources import files

# Closed-class words that can follow a numeral but never head a counted noun phrase.
# fmt: off
FUNCTION_WORDS = frozenset([
    "av", "an", "att", "bakom", "bland", "de", "dem", "den", "denna", "dessa", "det", "detta", "där",
    "då", "efter", "eller", "ej", "emellan", "en", "ett", "for", "från", "för", "före", "genom", "hos",
    "i", "ifrån", "igen", "ihop", "in", "inför", "inom", "innan", "jag", "kring", "med", "mellan", "mot",
    "ned", "ner", "nu", "när", "och", "om", "omkring", "oss", "per", "på", "samt", "sedan", "som", "så",
    "till", "tills", "trots", "ty", "under", "upp", "ur", "utan", "ut", "utanför", "utom", "vad", "var",
    "vi", "via", "vid", "vilka", "vilken", "vilket", "åt", "än", "ändå", "är", "över", "också", "även",
    "inte", "bara", "redan", "ännu", "sig", "sin", "sina", "sitt", "han", "hon", "hen", "ni", "man",
    "dess", "deras", "vår", "våra", "vårt", "er", "era", "ha", "har", "hade", "haft", "blir", "blev",
    "bli", "kan", "kunde", "ska", "skall", "skulle", "vill", "ville", "får", "fick", "måste", "kommer",
    "kom", "går", "gick", "gör", "gjorde", "göra", "finns", "fanns", "st", "etc", "dvs", "bl.a",
    "endast", "enbart", "blott", "totalt", "sammanlagt", "tillsammans", "vardera", "varav", "alltså", "dock",
    "ju", "väl", "helt", "mest", "både", "antingen", "ca", "cirka", "drygt", "knappt", "nästan", "ff",
    "mig", "dig", "hans", "hennes", "min", "din", "mitt", "ditt", "mina", "dina", "hur", "men", "medan",
    "enligt", "länge", "mycket", "fortfarande", "bra", "lite", "mer", "mera", "mindre",
    "minst", "högst", "ungefär", "runt", "uppemot", "max", "maximalt", "åtminstone", "cirka", "drygt",
])
# Swedish number words (`tjugofem`, `tre`): never a counted noun, so never the second of two units.
_NUMBER_WORD = re.compile(
    r"(?:en|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|tretton|fjorton|femton|sexton|sjutton|arton|"
    r"nitton|tjugo|trettio|fyrtio|femtio|sextio|sjuttio|åttio|nittio|hundra|tusen)+"
)
# fmt: on

# Counted "units" that make a numeral a duration, frequency, share or amount instead of a COUNT.
# fmt: off
NON_COUNT_UNITS = frozenset([
    "sekund", "sekunder", "sekunden", "minut", "minuter", "minuten", "min", "timme", "timmar", "timmen",
    "h", "dag", "dagar", "dagen", "dygn", "vecka", "veckor", "veckan", "månad", "månader", "månaden",
    "år", "åren", "året", "års", "gång", "gånger", "ggr", "procent", "procentenheter", "kr", "kronor",
    "krona", "tkr", "mkr", "mnkr", "mdkr", "sek", "msek", "euro", "eur", "miljon", "miljoner", "miljard",
    "miljarder", "tusen", "tal", "talet", "talets", "milj", "mn", "md",
    # units of measure: `10 mg`, `5 km` are measurements, not counts
    "mg", "g", "gram", "milligram", "kg", "kilo", "ton", "mm", "cm", "m", "meter", "km", "kilometer", "mil",
    "kvm", "kvadratmeter", "hektar", "ha", "l", "liter", "grader", "kwh", "mwh", "gwh", "twh", "mw", "kw",
    "msk", "tsk", "dl", "cl", "ml", "procents", "kap", "sid", "s", "§", "bar", "mbar", "pa", "kpa", "mpa",
])
# fmt: on
# Every inflection of a time unit (`månaders`, `minuterna`, `veckorna`): the number is a duration.
_TIME_UNIT = re.compile(
    r"(?:sekund|minut|timm|timme|dag|dygn|veck|vecka|månad|år|gång)(?:e|en|er|ar|or|n|na|arna|erna|orna|s|ens|ers|ars|ors|ets|arnas|ernas|ornas|ens)?"
)
# fmt: off
# fmt: on

# Quantifiers and number-like words that are never the counted noun.
# fmt: off
QUANTIFIER_WORDS = frozenset([
    "fler", "flera", "många", "några", "samtliga", "alla", "båda", "bägge", "övriga", "andra", "enstaka",
    "hundratals", "tusentals",
])
# fmt: on

# Endings that turn the stem of a verb in -a into a finite form or participle (`bok-ade`, `sök-es`).
_VERB_SUFFIXES = (
    "r", "er", "de", "te", "ade", "da", "ta", "d", "t", "at", "s", "es", "ades", "des", "tes", "ats", "ts",
    "ds", "dds", "tts",
)  # fmt: skip
# What nouns in -a (`flicka`, `öga`, `hjärta`) add to their stem when they inflect.
_NOUN_A_ENDINGS = frozenset(["a", "an", "ans", "or", "orna", "ornas", "ors", "on", "onen", "ona", "orne"])
# Ordinals modify the noun that a cardinal counts (`sex första månader`), they are never its head.
# fmt: off
ORDINAL_WORDS = frozenset([
    "första", "tredje", "fjärde", "femte", "sjätte", "sjunde", "åttonde", "nionde", "tionde", "sista",
    "senaste", "nästa",
])
# fmt: on
# fmt: off
_ADJ_IRREGULAR = frozenset([
    "gamla", "små", "andra", "enda", "bästa", "största", "minsta", "flesta", "egna", "nästa", "sista",
])
# fmt: on
_ADJ_SUFFIX_UNKNOWN = re.compile(r"(?:iga|liga|iska|ska|ade|ande|ende|aste)$")


@cache
def lemma_table() -> dict[str, str]:
    """spaCy's Swedish form -> lemma lookup, loaded once on first use (about a second).

    660,000 forms share 93,000 lemmas, but the JSON parser makes a string per entry: sharing one
    string per lemma keeps the same table in about 40 MB less of every worker's memory.
    """
    path = files("spacy_lookups_data") / "data" / "sv_lemma_lookup.json.gz"
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        table: dict[str, str] = json.load(fh)
    shared: dict[str, str] = {}
    for form, lem in table.items():  # replacing values of existing keys: the dict does not change size
        table[form] = shared.setdefault(lem, lem)
    return table


def lemma(word: str) -> str | None:
    """Lemma of a lower-case word; for an unknown compound, the lemma of its longest known tail."""
    table = lemma_table()
    if word in table:
        return table[word]
    # Swedish compounds inflect on their last part: `jurybedömda` inflects like `bedömda`.
    for cut in range(1, len(word) - 3):
        tail = word[cut:]
        if tail in table:
            return word[:cut] + table[tail]
    return None


def is_verb_form(word: str) -> bool:
    """A finite verb or participle (`kommer`, `bokade`, `deltagande`, `sökes`, `hölls`)."""
    w = word.lower()
    if w.endswith(("ande", "ende")) and len(w) > 5:
        return True
    if _is_noun_lemma(w, ("et", "en")):
        return False  # `dokument`: the table lists its definite forms, whatever its tail suggests
    lem = lemma(w)
    if lem is not None and lem != w and _STRONG_PAST.search(w):
        return True  # `uppgick` <- `uppgå`, `kvarstod` <- `kvarstå`: strong past forms
    if lem is None or lem == w:
        return w.endswith("a") and _is_verb_lemma(w)  # an infinitive (`försöka`)
    if lem.endswith("as"):
        return True  # a deponent verb (`hållas`, `finnas`): every form is a verb
    if len(lem) <= 3 and lem[-1] in "eåoöyui" and w in (lem + "r", lem + "tt", lem + "dd", lem + "s"):
        return True  # short verbs (`ge` -> `ger`, `gå` -> `går`, `bo` -> `bor`)
    compound_short = len(lem) > 3 and lem[-1] in "åe" and w in (lem + "r", lem + "tt", lem + "dd")
    if compound_short and not _is_noun_lemma(lem, ("n",)):
        return True  # their compounds (`ingå` -> `ingår`, `kvarstå` -> `kvarstår`)
    if not lem.endswith("a"):
        return False
    stem = lem[:-1]
    if not w.startswith(stem):
        return True  # a strong verb's past form (`hölls` <- `hålla`); nouns in -a keep their stem
    ending = w[len(stem) :]
    if ending in _NOUN_A_ENDINGS:
        return False  # `flickor`, `ögon`: a noun in -a, inflected
    table = lemma_table()
    noun_stem = stem in (table.get(w + "na"), table.get(stem + "en"), table.get(stem + "et"))
    if ending in ("ar", "er") and noun_stem:
        return False  # `delar` is `del` in the plural as well as `dela`: counted_noun asks the context
    # The regular endings, and the strong past forms that keep the stem (`bidrog` <- `bidra`).
    strong_past = ending in ("og", "ogs")  # `dra`/`ta` and their compounds
    return any(w == stem + s or w == lem + s for s in _VERB_SUFFIXES) or strong_past


def _is_noun_lemma(word: str, endings: tuple[str, ...]) -> bool:
    """The table maps a definite form onto the word (`dokumentet` -> `dokument`, `linjen` -> `linje`)."""
    table = lemma_table()
    return any(table.get(word + end) == word for end in endings)


# Strong past tenses, also inside compounds (`uppgick`, `framgick`, `kvarstod`, `innehöll`).
_STRONG_PAST = re.compile(
    r"(?:gick|fick|stod|kom|tog|gav|låg|såg|drog|blev|slog|höll|föll|gjorde|lät|fann|bjöd|skrev|drev)$"
)


def _is_verb_lemma(lem: str) -> bool:
    """The lemma table lists present or past forms for it (`försöka` <- `försöker`), so it is a verb."""
    table = lemma_table()
    stem = lem[:-1]
    return any(table.get(f) == lem for f in (lem + "r", stem + "er", lem + "de", stem + "de", stem + "te"))


def is_adjective_form(word: str) -> bool:
    """An inflected adjective, participle or superlative (`unga`, `allmänna`, `samlade`, `nordligaste`)."""
    w = word.lower()
    if w in _ADJ_IRREGULAR:
        return True
    if w.endswith("are") and len(w) > 5:
        return False  # the agent noun (`lärare`, `deltagare`), which the table may list under `lärar`
    lem = lemma(w)
    if lem is None or lem == w:
        if _is_adjective_lemma(w):
            return True  # the base form (`en köttfri dag`), which only a count of one puts here
        return lem is None and bool(_ADJ_SUFFIX_UNKNOWN.search(w))
    # Weak/plural forms (-a, -e, with a doubled final consonant) and comparison forms.
    # Not the comparative -are: it is also the agent noun (`ledare`, `sångare`).
    forms = ("a", "e", lem[-1] + "a", "ast", "aste", "ste")
    return any(w == lem + f for f in forms)


def _is_adjective_lemma(w: str) -> bool:
    """The table lists weak and neuter forms under the word or its tail (`fria`, `fritt` -> `fri`,
    so `köttfri` is an adjective too)."""
    table = lemma_table()
    for cut in range(max(1, len(w) - 2)):  # tails of three letters or more, or the whole word
        tail = w[cut:]
        if table.get(tail + "a") == tail and tail in (table.get(tail + "t"), table.get(tail + "tt")):
            return True
    return False


# Not -de/-te: for verbs like `gälla`/`köpa` those are the past tense (`1 020 gällde barn`); their
# participles end in -da/-ta (`gällda`, `köpta`), and `bokade` is caught by -ade.
_PARTICIPLE_SUFFIXES = ("ade", "ad", "at", "da", "ta", "d", "t", "dd", "tt", "na", "en", "et")


def is_participle(word: str) -> bool:
    """A participle that can modify a noun (`bokade`, `bedömda`, `deltagande`), not a finite verb."""
    w = word.lower()
    if w.endswith(("ande", "ende")) and len(w) > 5:
        return True
    lem = lemma(w)
    if lem is None or lem == w or not lem.endswith("a") or _is_noun_lemma(w, ("et", "en")):
        return False
    return any(w == lem[:-1] + s for s in _PARTICIPLE_SUFFIXES)


def is_modifier(word: str) -> bool:
    """A word that can stand between a numeral and its noun: adjective, participle, `stycken`."""
    w = word.lower()
    if w in ("stycken", "st", "olika") or w in ORDINAL_WORDS:
        return True  # `3 st konserter`: `st` is also in FUNCTION_WORDS so it never heads the phrase
    if w in FUNCTION_WORDS:
        return False
    return is_adjective_form(w) or is_participle(w)


_WORD = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)*$")

# Adjectives and participles that Swedish uses as nouns for groups of people (`20 anställda`).
# fmt: off
NOMINALISED = frozenset([
    "anställda", "anhöriga", "sjuka", "unga", "vuxna", "äldre", "nyanlända", "inskrivna", "anmälda",
    "frivilliga",
])
# fmt: on


def _nominalised(w: str) -> bool:
    """`anställda`, also in a compound (`tillsvidareanställda`, `visstidsanställda`)."""
    return w in NOMINALISED or any(w.endswith(n) and len(w) - len(n) >= 3 for n in NOMINALISED)


# Fractions (`två tredjedelar`) are shares, not counted things.
_FRACTION = re.compile(r"(?:halv|tredje|fjärde|femte|sjätte|sjunde|åttonde|nionde|tionde|tion|hundra|tusen)"
                       r"del(?:ar|en|arna|s)?")  # fmt: skip


def _definite_singular(w: str) -> bool:
    """`verket`, `personen`: a cardinal never counts a definite singular (`3 Naturvårdsverket` is a
    footnote number); `barnen`, `möten` are plurals and stay countable."""
    lem = lemma(w)
    if lem is None or lem == w or lem[-1] in "aeiouyåäö":
        return False
    if w == lem + "et":
        return True
    return w == lem + "en" and lemma_table().get(lem + "et") != lem  # neuter `-en` is the plural


def could_be_noun(word: str) -> bool:
    """Not ruled out as a counted noun: no function word, verb, adjective, unit or quantifier."""
    abbr = re.match(r"^[A-ZÅÄÖ0-9]+-([a-zåäö]+)$", word)
    if abbr:
        return could_be_noun(abbr.group(1))  # `SFI-grupper`, `LSS-bostäder`: the tail decides
    if not _WORD.match(word):
        return False
    w = word.lower()
    if _NUMBER_WORD.fullmatch(w):
        return False
    if word[0].isupper() and not word.isupper() and w not in lemma_table():
        return False  # most likely a proper name (`3 Stockholm`) rather than a counted noun
    if w in FUNCTION_WORDS or w in NON_COUNT_UNITS or w in QUANTIFIER_WORDS or len(w) < 3:
        return False
    if _TIME_UNIT.fullmatch(w) or _FRACTION.fullmatch(w) or _definite_singular(w):
        return False
    if _nominalised(w) or w.endswith(("ande", "ende")):
        return True  # `48 studerande`: the participle is the head when nothing follows it
    return not (is_modifier(w) or is_verb_form(w))


# At most one line break: a blank line ends the paragraph, and the noun phrase with it.
_NEXT_WORD = re.compile(r"(?:[^\S\n]+|[^\S\n]*\n[^\S\n]*)([^\s]+)")
_TRAILING = re.compile(r"[.,;:!?)\]”\"'»]+$")


def following_words(text: str, pos: int, limit: int = 5) -> list[tuple[str, int, int, bool]]:
    """Up to `limit` words after `pos` as (word, start, end, ends_clause), stopping at punctuation."""
    words = []
    while len(words) < limit:
        m = _NEXT_WORD.match(text, pos)
        if not m:
            break
        raw = m.group(1)
        tail = _TRAILING.search(raw)
        word = raw[: tail.start()] if tail else raw
        if not word:
            break
        words.append((word, m.start(1), m.start(1) + len(word), bool(tail)))
        if tail:
            break
        pos = m.end()
    return words


def counted_noun(text: str, pos: int) -> tuple[str, int] | None:
    """The head noun of the noun phrase starting after `pos`, skipping adjectives and participles.

    Returns (unit as written, end offset), or None when no noun follows. A coordinated noun of the
    same form joins the unit (`230 körsångare och körledare`: one count for both groups).
    """
    words = following_words(text, pos)
    i = 0
    # Skip modifiers while more of the phrase follows (`fyra stycken allmänna informationsmöten`).
    while (
        i + 1 < len(words) and not words[i][3] and is_modifier(words[i][0]) and not words[i][0][0].isupper()
    ):
        nxt = words[i + 1][0]
        if not (could_be_noun(nxt) or is_modifier(nxt) and not _nominalised(words[i][0].lower())):
            break  # `23 tillsvidareanställda slutade`: the nominalised word heads, `slutade` is the verb
        i += 1
    if i >= len(words) or not could_be_noun(words[i][0]):
        return None
    word, start, end, last = words[i]
    followed_by = words[i + 1][0].lower() if not last and i + 1 < len(words) else ""
    lem = lemma(word.lower())
    # `72 visar en ökning`: a present-tense verb with its object, not a plural noun; but `två
    # inspektioner den 6 maj` keeps its noun, since `inspektion` cannot be the stem of a verb.
    if word.endswith("r") and followed_by in _AFTER_FINITE_VERB and (lem is None or lem[-1] in "aeiouyåäö"):
        return None
    if not last and i + 2 < len(words):
        conj, other = words[i + 1], words[i + 2]
        # `230 körsångare och körledare`, `10 verksamheter eller hushåll`; not `10 företag och kommunen`.
        if conj[0] in ("och", "eller") and could_be_noun(other[0]) and other[0].islower() and (
            other[0][-2:] == word[-2:] or not other[0].endswith(("en", "et", "an", "na"))
        ):
            return text[start : other[2]], other[2]
    return word, end


# Words that follow a finite verb far more often than a plural noun (articles, pronouns, adverbs).
_AFTER_FINITE_VERB = frozenset([
    "en", "ett", "sig", "inte", "det", "den", "dem", "också", "även", "redan", "alltid", "ofta",
    "något", "några", "ingen", "inga", "hur", "vad", "oss", "mig", "dig", "honom", "henne",
])  # fmt: skip


_PLURAL_ENDINGS = ("er", "ar", "or", "are", "n", "na", "ande", "ende")


def looks_plural(word: str) -> bool:
    """A plural noun form, by ending or by the lemma table (`deltagare`, `möten`, `tjejer`).

    Used where a bare number could also be a year (`född 1923 endast`): only a clearly
    inflected noun makes `2023 deltagare` a count.
    """
    w = word.lower()
    if is_verb_form(w):
        return False  # `2011 ingår`, `2021 bidrog`: the number is the year the verb happens in
    if w.endswith(_PLURAL_ENDINGS):
        return True
    lem = lemma(w)
    return lem is not None and lem != w and not w.startswith(lem + "s")


def year_like_number_counts(text: str, pos: int) -> bool:
    """Whether a number like `2023` ending at `pos` counts or measures what follows (`2023 deltagare`,
    `2000 kr`) rather than naming a year (`2023 är`, `2024 års`, `född 1923 endast`)."""
    nxt = following_words(text, pos, 1)
    if not nxt or nxt[0][0] == "års":
        return False
    if nxt[0][0].lower() == "ha":
        after = following_words(text, nxt[0][2], 1)
        if after and is_verb_form(after[0][0]):
            return False  # `Malmö 2014 ha medfört`: the auxiliary, not hectares
    if nxt[0][0].lower() in NON_COUNT_UNITS:
        return True
    noun = counted_noun(text, pos)
    return noun is not None and looks_plural(noun[0].split()[0])
