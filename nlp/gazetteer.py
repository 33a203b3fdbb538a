"""ORG/LOC from the compiled gazetteer (models/gazetteer) plus rules for Swedish organisation names.

Reads a Doc's tokens; writes candidates through nlp.mention.add_candidate with source "gazetteer".
The registers give names of municipalities, counties, regions, agencies and places; the rules give the
names no register holds but Swedish writes in a fixed shape (`Region X`, `X kommun`, `Kulturenheten`,
`Norrbottens museum`, `Föreningen för regional biblioteksverksamhet (FRB)`).

Normal form: the surface form without a genitive ending (`Norrbottens` -> `Norrbotten`, `NEO:s` ->
`NEO`), following spec/ANNOTATION.md and the seed gold. An abbreviation keeps itself as norm (`KB`);
the register link to the full name is the candidate's id (`myndighet:202100-1710`). With
`canonical_norms` set, list matches take the register's canonical name as norm instead.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Token
from wordfreq import zipf_frequency

from nlp import mention, orgcontext

_END = "\0"  # trie key holding the entries that end at a node; never a token text
SENTENCE_END = {".", "!", "?", ":", ";", "•", "·", "*", "–", "—", "-", "#", "##", "###"}
# A capitalised unknown word this frequent in lower case is an ordinary word, not a place or name.
COMMON_WORD_ZIPF = 4.0
# Capitalised compounds with these endings name units of an organisation (Kulturenheten).
UNIT_SUFFIXES = ("enheten", "avdelningen", "förvaltningen", "nämnden", "kontoret", "sektionen",
                 "styrelsen", "biblioteket", "kansliet", "staben", "rådet")
# Government ministries are names also in lower case (`näringsdepartementet`), Swedish or foreign.
MINISTRY_SUFFIXES = ("departementet", "ministeriet")
# `<County or landskap>s<institution>` compounds name regional institutions (Norrbottensmusiken).
REGIONAL_INSTITUTIONS = ("musiken", "teatern", "operan", "museet", "dansen", "akademien", "biblioteket",
                         "arkivet", "filharmonin", "orkestern", "konserter")
_REGIONAL_ENDINGS = REGIONAL_INSTITUTIONS + tuple(r + "s" for r in REGIONAL_INSTITUTIONS)
# Capitalised compounds with these endings, followed by a capitalised name, form one name
# (`Friluftsmuseet Hägnan`, `Arkivcentrum Norrbotten`, `Regionbibliotek Norrbotten`).
INSTITUTION_PREFIX_HEADS = ("museet", "museum", "centrum", "centret", "bibliotek", "biblioteket", "arkivet",
                            "teatern", "teater", "huset")
# Named sites written as one capitalised compound (Hermelinsparken, Berwaldhallen, Norrbotniabanan).
SITE_SUFFIXES = ("parken", "hallen", "banan", "torget", "gatan", "vägen", "arenan", "bryggan")
# Last word of English organisation names (Michigan Technological University).
ENGLISH_ORG_HEADS = {"University", "Board", "Institute", "Council", "Centre", "Center", "Agency",
                     "Association", "Foundation", "Company", "Group", "Network", "Park", "Band", "Orchestra",
                     "College", "Academy", "Museum", "Society", "Union", "Alliance", "Cluster"}
ORG_DIRECTIONS = {"Nord", "Syd", "Öst", "Väst", "Norr"}
# Prepositions after which an institution's name refers to its building (`på Kiruna stadsbibliotek`).
LOCATIVE = {"på", "vid"}
# Head nouns that make `<Place>(s) [läns] <head>` the name of an institution.
ORG_HEADS = ("universitet", "högskola", "museum", "bibliotek", "folkhögskola", "orkester", "symfoniker",
             "förening", "förbund", "gille", "akademi", "teater", "kör", "filharmoniker", "sinfonietta",
             "band")
# Capitalised plural heads that name an association of bodies (Norrbottens Kommuner).
ORG_PLURAL_HEADS = ("Kommuner", "Regioner")
# Buildings are places even when named after their owner (Kiruna stadshus).
LOC_HEADS = ("stadshus", "kulturhus", "konserthus", "rådhus", "kyrka", "flygplats", "stadsbibliotek")
# Unit words that head a name written out as `Enheten för ...`, recognised when the name is a whole line.
UNIT_HEADS = {"Enheten", "Avdelningen", "Sektionen", "Centrum", "Kansliet", "Staben", "Förvaltningen"}
ACRONYM_SKIP = {"och", "för", "i", "av", "på", "med", "till", "the", "of", "and", "for", "in", "de"}
HEADING_MAX_TOKENS = 10
# Words that the organisation rules expect before a place (`Region Västerbotten`).
PLACE_NAMED_BODIES = {"Region", "Länsstyrelsen", "Landstinget"}


@dataclass(frozen=True)
class Entry:
    """One surface form of the compiled gazetteer; `tokens` as the pipeline's tokenizer splits it."""

    text: str
    type: str
    norm: str
    id: str
    match: str
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    """A list match: tokens [start, end), `genitive` when the last token carried a genitive ending."""

    start: int
    end: int
    entry: Entry
    genitive: bool


