"""EVENT candidates: named conferences, festivals, fairs, exhibitions and meeting series, from patterns.

Reads a Doc's tokens and the ORG/LOC candidates the gazetteer proposed before it; writes EVENT
candidates through nlp.mention.add_candidate with source "rule". Swedish names an event in a few
fixed shapes, which are the rules here:

- a capitalised compound on an event head (`Bokmässan`, `Vårsalongen`, `Barnbiblioteksforum`),
  with the capitalised name or genitive owner before it (`Sveriges Innovationsriksdag`), an
  ALLCAPS name after it (`Körfestivalen TILLSAMMANS`) and a following year (`... 2023`);
- a name before a lower-case event compound (`Umeå jazzfestival`) or an English head (`... Expo`);
- a name or title introduced by a common noun (`konferensen X`, `utställningen X`), the title of an
  exhibition running to the first verb, digit or venue (`utställningen Vikingar i trä visas`).

Common nouns stay untagged: a bare head (`mässan`, `Konferensen`), lower-case compounds standing alone
(`innovationsriksdagen`), a definite compound opening a sentence (`Planeringsdagarna`: Swedish
capitalises every sentence opener), and compounds naming a generic activity or place (`Språkkafé`,
`Högmässa`, `Frisersalongen`). A name found once is tagged again wherever it recurs in the same text.

Normal form: the surface form without a genitive ending (`Bokmässans` -> `Bokmässan`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from wordfreq import zipf_frequency

from nlp.mention import CANDIDATES, add_candidate, candidate_info
from nlp.wordclass import FUNCTION_WORDS, is_verb_form, lemma_table

LABEL = "EVENT"

# Swedish event heads a compound can end in. Definite forms (and the plural `dagar`) are ordinary
# nouns when they open a sentence, so they count only when capitalised inside one.
_DEFINITE_HEADS = ("festivalen", "mässan", "konferensen", "kongressen", "forumet", "riksdagen", "salongen",
                   "dagarna", "dagar", "veckan", "biennalen", "triennalen", "galan", "symposiet")  # fmt: skip
# An indefinite singular without an article cannot be an ordinary noun phrase in running Swedish,
# so a capitalised one is a name even at the start of a sentence or heading.
_INDEFINITE_HEADS = ("festival", "mässa", "konferens", "kongress", "forum", "riksdag", "salong", "biennal",
                     "triennal", "gala", "symposium")  # fmt: skip
# A `-kafé` is a named series (`Arkivkafé`) only as a programme item, never opening a sentence.
_CAFE_HEADS = ("kafé", "café", "kafe")
_HEADS = sorted({*_DEFINITE_HEADS, *_INDEFINITE_HEADS, *_CAFE_HEADS}, key=len, reverse=True)
_COMPOUND = re.compile(rf"^(?P<prefix>[^\W\d_](?:[^\W\d_]|-)+?)(?P<head>{'|'.join(_HEADS)})(?P<gen>s|:s)?$")
# What a token must end with for _COMPOUND to match: a cheap test before the regular expression.
_COMPOUND_ENDINGS = tuple(head + gen for head in _HEADS for gen in ("", "s", ":s"))
# Lower-case compounds that name an event after a place or name (`Umeå jazzfestival`).
_LOWER_HEADS = frozenset(["dagar", "dagarna", "festival", "festivalen", "mässa", "mässan", "veckan",
                          "biennal", "biennalen"])  # fmt: skip
_MIN_PREFIX = 3

# Compounds on an event head that name a generic activity, a religious service, a place or a
# calendar period, not one event (first parts, lower case).
# fmt: off
_GENERIC_PREFIXES = {
    "kafé": {"språk", "läx", "stick", "anhörig", "demens", "föräldra", "senior", "bebis", "baby", "musei",
             "museum", "sommar", "vinter", "jul", "lunch", "fika", "internet", "it", "data", "bok", "dag",
             "kvälls", "natt", "samtals", "frukost", "sy", "hand", "mötes", "öppet"},
    "forum": {"diskussions", "webb", "nät", "internet", "chatt", "mötes", "dialog", "samverkans", "samråds",
              "debatt", "användar", "medborgar", "ungdoms", "brukar", "patient"},
    "konferens": {"video", "telefon", "webb", "press", "distans", "tele", "ljud", "halvdags", "heldags",
                  "digital", "teams", "zoom", "web"},
    "mässa": {"skils", "hög", "sinnesro", "taizé", "familje", "gospel", "jazz", "lunch", "kvälls", "morgon",
              "själa", "midnatts", "jul", "påsk", "rekviem", "bön", "vesper", "ungdoms"},
    "salong": {"fris", "frisör", "frisér", "skönhets", "spel", "bil", "sällskaps", "mat", "bar", "hår",
               "kosmetik", "tatuerings", "nagel", "massage", "film", "bio", "dag", "vänt", "hund", "fot",
               "solarie", "bingo"},
    "dagar": {"mån", "tis", "ons", "tors", "fre", "lör", "sön", "helg", "var", "arbets", "studie",
              "planerings", "semester", "lov", "sjuk", "friluft", "tema", "utbildnings", "konferens", "kurs",
              "kompetensutvecklings", "karens", "ferie", "röd", "kläm", "jul", "påsk", "sommar", "vinter",
              "höst", "vår", "dygns", "vård", "skol", "praktik", "fri", "ledig", "mörker"},
    "veckan": {"påsk", "jul", "sportlovs", "höstlovs", "lov", "semester", "arbets", "kurs", "tema",
               "projekt", "midsommar", "nyårs", "sportlov", "höstlov", "skol", "studie", "mitt", "helg",
               "förra", "nästa", "kalender", "mellan", "stilla", "dymmel", "skärs", "fasta", "advents"},
    "kongress": {"parti"},
    "gala": {"re", "ben", "skan"},
}
_HEAD_FAMILY = {
    "festivalen": "festival", "mässan": "mässa", "konferensen": "konferens", "kongressen": "kongress",
    "forumet": "forum", "riksdagen": "riksdag", "salongen": "salong", "dagarna": "dagar",
    "biennalen": "biennal", "triennalen": "triennal", "galan": "gala", "symposiet": "symposium",
    "café": "kafé", "kafe": "kafé",
}
# fmt: on

# English heads written as a word of their own after a capitalised name (`Emigration Expo`).
_ENGLISH_HEADS = frozenset(["Expo", "Talk", "Talks", "Summit", "Forum", "Festival", "Fair", "Conference",
                            "Congress", "Symposium", "Week", "Days", "Awards", "Gala", "Biennale", "Meetup",
                            "Hackathon", "Convention", "Showcase"])  # fmt: skip
# Their genitive is written `Expos` or `Expo:s`; heads whose `-s` form is an English plural have
# none (`Talks`, `Days`; `Forums` names web forums, not meetings).
_ENGLISH_NO_GENITIVE = frozenset(["Talk", "Talks", "Days", "Awards", "Forum"])
_CONNECTORS = frozenset(["&", "of", "and", "for", "the", "on", "in", "de"])

# Common nouns that introduce the name of an event (`konferensen Green Deal Talk`).
_INTRO_WORDS = frozenset(["festivalen", "konferensen", "kongressen", "mässan", "galan", "evenemanget",
                          "biennalen", "symposiet", "festivalens", "konferensens", "mässans"])  # fmt: skip
_EXHIBITION_WORDS = frozenset(["utställningen", "utställningarna", "utställningens", "vandringsutställningen",
                               "fotoutställningen", "konstutställningen"])  # fmt: skip
_QUOTES = {"«": "»", '"': '"', "”": "”", "“": "”", "„": "“", "'": "'", "’": "’"}

_PREPOSITIONS = frozenset(["i", "på", "av", "med", "om", "från", "för", "till", "vid", "under", "över",
                           "ur", "mot", "kring", "utan", "hos", "efter", "inför", "genom", "bland",
                           "mellan"])  # fmt: skip
# Verbs that end an exhibition title which the lemma heuristic does not recognise as verbs.
_TITLE_VERBS = frozenset(["visas", "visades", "öppnar", "öppnade", "öppnas", "öppnades", "invigs", "invigdes",
                          "pågår", "pågick", "ställs", "hänger", "turnerar", "lockar", "lockade", "stänger",
                          "avslutas", "avslutades", "fortsätter", "består", "bestod", "handlar", "berättar",
                          "skildrar", "belyser", "presenterar", "presenterades", "vernissage"])  # fmt: skip
# Capitalised words that open a sentence before a name but are not part of it.
_NAME_STOP = FUNCTION_WORDS | _INTRO_WORDS | _EXHIBITION_WORDS | frozenset([
    "nästa", "årets", "förra", "dagens", "årliga", "projektet", "programmet", "arrangemanget", "besök",
    "inför", "efter", "under", "vid", "sedan", "nya", "den", "det", "denna", "detta", "dessa",
])  # fmt: skip
# An indefinite determiner makes the compound after it a common noun (`en Jazzfestival`).
_INDEFINITE_DETERMINERS = frozenset(["en", "ett", "någon", "något", "några", "varje", "ingen", "inget",
                                     "annan", "annat", "vilken", "vilket", "varsin", "varsitt"])  # fmt: skip
_SENTENCE_END = frozenset([".", "!", "?", ":", ";", "•", "·", "*", "–", "—", "-", "#"])
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_ALLCAPS = re.compile(r"^[A-ZÅÄÖÉÜ][A-ZÅÄÖÉÜ-]+$")
_TITLE_MAX_TOKENS = 8
_NAME_MAX_TOKENS = 5


@dataclass
class _Context:
    """What the rules need to know about the Doc besides its tokens."""

    named: dict[int, int] = field(default_factory=dict)  # end token -> start token of ORG/LOC candidates
    named_norm: dict[tuple[int, int], str] = field(default_factory=dict)  # (start, end) -> its norm
    covered: set[int] = field(default_factory=set)  # tokens inside some ORG/LOC candidate
    texts: list[str] = field(default_factory=list)  # every token's text: the rules' loops skip by it


def _context(doc: Doc) -> _Context:
    ctx = _Context(texts=[token.text for token in doc])
    for span in doc.spans.get(CANDIDATES, []):
        if span.label_ not in ("ORG", "LOC"):
            continue
        if span.end not in ctx.named or ctx.named[span.end] > span.start:
            ctx.named[span.end] = span.start
        ctx.named_norm[(span.start, span.end)] = str(candidate_info(span)[0])
        ctx.covered.update(range(span.start, span.end))
    return ctx


def _opens_sentence(token: Token) -> bool:
    if token.i == 0:
        return True
    previous = token.doc[token.i - 1]
    return previous.text in _SENTENCE_END or "\n" in previous.whitespace_ or previous.is_space


def _same_line(left: Token, right: Token) -> bool:
    """True when `right` follows `left` with ordinary spacing (no line break, no gap token)."""
    return right.i == left.i + 1 and "\n" not in left.whitespace_ and not left.is_space


def _capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper() and any(ch.isalpha() for ch in word)


@cache
def _swedish_word(word: str) -> bool:
    """A Swedish lexicon word more frequent in Swedish than in English: an ordinary word, not a name."""
    lower = word.lower()
    if lower not in lemma_table():
        return False
    return zipf_frequency(lower, "sv") >= zipf_frequency(lower, "en")


def _name_token(token: Token, ctx: _Context) -> bool:
    """Can this token be part of a name before an event head?"""
    text = token.text
    if not _capitalised(text) or text.lower() in _NAME_STOP:
        return False
    if not all(ch.isalpha() or ch in "-:" for ch in text):
        return False
    if _opens_sentence(token):
        return token.i in ctx.covered or not _swedish_word(text)
    return True


def _name_start(doc: Doc, end: int, ctx: _Context) -> int:
    """First token of the run of name tokens that ends just before token `end` (`end` if none)."""
    start = end
    while start > 0 and end - start < _NAME_MAX_TOKENS:
        token = doc[start - 1]
        if not _same_line(token, doc[start]):
            break
        # `start in ctx.named` keeps this from raising KeyError where a name ends one token earlier
        # (`Oslo och Arctic Business Summit`); the test on `start - 1` is kept as it was, so that every
        # text that did not raise keeps its events (the lead decides whether `start - 1` was meant).
        if start - 1 in ctx.named and start in ctx.named and token.i + 1 == start:
            # A registered name ends here: take all of it (`Region Norrbotten`, `Sveriges`).
            first = ctx.named[start]
            if all(_same_line(doc[k], doc[k + 1]) for k in range(first, start - 1)):
                start = first
                if _opens_sentence(doc[start]):
                    break
                continue
        if token.text in _CONNECTORS and start - 2 >= 0 and start < end and _name_token(doc[start - 2], ctx):
            start -= 1
            continue
        if not _name_token(token, ctx):
            break
        start -= 1
        if _opens_sentence(token):
            break
    return start


def _genitive_owner(doc: Doc, end: int, ctx: _Context) -> bool:
    """The name before token `end` is a genitive (`Piteås`): a lower-case compound after it is then
    a common noun (`Piteås sommarfestival` is the festival of Piteå, not its name)."""
    if end in ctx.named:
        start = ctx.named[end]
        text = doc[start:end].text
        return text != ctx.named_norm.get((start, end), text)
    last = doc[end - 1].text
    return last.endswith(("s", ":s")) and not _ALLCAPS.match(last)


def _is_year_after(doc: Doc, i: int) -> bool:
    """Token i is a bare year directly after the name (not the start of `2023-2024` or `2023/24`)."""
    if i >= len(doc) or not _same_line(doc[i - 1], doc[i]) or not _YEAR.match(doc[i].text):
        return False
    return not (i + 1 < len(doc) and doc[i].whitespace_ == "" and doc[i + 1].text in ("-", "–", "/"))


def _generic(prefix: str, head: str) -> bool:
    family = _HEAD_FAMILY.get(head, head)
    stops = _GENERIC_PREFIXES.get(family, set())
    lower = prefix.lower().rstrip("-")
    return lower in stops or any(lower.endswith(stop) and len(stop) >= 4 for stop in stops)


@dataclass(frozen=True)
class _Found:
    start: int  # token offsets
    end: int
    genitive: bool = False  # the last token carries a genitive ending to drop from the norm


def _extend_right(doc: Doc, end: int, ctx: _Context, allcaps: bool) -> int:
    """Attach an ALLCAPS name (`Körfestivalen TILLSAMMANS`) and a year (`... 2023`) after a head."""
    if allcaps:
        k = end
        while k < len(doc) and k - end < 3 and _same_line(doc[k - 1], doc[k]):
            word = doc[k].text
            if not _ALLCAPS.match(word) or len(word) < 3 or k in ctx.covered:
                break
            k += 1
        end = k
    if _is_year_after(doc, end):
        end += 1
    return end


def _compounds(doc: Doc, ctx: _Context) -> list[_Found]:
    """Capitalised event compounds with their names, and names before lower-case event compounds."""
    found: list[_Found] = []
    for i, text in enumerate(ctx.texts):
        if not text.endswith(_COMPOUND_ENDINGS):
            continue
        token = doc[i]
        match = _COMPOUND.match(text)
        if not match or len(match["prefix"]) < _MIN_PREFIX or _generic(match["prefix"], match["head"]):
            continue
        head, genitive = match["head"], bool(match["gen"])
        if token.i > 0 and doc[token.i - 1].lower_ in _INDEFINITE_DETERMINERS:
            continue
        if _capitalised(token.text):
            if head in _CAFE_HEADS and (_opens_sentence(token) or genitive):
                continue
            start = _name_start(doc, token.i, ctx) if not _opens_sentence(token) else token.i
            end = token.i + 1 if genitive else _extend_right(doc, token.i + 1, ctx, allcaps=True)
            initial = _opens_sentence(doc[start])
            if initial and start == token.i and head not in _INDEFINITE_HEADS and end == token.i + 1:
                continue  # `Planeringsdagarna genomfördes`: a common noun opening a sentence
            found.append(_Found(start, end, genitive and end == token.i + 1))
        elif head in _LOWER_HEADS and token.i > 0:
            start = _name_start(doc, token.i, ctx)
            if start == token.i:
                continue
            # `festivalen Ylläs kammarmusikdagar`: after an introducing noun, a final -s is part of the name.
            introduced = start > 0 and doc[start - 1].lower_ in _INTRO_WORDS
            if not introduced and _genitive_owner(doc, token.i, ctx):
                continue
            end = token.i + 1 if genitive else _extend_right(doc, token.i + 1, ctx, allcaps=False)
            found.append(_Found(start, end, genitive and end == token.i + 1))
    return found


def _english(doc: Doc, ctx: _Context) -> list[_Found]:
    """A capitalised name before an English head word (`Emigration Expo`, `Green Deal Talk`)."""
    found: list[_Found] = []
    for i, text in enumerate(ctx.texts):
        if not text[:1].isupper():
            continue  # every English head is capitalised
        base, genitive = text, False
        if text not in _ENGLISH_HEADS:
            for ending in (":s", "s"):
                stem = text[: -len(ending)]
                if text.endswith(ending) and stem in _ENGLISH_HEADS and stem not in _ENGLISH_NO_GENITIVE:
                    base, genitive = stem, True
                    break
        if base not in _ENGLISH_HEADS or i == 0:
            continue
        token = doc[i]
        start = _name_start(doc, token.i, ctx)
        if start == token.i:
            continue
        end = token.i + 1 if genitive else _extend_right(doc, token.i + 1, ctx, allcaps=False)
        found.append(_Found(start, end, genitive and end == token.i + 1))
    return found


def _quoted(doc: Doc, i: int) -> _Found | None:
    """A title in quotation marks starting at token i: the tokens inside the quotes."""
    close = _QUOTES.get(doc[i].text)
    if close is None:
        return None
    for k in range(i + 1, min(len(doc), i + 2 + _TITLE_MAX_TOKENS * 2)):
        if "\n" in doc[k - 1].whitespace_:
            return None
        if doc[k].text == close:
            return _Found(i + 1, k) if k > i + 1 and _capitalised(doc[i + 1].text) else None
    return None


def _cap_run(doc: Doc, i: int, ctx: _Context) -> _Found | None:
    """The capitalised name starting at token i (`Green Deal Talk`, `TILLSAMMANS`), with a year."""
    k = i
    while k < len(doc) and k - i < _NAME_MAX_TOKENS:
        if k > i and not _same_line(doc[k - 1], doc[k]):
            break
        word = doc[k].text
        name_word = _capitalised(word) and all(ch.isalpha() or ch in "-:&" for ch in word)
        connector = word in _CONNECTORS and k > i and k + 1 < len(doc) and _capitalised(doc[k + 1].text)
        if not (name_word or connector):
            break
        k += 1
    if k == i:
        return None
    last = doc[k - 1].text
    genitive = last.endswith(":s")
    end = k if genitive else k + _is_year_after(doc, k)
    return _Found(i, end, genitive and end == k)


def _title(doc: Doc, i: int) -> _Found | None:
    """An exhibition title starting at capitalised token i, up to a verb, digit, venue or punctuation."""
    end = k = i + 1
    while k < len(doc) and k - i < _TITLE_MAX_TOKENS and _same_line(doc[k - 1], doc[k]):
        word = doc[k].text
        lower = word.lower()
        if not word.isalpha():
            break
        if lower in _PREPOSITIONS or lower in ("och", "&"):
            # A preposition with a lower-case object stays in the title (`Lapptäcken i dockformat`);
            # one before a name introduces the venue (`Vikingar i Luleå`).
            if k + 1 >= len(doc) or not _same_line(doc[k], doc[k + 1]):
                break
            following = doc[k + 1].text
            if not following.isalpha() or _capitalised(following) or following.lower() in FUNCTION_WORDS:
                break
            if lower in ("och", "&") and (following in _TITLE_VERBS or is_verb_form(following)):
                break
            k += 2
            end = k
            continue
        if _capitalised(word):
            k += 1
            end = k
            continue
        if lower in FUNCTION_WORDS or lower in _TITLE_VERBS or is_verb_form(lower):
            break
        k += 1
        end = k
    return _Found(i, end)


def _introduced(doc: Doc, ctx: _Context) -> list[_Found]:
    """Names and titles after a common noun that introduces them (`festivalen X`, `utställningen X`)."""
    found: list[_Found] = []
    for i, text in enumerate(ctx.texts[:-1]):
        lower = text.lower()
        if lower not in _INTRO_WORDS and lower not in _EXHIBITION_WORDS:
            continue
        token = doc[i]
        nxt = doc[token.i + 1]
        if not _same_line(token, nxt):
            continue
        candidate = _quoted(doc, nxt.i)
        if candidate is None and _capitalised(nxt.text):
            candidate = _title(doc, nxt.i) if lower in _EXHIBITION_WORDS else _cap_run(doc, nxt.i, ctx)
        if candidate is None:
            continue
        if all(k in ctx.covered for k in range(candidate.start, candidate.end)):
            continue  # `konferensen Region Norrbotten anordnade`: an organisation, not a title
        found.append(candidate)
    return found


def _norm(span: Span, genitive: bool) -> str:
    text = span.text
    if genitive:
        text = text[:-2] if text.endswith(":s") else text[:-1]
    return text


def _recurrences(text: str, names: set[str], taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Further occurrences in the Doc's `text` of names already found, also in the genitive
    (`Vårsalongens`)."""
    out: list[tuple[int, int, str]] = []
    for name in sorted(names, key=len, reverse=True):
        for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?::s|s)?(?![\w-])", text):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            out.append((start, end, name))
    return out


