"""Choose one reading where entity candidates overlap, and write `doc.ents`."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.mention import CANDIDATES, SOURCE_PRIORITY, candidate_info


def _rank(span: Span) -> tuple[int, int, int]:
    # Longest name wins (ANNOTATION.md: no nesting); on equal length, rules beat gazetteers beat the model,
    # and earlier spans win so the choice is deterministic.
    source = candidate_info(span)[1]
    return (len(span.text), SOURCE_PRIORITY.get(source, 0), -span.start_char)


def resolve(candidates: list[Span]) -> list[Span]:
    """Greedy non-overlapping selection by rank; returns spans sorted by position."""
    taken: set[int] = set()
    chosen: list[Span] = []
    for span in sorted(candidates, key=_rank, reverse=True):
        tokens = set(range(span.start, span.end))
        if tokens & taken:
            continue
        taken |= tokens
        chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


class EntityResolver:
    """Merges the model's `doc.ents` with the candidates other components proposed."""

    def __call__(self, doc: Doc) -> Doc:
        candidates = list(doc.spans.get(CANDIDATES, [])) + list(doc.ents)
        doc.ents = resolve(candidates)
        return doc


@Language.factory("rapportkb_resolve")
def make_resolver(nlp: Language, name: str) -> EntityResolver:
    return EntityResolver()