class Gazetteer:
    """A token trie over lower-cased entry tokens; case policy is checked per hit."""

    def __init__(self, entries: list[Entry]) -> None:
        self.trie: dict = {}
        self.places: set[str] = set()
        for entry in entries:
            node = self.trie
            for tok in entry.tokens:
                node = node.setdefault(tok.lower(), {})
            node.setdefault(_END, []).append(entry)

    @classmethod
    def load(cls, path: Path, tokenizer: Tokenizer) -> Gazetteer:
        entries = []
        with (path / "entries.jsonl").open(encoding="utf-8") as handle:
            for line in handle:
                raw = json.loads(line)
                tokens = tuple(t.text for t in tokenizer(raw["text"]))
                entries.append(Entry(raw["text"], raw["type"], raw["norm"], raw["id"],
                                     raw.get("match", "exact"), tokens))
        return cls(entries)

    def hits(self, doc: Doc, lower: list[str] | None = None) -> Iterator[Hit]:
        """List matches; `lower`, every token's lower case, when the caller has it already."""
        lower = [t.lower_ for t in doc] if lower is None else lower
        for start in range(len(doc)):
            node = self.trie
            for pos in range(start, len(doc)):
                tok = lower[pos]
                stem = _genitive_stem(tok)
                if stem is not None and stem in node and _END in node[stem]:
                    for entry in node[stem][_END]:
                        if _accepts(doc, start, pos + 1, entry, genitive=True):
                            yield Hit(start, pos + 1, entry, True)
                            break
                node = node.get(tok)
                if node is None:
                    break
                for entry in node.get(_END, ()):
                    if _accepts(doc, start, pos + 1, entry, genitive=False):
                        yield Hit(start, pos + 1, entry, False)
                        break


def _genitive_stem(tok: str) -> str | None:
    """`norrbottens` -> `norrbotten`, `neo:s` -> `neo`; None when the token has no genitive ending."""
    if tok.endswith(":s") and len(tok) > 2:
        return tok[:-2]
    if tok.endswith("s") and len(tok) > 2 and tok[-2].isalpha():
        return tok[:-1]
    return None


def strip_genitive(text: str) -> str:
    stem = _genitive_stem(text.lower())
    return text[: len(stem)] if stem is not None else text


def sentence_initial(doc: Doc, i: int) -> bool:
    """First word of the text, of a line, or after sentence punctuation (where anything is capitalised)."""
    if i == 0:
        return True
    prev = doc[i - 1]
    return "\n" in prev.text or prev.text in SENTENCE_END


def _accepts(doc: Doc, start: int, end: int, entry: Entry, genitive: bool) -> bool:
    surface = [t.text for t in doc[start:end]]
    if genitive:
        surface[-1] = strip_genitive(surface[-1])
    want = entry.tokens
    if entry.match == "any":
        # Lower case is allowed, but not a capitalisation that is neither the name's nor lower case.
        joined = " ".join(surface)
        return joined == joined.lower() or surface[0] == want[0]
    if surface[0] != want[0]:
        return False
    if entry.match == "title":
        return True
    if entry.type == "LOC" and len(want) == 1 and start > 0 and doc[start - 1].is_title \
            and doc[start - 1].text not in PLACE_NAMED_BODIES and not sentence_initial(doc, start - 1):
        return False  # a surname (`Anna Norberg`) or the tail of a longer name the rules may catch
    if entry.match == "context":
        if sentence_initial(doc, start):
            return False
        # A capitalised word next to it means a longer name (`Åsa Larsson`, `Alva Holm`, `Los Angeles`).
        return not doc[start - 1].is_title and (end >= len(doc) or not doc[end].is_title)
    return surface[1:] == list(want[1:])


