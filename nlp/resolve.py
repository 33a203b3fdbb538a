"""Choose one reading where entity candidates overlap, and write `doc.ents`.

Rules and the gazetteer are precise and the statistical model is not (on administrative prose it
tags capitalised sentence openers and foreign words as names), so the model only fills the gaps
they leave, and its single-word guesses must pass two plausibility checks.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span
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
