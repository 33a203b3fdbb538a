"""Organisation names recognised by their context rather than by a list or their own shape.

spec/ANNOTATION.md tags companies, associations, ensembles, choirs and bands, named units and committees
as ORG. Many of them carry no tell-tale ending (`Arctic Light`, `Dansinitiativet`, `ABI`), but Swedish
prose says what they are around them: an apposition (`Arctic Light, kören med ...`), a company form
(`Tåga konsult`, `Nord Bygg AB`), an ampersand (`Ernst & Young`), a coordination with another
organisation (`Region Norrbotten och Dansinitiativet`), a list of organisations (`Almi, ABI, FR och ...`),
an ellipsis (`Region Norrbotten och Västerbotten`, where `Region` is not repeated). nlp/gazetteer.py
calls `context_candidates` with the list and rule candidates it found and adds what this returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from spacy.tokens import Doc, Token
from wordfreq import zipf_frequency

from nlp.wordclass import lemma

#: Definite group nouns that, in apposition after a name, say that the name is an organisation.
GROUP_NOUNS = ("kören", "bandet", "gruppen", "ensemblen", "orkestern", "föreningen", "företaget", "bolaget",
               "organisationen", "förlaget", "stiftelsen", "nätverket", "klubben", "kollektivet",
               "kompaniet", "byrån", "kvartetten", "trion")  # fmt: skip
#: English group heads written in lower case after `the` + name (`the Chickpeas band`).
ENGLISH_GROUP_HEADS = {"band", "orchestra", "choir", "ensemble", "quartet", "trio", "collective", "company"}
#: Company forms written after the name (`Nord Bygg AB`, `Tåga konsult`); `KB` is left out: it is also
#: Kungliga biblioteket's abbreviation.
COMPANY_FORMS = {"AB", "HB", "Oy", "Ab", "AS", "ASA", "Ltd", "Inc", "GmbH", "konsult", "Konsult",
                 "Consulting", "konsulter", "Konsulter"}  # fmt: skip
#: Lower-case English heads after `science` (`Piteå science park`): a science park is a company.
SCIENCE_HEADS = {"park", "center", "centre"}
#: Relational adjectives (`regionala`, `tekniska`, `kulturella`) that make a lower-case committee a name.
RELATIONAL_ADJECTIVE_ENDINGS = ("ala", "iska", "ella", "ära")
COMMITTEE_SUFFIXES = ("nämnden", "nämndens")
COORDINATORS = {"och", "samt", "eller", ","}
#: Words for a region or county council that Swedish leaves out of the second of two coordinated names.
ELLIPTIC_BODIES = {"Region", "Landstinget"}
#: A capitalised word this frequent in lower case is an ordinary word, unless its context says otherwise.
COMMON_WORD_ZIPF = 4.0
MAX_NAME_WORDS = 4
#: `Biblioteken i Norrbotten` is a name made of a plain noun; a rare compound (`Mellansjöregionen i ...`)
#: is a name of its own (a place), whatever follows it.
PLAIN_NOUN_ZIPF = 2.5
#: Token texts some rule of `context_candidates` starts from.
_TRIGGER_TEXTS = frozenset({"&", ","} | COMPANY_FORMS | ELLIPTIC_BODIES)


class Cand(Protocol):
    start: int
    end: int
    label: str


#: Builds the caller's candidate: (start, end, label, whether a genitive ending is dropped from the norm).
Make = Callable[[int, int, str, bool], object]


def _capitalised(tok: Token) -> bool:
    return tok.is_alpha and tok.text[0].isupper() and not tok.is_upper


def _acronym(tok: Token) -> bool:
    text = tok.text
    # The cheap string tests first: almost no token is in capitals.
    return text.isupper() and text.isalnum() and 2 <= sum(ch.isalpha() for ch in text) <= 6


def _name_start(doc: Doc, end: int, sentence_initial: Callable[[Doc, int], bool]) -> int:
    """Start of the run of capitalised words that ends at `end` (exclusive), at most MAX_NAME_WORDS."""
    start = end
    while start > 0 and end - start < MAX_NAME_WORDS and _capitalised(doc[start - 1]):
        start -= 1
        if sentence_initial(doc, start):
            break
    return start


def context_candidates(
    doc: Doc,
    found: Sequence[Cand],
    place_starts: dict[int, list[int]],
    sentence_initial: Callable[[Doc, int], bool],
    make: Make,
    texts: Sequence[str] | None = None,
    lowers: Sequence[str] | None = None,
) -> Iterator[object]:
    """ORG candidates from the context rules; `place_starts` maps a token to the ends of places there.

    `texts` and `lowers`, every token's text and lower case, when the caller has read them already.
    """
    n = len(doc)
    org_ends = {c.end for c in found if c.label == "ORG"}
    org_starts = {c.start for c in found if c.label == "ORG"}
    covered = {i for c in found for i in range(c.start, c.end)}
    if texts is None or lowers is None:
        texts, lowers = [tok.text for tok in doc], [tok.lower_ for tok in doc]
    for i, text in enumerate(texts):
        low = lowers[i]
        # Every rule below starts from one of these; for the other tokens no Token need be made.
        if not (text in _TRIGGER_TEXTS or low in ENGLISH_GROUP_HEADS or low in SCIENCE_HEADS
                or low.endswith(COMMITTEE_SUFFIXES) or i + 2 in place_starts):
            continue
        tok = doc[i]
        # `Ernst & Young`, `Happis Arts & Craft`: capitalised words joined by an ampersand.
        if text == "&" and 0 < i < n - 1 and _capitalised(doc[i - 1]) and _capitalised(doc[i + 1]):
            start = _name_start(doc, i, sentence_initial)
            end = i + 1
            while end < n and end - i <= MAX_NAME_WORDS and _capitalised(doc[end]):
                end += 1
            yield make(start, end, "ORG", False)
        # `Arctic Light, kören med ...`: a name in apposition with a definite group noun.
        if (text == "," and i > 0 and i + 1 < n and doc[i + 1].is_lower
                and doc[i + 1].lower_.endswith(GROUP_NOUNS)):
            start = _name_start(doc, i, sentence_initial)
            if start < i and i not in place_starts.get(start, []):  # `Luleå, staden ...` stays a place
                yield make(start, i, "ORG", False)
        # `the Chickpeas band`.
        if tok.lower_ in ENGLISH_GROUP_HEADS and tok.is_lower and i >= 2:
            start = _name_start(doc, i, sentence_initial)
            if start < i and start > 0 and doc[start - 1].lower_ == "the":
                yield make(start - 1, i + 1, "ORG", False)
        # `Nord Bygg AB`, `Tåga konsult`: capitalised, rare words before a company form.
        if text in COMPANY_FORMS and i > 0 and _capitalised(doc[i - 1]) and not sentence_initial(doc, i):
            start = _name_start(doc, i, sentence_initial)
            if text.isupper() or text in {"Oy", "Ab", "Ltd", "Inc", "GmbH"} or all(
                zipf_frequency(t.lower_, "sv") < COMMON_WORD_ZIPF for t in doc[start:i]
            ):
                yield make(start, i + 1, "ORG", False)
        # `Piteå science park`.
        if (tok.lower_ in SCIENCE_HEADS and i >= 2 and doc[i - 1].lower_ == "science"
                and _capitalised(doc[i - 2])):
            yield make(_name_start(doc, i - 1, sentence_initial), i + 1, "ORG", False)
        # `regionala utvecklingsnämndens`: a relational adjective + a committee, also in lower case.
        if (i > 0 and tok.is_lower and tok.lower_.endswith(COMMITTEE_SUFFIXES) and len(tok.text) > 10
                and doc[i - 1].is_alpha and doc[i - 1].lower_.endswith(RELATIONAL_ADJECTIVE_ENDINGS)):
            yield make(i - 1, i + 1, "ORG", True)
        # `Biblioteken i Norrbotten`: a capitalised plural common noun in mid-sentence, then `i <Place>`
        # (a singular one is a single institution or an event at the place: `Bokmässan i Göteborg`).
        if (i + 2 in place_starts and i + 2 < n and texts[i + 1] == "i" and _capitalised(tok)
                and not sentence_initial(doc, i) and i not in covered and _definite_plural(tok.lower_)
                and zipf_frequency(tok.lower_, "sv") >= PLAIN_NOUN_ZIPF):
            yield make(i, max(place_starts[i + 2]), "ORG", True)
        # `Region Norrbotten och Västerbotten`: the second place stands for its region.
        if text in ELLIPTIC_BODIES and i + 1 in place_starts:
            end = max(place_starts[i + 1])
            if end + 1 < n and doc[end].lower_ in {"och", "samt"} and end + 1 in place_starts:
                other = max(place_starts[end + 1])
                if other >= n or not _capitalised(doc[other]):
                    yield make(end + 1, other, "ORG", True)
    # Coordination with a known organisation: a capitalised definite compound (`Dansinitiativet`) or an
    # acronym (`ABI`) next to an ORG across `och`/`samt`/`,` is an organisation too; lists chain.
    orgs_end, orgs_start = set(org_ends), set(org_starts)
    changed = True
    taken: set[int] = set()
    while changed:
        changed = False
        for i in range(n):
            if i in covered or i in taken or i in place_starts:
                continue
            # Next to an organisation first: that is rare, and `_coordinable` (pure) is the costly test.
            before = i >= 2 and texts[i - 1] in COORDINATORS and i - 1 in orgs_end
            after = i + 2 < n and texts[i + 1] in COORDINATORS and i + 2 in orgs_start
            if (before or after) and _coordinable(tok := doc[i], doc, i, sentence_initial):
                taken.add(i)
                orgs_end.add(i + 1)
                orgs_start.add(i)
                changed = True
                yield make(i, i + 1, "ORG", not _acronym(tok))


def _definite_plural(low: str) -> bool:
    """`museerna`, `skolorna`, `biblioteken` (a neuter noun + `en`), by the lemma table."""
    stem = lemma(low)
    if stem is None:
        return False
    return low.endswith(("erna", "arna", "orna", "rna")) or (low == stem + "en" and not stem.endswith("e"))


def _coordinable(tok: Token, doc: Doc, i: int, sentence_initial: Callable[[Doc, int], bool]) -> bool:
    """An acronym, or a capitalised long compound in definite form in mid-sentence."""
    if _acronym(tok):
        return True
    low = tok.lower_
    return (_capitalised(tok) and len(low) >= 8 and low.endswith(("et", "en", "an"))
            and not sentence_initial(doc, i))