def _is_capitalised_word(tok: Token) -> bool:
    return tok.is_alpha and tok.text[0].isupper() and not tok.is_upper


def _rare(tok: Token) -> bool:
    return zipf_frequency(tok.lower_, "sv") < COMMON_WORD_ZIPF


@dataclass(frozen=True)
class _Words:
    """Every token's text, lower case, `is_alpha` and `_is_capitalised_word`, read once per Doc.

    The rules look at every token, and almost none starts a name; reading these from lists, and making
    a Token only where a rule may fire, costs a fraction of a Token object per token and rule.
    """

    texts: list[str]
    lowers: list[str]
    alpha: list[bool]
    caps: list[bool]

    @classmethod
    def of(cls, doc: Doc) -> _Words:
        texts, lowers = [], []
        for tok in doc:
            texts.append(tok.text)
            lowers.append(tok.lower_)
        # spaCy's IS_ALPHA and IS_UPPER are these str methods of the token text (spacy.lang.lex_attrs);
        # reading them back through Doc.to_array costs more than asking the strings again.
        alpha = [text.isalpha() for text in texts]
        caps = [a and text[0].isupper() and not text.isupper() for text, a in zip(texts, alpha, strict=True)]
        return cls(texts, lowers, alpha, caps)


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    label: str
    norm: str
    id: str | None


class GazetteerMatcher:
    """The spaCy component: list matches, organisation-name rules, abbreviations in parentheses."""

    def __init__(self, gazetteer: Gazetteer, canonical_norms: bool = False) -> None:
        self.gazetteer = gazetteer
        self.canonical_norms = canonical_norms

    def __call__(self, doc: Doc) -> Doc:
        for cand in self.candidates(doc):
            span = doc[cand.start : cand.end]
            mention.add_candidate(doc, span.start_char, span.end_char, cand.label, cand.norm, "gazetteer",
                                  cand.id)
        return doc

    def candidates(self, doc: Doc) -> list[Candidate]:
        words = _Words.of(doc)
        hits = list(self.gazetteer.hits(doc, words.lowers))
        places: dict[int, list[Hit]] = {}
        for hit in hits:
            if hit.entry.type == "LOC":
                places.setdefault(hit.start, []).append(hit)
        found = [self._from_hit(doc, hit) for hit in hits]
        found += list(_rule_candidates(doc, places, hits, self.gazetteer, words))
        found += list(_suspended_compounds(doc, places, self.gazetteer, words))
        found += list(_located(doc, found, places))
        found = _maximal(found)
        found += list(_abbreviations(doc, found, words))
        found = _maximal(found)
        place_starts = {start: [h.end for h in group] for start, group in places.items()}
        context = list(orgcontext.context_candidates(
            doc, found, place_starts, sentence_initial,
            lambda start, end, label, genitive: Candidate(
                start, end, label, _norm(doc, start, end) if genitive else doc[start:end].text, None),
            words.texts, words.lowers))
        if not context:
            return found
        # The context says what a listed place stands for here (`Region Norrbotten och Västerbotten`).
        spans = {(c.start, c.end) for c in context}
        found = [c for c in found if not (c.label == "LOC" and (c.start, c.end) in spans)]
        return _maximal(found + context)

    def _from_hit(self, doc: Doc, hit: Hit) -> Candidate:
        text = doc[hit.start : hit.end].text
        norm = hit.entry.norm if self.canonical_norms else (strip_genitive(text) if hit.genitive else text)
        return Candidate(hit.start, hit.end, hit.entry.type, norm, hit.entry.id)


def _norm(doc: Doc, start: int, end: int) -> str:
    return strip_genitive(doc[start:end].text)


def _place_ends(places: dict[int, list[Hit]], i: int) -> list[Hit]:
    return places.get(i, [])


