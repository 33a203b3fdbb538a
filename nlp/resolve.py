"""Choose one reading where entity candidates overlap, and write `doc.ents`.

Rules and the gazetteer are precise and the statistical model is not (on administrative prose it
tags capitalised sentence openers and foreign words as names), so the model only fills the gaps
they leave, and its single-word guesses must pass two plausibility checks.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from wordfreq import zipf_frequency

from nlp.mention import CANDIDATES, SOURCE_PRIORITY, candidate_info

#: A capitalised word this frequent in lower case, opening a sentence, is an ordinary word ("Fokus").
COMMON_WORD_ZIPF = 3.0
#: Labels taken from the trained model. On the development report its ORG guesses added only false
#: positives and its LOC guesses more false than true ones (registry names and name rules already
#: find those), so by default only its persons are used; `model_labels` in the resolver's config
#: changes that (see models/ner/README.md for the model's own scores).
MODEL_LABELS = frozenset({"PER"})
_SENTENCE_ENDS = frozenset({".", "!", "?", ":", ";", "•", "-", "–"})
#: Lower-case particles of personal names that are not Swedish words (`Max von Sydow`, `Madonna di`).
NAME_PARTICLES = frozenset({"af", "al", "bin", "da", "dal", "del", "della", "di", "dos", "ibn", "ten", "ter",
                            "van", "von", "zu"})  # fmt: skip
#: Words that may also stand between two capitalised words of one name (`Jan de la Gardie`, `Bank of X`).
NAME_INNER = NAME_PARTICLES | {"de", "den", "der", "des", "do", "du", "el", "la", "le", "of", "and", "&"}
#: At most this many particles or joiners between two capitalised words of one name.
MAX_INNER = 2
_CLAUSE_PUNCT = frozenset('.,;:!?()[]{}"”“«»')


def _rank(span: Span) -> tuple[bool, int, int, int]:
    # Known sources first; among them the longest name wins (ANNOTATION.md: no nesting); on equal
    # length rules beat gazetteers, and earlier spans win so the choice is deterministic.
    source = candidate_info(span)[1]
    return (source != "model", len(span.text), SOURCE_PRIORITY.get(source, 0), -span.start_char)


@lru_cache(maxsize=65536)
def _common_word(text: str) -> bool:
    return zipf_frequency(text.lower(), "sv") >= COMMON_WORD_ZIPF


def _opens_sentence(span: Span) -> bool:
    if span.start == 0:
        return True
    previous = span.doc[span.start - 1]
    return previous.text in _SENTENCE_ENDS or "\n" in previous.whitespace_ or previous.is_space


def plausible_model_span(span: Span, doc_person_tokens: set[str], labels: frozenset[str]) -> bool:
    """Drop the model's guesses of labels it is not trusted with, its one-word guesses that are
    ordinary words opening a sentence, and lone one-word persons never named in full in the text."""
    if span.label_ not in labels:
        return False
    if len(span) != 1:
        return True
    if _opens_sentence(span) and _common_word(span.text):
        return False
    return not (span.label_ == "PER" and span.text not in doc_person_tokens)


def resolve(candidates: list[Span], model_labels: frozenset[str] = MODEL_LABELS) -> list[Span]:
    """Greedy non-overlapping selection by rank; returns spans sorted by position."""
    person_tokens = {
        token.text for span in candidates if span.label_ == "PER" and len(span) > 1 for token in span
    }
    taken: set[int] = set()
    chosen: list[Span] = []
    for span in sorted(candidates, key=_rank, reverse=True):
        if candidate_info(span)[1] == "model" and not plausible_model_span(span, person_tokens, model_labels):
            continue
        tokens = set(range(span.start, span.end))
        if tokens & taken:
            continue
        taken |= tokens
        chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def _capitalised(text: str) -> bool:
    return text[:1].isupper() or text.startswith(("al-", "el-"))  # `al-Assad` is capitalised after the dash


def _inner(token: Token) -> bool:
    """A particle, or a token the model has been seen to carry inside a name: a line break, `|`, `'`."""
    text = token.text
    return (token.is_space or text in NAME_INNER
            or not (any(ch.isalnum() for ch in text) or _CLAUSE_PUNCT.intersection(text)))


def name_pairs(doc: Doc) -> list[tuple[int, int]]:
    """(i, j) where a person name of two or more tokens can lie: two capitalised words with at most
    MAX_INNER particles or joiners between them, or a capitalised word next to a name particle."""
    words = [token.text for token in doc]
    n = len(words)
    pairs = []
    for i, text in enumerate(words):
        if not _capitalised(text):
            if text in NAME_PARTICLES and i + 1 < n and _capitalised(words[i + 1]):
                pairs.append((i, i + 1))
            continue
        if i + 1 < n and words[i + 1] in NAME_PARTICLES:
            pairs.append((i, i + 1))
        j = i + 1
        while j < n and j - i <= MAX_INNER and _inner(doc[j]):
            j += 1
        if j < n and _capitalised(words[j]):
            pairs.append((i, j))
    return pairs


def model_can_add(doc: Doc, model_labels: frozenset[str] = MODEL_LABELS) -> bool:
    """False only when `resolve` would keep none of the model's spans, whatever the model predicts
    within the shapes its person names take; then the model need not run (see nlp/ner.py).

    Candidates outrank every model span, so the candidates' own choice (`taken`) does not depend on
    the model. With persons the only label taken from the model, a kept model span is either
    (1) a person of two or more tokens clear of `taken`, or (2) one token clear of `taken`, not an
    ordinary word opening a sentence, whose text is a token of a longer person span in the text (a
    candidate's, or one the model predicts, inside or outside `taken`). A person of two or more
    tokens that the model predicts is covered by `name_pairs` (an assumption about the model, checked
    on 11,530 texts, 276,000 words: UD Swedish, the Klintan NER corpus, real reports; tests/test_ner_gate.py
    checks it on the project's texts): so (1) needs a name pair clear of `taken`, (2) a token clear of
    `taken` whose text is in some name pair or in a candidate person.
    """
    if not model_labels:
        return False
    if not model_labels <= {"PER"}:
        return True  # places and organisations have shapes of their own; do not second-guess them
    candidates = list(doc.spans.get(CANDIDATES, []))
    persons = [span for span in candidates if span.label_ == "PER" and len(span) > 1]
    pairs = name_pairs(doc)
    if not pairs and not persons:
        return False
    taken = {i for span in resolve(candidates, model_labels) for i in range(span.start, span.end)}
    if any(taken.isdisjoint(range(i, j + 1)) for i, j in pairs):
        return True
    names = {doc[k].text for i, j in pairs for k in range(i, j + 1)}
    names.update(token.text for span in persons for token in span)
    for token in doc:
        if token.i in taken or token.text not in names:
            continue
        if not (_opens_sentence(doc[token.i : token.i + 1]) and _common_word(token.text)):
            return True
    return False


class EntityResolver:
    """Merges the model's `doc.ents` with the candidates other components proposed."""

    def __init__(self, model_labels: frozenset[str]) -> None:
        self.model_labels = model_labels

    def __call__(self, doc: Doc) -> Doc:
        candidates = list(doc.spans.get(CANDIDATES, [])) + list(doc.ents)
        doc.ents = resolve(candidates, self.model_labels)
        return doc


@Language.factory("rapportkb_resolve", default_config={"model_labels": sorted(MODEL_LABELS)})
def make_resolver(nlp: Language, name: str, model_labels: list[str]) -> EntityResolver:
    return EntityResolver(frozenset(model_labels))