#: What each rule needs somewhere in the text before it can find anything: a token the rule acts on
#: contains one of these strings (`_compounds`: a token ending in a head; `_english`: an English head,
#: maybe with a genitive; `_introduced`: an introducing noun, in the lower-cased text). Most texts hold
#: none of them, and a few substring tests cost much less than the rules' loops over the tokens (and
#: less than one regular expression of alternatives).
_COMPOUND_TRIGGERS = tuple(_HEADS)
_ENGLISH_TRIGGERS = tuple(sorted(_ENGLISH_HEADS))
_INTRO_TRIGGERS = tuple(sorted(_INTRO_WORDS | _EXHIBITION_WORDS))


def _rules_for(text: str) -> list:
    """The rules that can find something in `text`, in their order in `find_events`."""
    rules = []
    if any(head in text for head in _COMPOUND_TRIGGERS):
        rules.append(_compounds)
    if any(head in text for head in _ENGLISH_TRIGGERS):
        rules.append(_english)
    # Lower-casing the whole text lower-cases each token alike (no letter of these words has a
    # context-dependent lower case).
    lowered = text.lower()
    if any(word in lowered for word in _INTRO_TRIGGERS):
        rules.append(_introduced)
    return rules


def find_events(doc: Doc) -> list[tuple[int, int, str]]:
    """(start_char, end_char, norm) of every event name in the Doc, in text order."""
    text = doc.text
    rules = _rules_for(text)
    if not rules:
        return []
    ctx = _context(doc)
    spans: dict[tuple[int, int], str] = {}
    for item in [item for rule in rules for item in rule(doc, ctx)]:
        span = doc[item.start : item.end]
        key = (span.start_char, span.end_char)
        spans.setdefault(key, _norm(span, item.genitive))
    # Only the longest of overlapping finds goes on to name recurrences: `Körfestivalen` alone is
    # not a name once `Körfestivalen TILLSAMMANS` is.
    kept: list[tuple[int, int]] = []
    for key in sorted(spans, key=lambda k: k[1] - k[0], reverse=True):
        if not any(key[0] < end and start < key[1] for start, end in kept):
            kept.append(key)
    names = {spans[key] for key in kept}
    found = [(start, end, spans[(start, end)]) for start, end in kept]
    found += _recurrences(text, names, list(kept))
    return sorted(found)


class EventTagger:
    """Proposes EVENT candidates; the resolver weighs them against the other components' spans."""

    def __call__(self, doc: Doc) -> Doc:
        for start, end, norm in find_events(doc):
            add_candidate(doc, start, end, LABEL, norm, "rule")
        return doc


@Language.factory("rapportkb_events")
def make_event_tagger(nlp: Language, name: str) -> EventTagger:
    return EventTagger()