def _rule_candidates(
    doc: Doc, places: dict[int, list[Hit]], hits: list[Hit], gaz: Gazetteer, words: _Words
) -> Iterator[Candidate]:
    n = len(doc)
    for i, low in enumerate(words.lowers):
        text = words.texts[i]
        stem = strip_genitive(low) if low.endswith("s") else low
        # Every rule below starts from one of these; for the other tokens no Token need be made.
        if not (low in {"kommun", "kommuns"} or text in {"Region", "Länsstyrelsen"} or text in UNIT_HEADS
                or stem.endswith(UNIT_SUFFIXES)):
            continue
        tok = doc[i]
        # <Place> kommun, <Place>s kommun; an unknown capitalised word only if rare and mid-sentence.
        if low in {"kommun", "kommuns"} and i > 0:
            starts = [h.start for h in hits if h.end == i and h.entry.type == "LOC"]
            if starts:
                yield Candidate(min(starts), i + 1, "ORG", _norm(doc, min(starts), i + 1), None)
            elif _is_capitalised_word(doc[i - 1]) and _rare(doc[i - 1]) and not sentence_initial(doc, i - 1):
                yield Candidate(i - 1, i + 1, "ORG", _norm(doc, i - 1, i + 1), None)
        # Region <Place>, Länsstyrelsen [i] <Place> [län].
        if tok.text in {"Region", "Länsstyrelsen"} and i + 1 < n:
            j = i + 2 if tok.text == "Länsstyrelsen" and doc[i + 1].text == "i" else i + 1
            for hit in _place_ends(places, j):
                end = hit.end + 1 if hit.end < n and doc[hit.end].lower_ in {"län", "läns"} else hit.end
                yield Candidate(i, end, "ORG", _norm(doc, i, end), None)
            if tok.text == "Region" and j < n and _is_capitalised_word(doc[j]) and _rare(doc[j]):
                yield Candidate(i, j + 1, "ORG", _norm(doc, i, j + 1), None)
        # Units: Kulturenheten, Regionala utvecklingsavdelningen.
        # endswith(tuple) first: this runs on every token, and almost none is a unit name.
        suffix = stem.endswith(UNIT_SUFFIXES) and next(
            (s for s in UNIT_SUFFIXES if stem.endswith(s) and len(stem) >= len(s) + 3), None)
        if suffix and tok.is_alpha:
            if _is_capitalised_word(tok):
                yield Candidate(i, i + 1, "ORG", _norm(doc, i, i + 1), None)
            elif tok.is_lower and i > 0 and _is_capitalised_word(doc[i - 1]) and doc[i - 1].lower_[-1] == "a":
                yield Candidate(i - 1, i + 1, "ORG", _norm(doc, i - 1, i + 1), None)
        # `Enheten för näringsliv och samhälle` as a whole line (a heading).
        if tok.text in UNIT_HEADS and i + 1 < n and doc[i + 1].lower_ == "för" and sentence_initial(doc, i):
            end = _line_end(doc, i)
            if end is not None:
                yield Candidate(i, end, "ORG", doc[i:end].text, None)
    yield from _institutions(doc, places, words)
    yield from _name_rules(doc, places, gaz, words)


def _located(doc: Doc, found: list[Candidate], places: dict[int, list[Hit]]) -> Iterator[Candidate]:
    """Organisation + `i <Place>` is one name (Riksarkivet i Härnösand, like Länsstyrelsen i Norrbotten)."""
    for org in found:
        if org.label != "ORG" or org.end + 1 >= len(doc) or doc[org.end].text != "i":
            continue
        if doc[org.end - 1].lower_ != strip_genitive(doc[org.end - 1].lower_):
            continue  # `Tillväxtverkets i Luleå` is not a name form
        for hit in _place_ends(places, org.end + 1):
            end = hit.end + 1 if hit.end < len(doc) and doc[hit.end].lower_ == "län" else hit.end
            yield Candidate(org.start, end, "ORG", _norm(doc, org.start, end), org.id)


def _line_end(doc: Doc, start: int) -> int | None:
    """End of the line starting at `start` if the line reads like a heading, else None."""
    end = start
    while end < len(doc) and "\n" not in doc[end].text:
        if doc[end].is_punct and doc[end].text not in {",", "-", "&"}:
            return None
        end += 1
    return end if end - start <= HEADING_MAX_TOKENS else None


