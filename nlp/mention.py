"""Entity mentions as plain data, and how spaCy components hand them to each other on a Doc.

Every entity component (gazetteer, date rules, count rules, the trained model) proposes
candidates into the span group ``doc.spans["candidates"]`` and records each candidate's
normal form and origin in ``doc.user_data``. The resolver component (nlp/resolve.py) then
chooses non-overlapping spans (longest wins, per spec/ANNOTATION.md) and writes ``doc.ents``.
Keeping norms keyed by (start_char, end_char, label) means they survive span re-creation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span

CANDIDATES = "candidates"
_NORMS = "rapportkb_norms"

#: Priority when two candidates of equal length overlap: rules and gazetteers know more than the model.
SOURCE_PRIORITY = {"rule": 3, "gazetteer": 2, "model": 1}


@dataclass(frozen=True)
class Mention:
    """An entity in a piece of text: `text == host_text[start:end]` always."""

    type: str
    start: int
    end: int
    text: str
    norm: Any
    source: str
    id: str | None = None


def add_candidate(
    doc: Doc, start_char: int, end_char: int, label: str, norm: Any, source: str, id: str | None = None
) -> Span | None:
    """Propose a candidate entity; character offsets are widened to token boundaries if needed."""
    span = doc.char_span(start_char, end_char, label=label, alignment_mode="expand")
    if span is None or not span.text.strip():
        return None
    if CANDIDATES not in doc.spans:
        doc.spans[CANDIDATES] = []
    doc.spans[CANDIDATES].append(span)
    doc.user_data.setdefault(_NORMS, {})[(span.start_char, span.end_char, label)] = (norm, source, id)
    return span


def candidate_info(span: Span) -> tuple[Any, str, str | None]:
    """(norm, source, id) recorded for a span; a span nobody recorded is a model span normed by its text."""
    return span.doc.user_data.get(_NORMS, {}).get(
        (span.start_char, span.end_char, span.label_), (span.text, "model", None)
    )


def doc_mentions(doc: Doc) -> list[Mention]:
    """The resolved entities of a Doc as plain Mentions, in text order."""
    out = []
    for ent in doc.ents:
        norm, source, ent_id = candidate_info(ent)
        out.append(Mention(ent.label_, ent.start_char, ent.end_char, ent.text, norm, source, ent_id))
    return out