def _head_stem(low: str) -> str:
    """Lower-case head noun without genitive or definite ending (`kammarorkesterns` -> `kammarorkester`)."""
    if low.endswith(("ens", "ets", "ans", "ns")) or low.endswith("s") and not low.endswith(("hus", "ss")):
        low = low[:-1]
    for ending in ("en", "et", "n"):
        if low.endswith(ending) and len(low) > len(ending) + 3:
            return low[: -len(ending)]
    return low


def _has_head(low: str, heads: tuple[str, ...]) -> bool:
    """Whether the lower-case word `low` ends in one of `heads`, also without genitive or definite ending."""
    return low.endswith(heads) or strip_genitive(low).endswith(heads) or _head_stem(low).endswith(heads)


def _institutions(doc: Doc, places: dict[int, list[Hit]], words: _Words) -> Iterator[Candidate]:
    """`<Place>(s) [läns] [adjective-ska] <head>`, `<Capitalised> [<Capitalised>] <Capitalised head>`."""
    n = len(doc)
    texts, lowers, alpha, caps = words.texts, words.lowers, words.alpha, words.caps
    for start in range(n):
        if start not in places and not caps[start]:
            continue  # no first word starts here
        firsts = [(h.end, True) for h in _place_ends(places, start)]
        if caps[start]:
            firsts.append((start + 1, False))
        for first_end, known in sorted(set(firsts)):
            j = first_end
            if j < n and lowers[j] == "läns":
                j += 1
            # str.islower, str.isupper: spaCy's Token.is_lower and is_upper (spacy.lang.lex_attrs).
            if j < n and texts[j].islower() and lowers[j].endswith("ska") and known:
                j += 1
            for extra in range(3):
                k = j + extra  # the head
                if k >= n or not alpha[k]:
                    break
                capital_head, upper_head = caps[k], texts[k].isupper()
                if extra and not (capital_head or upper_head):
                    break
                end = k + 1
                locative = start > 0 and lowers[start - 1] in LOCATIVE
                if not extra and known and _has_head(lowers[k], LOC_HEADS):
                    yield Candidate(start, end, "LOC", doc[start:end].text, None)
                elif (_has_head(lowers[k], ORG_HEADS) and (known and not extra or capital_head)
                      or texts[k] in ORG_PLURAL_HEADS and known and not extra):
                    label = "LOC" if locative and not capital_head else "ORG"
                    yield Candidate(start, end, label, _norm(doc, start, end), None)
                if not (capital_head or upper_head):
                    break


def _name_rules(doc: Doc, places: dict[int, list[Hit]], gaz: Gazetteer, words: _Words) -> Iterator[Candidate]:
    """Name shapes that need no list: ministries, regional institutions, sites, English names."""
    n = len(doc)
    for i, low in enumerate(words.lowers):
        if not words.alpha[i]:
            continue
        text = words.texts[i]
        # Each rule needs one of these: a long word, a capitalised one, a place, or its own word.
        if not (words.caps[i] or len(low) > 14 or i in places or text in {"Kungliga", "Kungl."}
                or text in ENGLISH_ORG_HEADS):
            continue
        tok = doc[i]
        # Ministries, with a suspended first part: `Arbets- och näringsministeriet`.
        if len(low) > 14 and _has_head(low, MINISTRY_SUFFIXES):
            start = i - 2 if i >= 2 and doc[i - 1].lower_ == "och" and doc[i - 2].text.endswith("-") else i
            yield Candidate(start, i + 1, "ORG", _norm(doc, start, i + 1), None)
        capitalised = _is_capitalised_word(tok)
        # `Norrbottensmusiken`: a county or landskap in genitive + an institution.
        if capitalised and low.endswith(_REGIONAL_ENDINGS):
            rest = next(r for r in REGIONAL_INSTITUTIONS if low.endswith((r, r + "s")))
            prefix = tok.text[: low.rindex(rest)]
            place = _lookup(gaz, prefix[:-1]) if prefix.endswith("s") and len(prefix) > 3 else None
            if place is not None and place.id.startswith(("lan:", "landskap:")):
                yield Candidate(i, i + 1, "ORG", _norm(doc, i, i + 1), None)
        # `Friluftsmuseet Hägnan`, `Arkivcentrum Norrbotten`: institution compound + capitalised name.
        if (capitalised and low.endswith(INSTITUTION_PREFIX_HEADS) and i + 1 < n
                and _is_capitalised_word(doc[i + 1]) and len(low) > 8):
            label = "LOC" if i > 0 and doc[i - 1].lower_ in LOCATIVE else "ORG"
            yield Candidate(i, i + 2, label, doc[i : i + 2].text, None)
        # Named sites written as one compound, capitalised in mid-sentence.
        if (capitalised and low.endswith(SITE_SUFFIXES) and not sentence_initial(doc, i)
                and len(low) > max(len(x) for x in SITE_SUFFIXES if low.endswith(x)) + 3):
            yield Candidate(i, i + 1, "LOC", tok.text, None)
        # `<Place> NEO`: a place name followed by an acronym is an ensemble's or a company's name.
        for hit in _place_ends(places, i):
            if hit.end < n and not hit.genitive and _acronym(doc[hit.end]):
                yield Candidate(i, hit.end + 1, "ORG", _norm(doc, i, hit.end + 1), None)
        # `Körcentrum Nord`: a capitalised word + a compass name that is not a place of its own.
        if capitalised and i + 1 < n and doc[i + 1].text in ORG_DIRECTIONS and i not in places:
            yield Candidate(i, i + 2, "ORG", doc[i : i + 2].text, None)
        # `Invest in Norrbotten`: English `in` before a place inside a capitalised name.
        if capitalised and i + 2 < n and doc[i + 1].text == "in":
            for hit in _place_ends(places, i + 2):
                yield Candidate(i, hit.end, "ORG", doc[i : hit.end].text, None)
        # `Kungliga musikaliska akademiens`: Kungliga + lower-case words + a definite noun.
        if tok.text in {"Kungliga", "Kungl."} and i + 1 < n:
            j = i + 1
            while j < n and doc[j].is_lower and doc[j].is_alpha and j - i <= 3:
                if doc[j].lower_.endswith(("en", "et", "ens", "ets", "an", "ans")):
                    yield Candidate(i, j + 1, "ORG", _norm(doc, i, j + 1), None)
                    break
                j += 1
        # English names: capitalised words ending in University, Board ...
        if tok.text in ENGLISH_ORG_HEADS and i > 0:
            start = i
            while start > 0 and (_is_capitalised_word(doc[start - 1]) or doc[start - 1].is_upper) \
                    and not sentence_initial(doc, start - 1) and i - start < 5:
                start -= 1
            if start == i and i > 0 and _is_capitalised_word(doc[i - 1]):
                start = i - 1
            if start < i:
                yield Candidate(start, i + 1, "ORG", doc[start : i + 1].text, None)


def _suspended_compounds(
    doc: Doc, places: dict[int, list[Hit]], gaz: Gazetteer, words: _Words
) -> Iterator[Candidate]:
    """`Norr- och Västerbotten`: LOC `Norr-` with norm `Norrbotten` when that name is listed."""
    texts = words.texts
    for i in range(len(doc) - 2):
        text = texts[i]
        if not (text.endswith("-") and len(text) > 2 and text[0].isupper()):
            continue
        if words.lowers[i + 1] not in {"och", "eller", ","}:
            continue
        tok = doc[i]
        for hit in _place_ends(places, i + 2):
            if hit.end != i + 3:
                continue
            whole = strip_genitive(doc[i + 2].text) if hit.genitive else doc[i + 2].text
            for cut in range(1, len(whole) - 2):
                name = tok.text[:-1] + whole[cut:]
                entry = _lookup(gaz, name)
                if entry is not None and entry.type == "LOC":
                    yield Candidate(i, i + 1, "LOC", name, entry.id)
                    break


def _lookup(gaz: Gazetteer, text: str) -> Entry | None:
    node = gaz.trie.get(text.lower(), {})
    return next((e for e in node.get(_END, ()) if e.text == text), None)


def _abbreviations(doc: Doc, found: list[Candidate], words: _Words) -> Iterator[Candidate]:
    """`Kungliga biblioteket (KB)`: ORG KB too, and later bare `KB` in the same text.

    When the long form is not known, it is still taken if the abbreviation spells its initials
    (`Föreningen för regional biblioteksverksamhet (FRB)`), which short concept labels rarely do.
    """
    n = len(doc)
    by_end = {c.end: c for c in found if c.label == "ORG"}
    learned: dict[str, str | None] = {}
    texts = words.texts
    for k in range(1, n - 2):
        bracket = texts[k] == "(" and texts[k + 2] == ")"
        # `Centre for hydrogen energy systems Sweden, CH2ESS, har ...`: an apposition between commas is
        # an abbreviation only when it spells the initials (a known name + `, SSAB,` is a list).
        comma = texts[k] == "," and texts[k + 2] in {",", "."}
        if not (bracket or comma) or not _abbreviation(doc[k + 1]):
            continue
        abbr = doc[k + 1].text
        long = by_end.get(k)
        if long is not None and bracket:
            learned[abbr] = long.id
            continue
        start = _initials_start(doc, k, abbr)
        if start is not None:
            learned[abbr] = None
            yield Candidate(start, k, "ORG", doc[start:k].text, None)
    if not learned:
        return
    for i, text in enumerate(texts):
        stem = text[:-2] if text.endswith(":s") else text
        if stem in learned:
            yield Candidate(i, i + 1, "ORG", stem, learned[stem])


def _acronym(tok: Token) -> bool:
    """An all-capital word, possibly with a genitive (`NEO`, `NEO:s`)."""
    stem = tok.text.removesuffix(":s")
    return len(stem) >= 2 and stem.isalpha() and stem.isupper()


def _abbreviation(tok: Token) -> bool:
    letters = tok.text.replace("-", "")
    return 2 <= len(letters) <= 8 and letters.isalnum() and tok.text.isupper()


def _initials_start(doc: Doc, k: int, abbr: str) -> int | None:
    for start in range(k - 1, max(-1, k - 9), -1):
        words = [t for t in doc[start:k] if t.lower_ not in ACRONYM_SKIP or t.i == start]
        if any(not t.is_alpha and not t.text.endswith("-") for t in words):
            return None
        initials = "".join(t.text[0] for t in words).upper()
        # Digits in an abbreviation are not initials (`CH2ESS`: Centre for Hydrogen Energy Systems Sweden).
        if initials == "".join(ch for ch in abbr if not ch.isdigit()) and _is_capitalised_word(doc[start]):
            return start
    return None


def _maximal(cands: list[Candidate]) -> list[Candidate]:
    """Drop candidates inside a longer one (longest name wins) and exact duplicates."""
    unique: dict[tuple[int, int, str], Candidate] = {}
    for cand in cands:
        # List matches come first and carry a register id; a rule finding the same span adds nothing.
        unique.setdefault((cand.start, cand.end, cand.label), cand)
    ordered = sorted(unique.values(), key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[Candidate] = []
    for cand in ordered:
        if any(k.start <= cand.start and cand.end <= k.end and (k.end - k.start) > (cand.end - cand.start)
               for k in kept):
            continue
        kept.append(cand)
    return kept


_CACHE: dict[tuple[str, str], Gazetteer] = {}


def _load(path: str, nlp: Language) -> Gazetteer:
    # Loading tokenizes every entry: once per process for a path and language, however many pipelines.
    key = (str(Path(path).resolve()), nlp.lang)
    if key not in _CACHE:
        _CACHE[key] = Gazetteer.load(Path(path), nlp.tokenizer)
    return _CACHE[key]


def default_path() -> Path:
    """The shipped models/gazetteer, or $RAPPORTKB_MODELS/gazetteer (as nlp.pipeline.models_dir)."""
    env = os.environ.get("RAPPORTKB_MODELS")
    return (Path(env) if env else Path(__file__).resolve().parent.parent / "models") / "gazetteer"


@Language.factory("rapportkb_gazetteer", default_config={"path": "", "canonical_norms": False})
def make_gazetteer(nlp: Language, name: str, path: str, canonical_norms: bool) -> GazetteerMatcher:
    path = path or str(default_path())
    if not (Path(path) / "entries.jsonl").is_file():
        raise FileNotFoundError(f"gazetteer entries not found: {Path(path) / 'entries.jsonl'}")
    return GazetteerMatcher(_load(path, nlp), canonical_norms)
