"""Score the whole rapportkb entity pipeline (gazetteer, rules, trained model, resolver) on a NER corpus.

The model's own scores (nlp/training/train_ner.py) say how good the CNN is; what users get is the
pipeline, where registry names and rules win over the model and the resolver decides which of the
model's labels are taken. This scores that pipeline on the same test sentences, PER/ORG/LOC only (the
pipeline's DATE, COUNT, MONEY and EVENT spans are not in these corpora and are ignored).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nlp.training.corpora import LABELS, Sentence, spaces_for

Key = tuple[int, int, str]


def gold_char_spans(sentence: Sentence) -> tuple[str, set[Key]]:
    """The sentence's text as the pipeline reads it, and its PER/ORG/LOC spans as character offsets."""
    spaces = spaces_for(sentence.words, sentence.text)
    offsets = []
    position = 0
    parts = []
    for word, space in zip(sentence.words, spaces, strict=True):
        offsets.append((position, position + len(word)))
        parts.append(word + (" " if space else ""))
        position += len(word) + (1 if space else 0)
    text = "".join(parts)
    spans = {(offsets[s][0], offsets[e - 1][1], lab) for s, e, lab in sentence.entities if lab in LABELS}
    return text, spans


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4)}


def score_spans(pairs: Iterable[tuple[set[Key], set[Key]]]) -> dict[str, Any]:
    """Exact-match precision/recall/F1 per label and overall from (gold, predicted) span sets."""
    counts = {label: [0, 0, 0] for label in LABELS}
    for gold, predicted in pairs:
        for key in predicted:
            counts[key[2]][0 if key in gold else 1] += 1
        for key in gold - predicted:
            counts[key[2]][2] += 1
    result: dict[str, Any] = {label: prf(*counts[label]) for label in LABELS}
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    result["ALL"] = {**prf(*total), "n_gold": total[0] + total[2]}
    return result


def score_pipeline(
    sentences: list[Sentence],
    ner_dir: Path | None,
    model_labels: Iterable[str],
    gazetteer: Path | None = None,
) -> dict[str, Any]:
    """Scores of `build_pipeline` with the model in `ner_dir` (None: no model) taking `model_labels`."""
    from nlp.pipeline import build_pipeline, models_dir

    gazetteer = gazetteer or models_dir() / "gazetteer"
    with tempfile.TemporaryDirectory(prefix="rapportkb-models-") as tmp:
        models = Path(tmp)
        (models / "gazetteer").symlink_to(gazetteer.resolve())
        if ner_dir is not None:
            (models / "ner").symlink_to(ner_dir.resolve())
        pipeline = build_pipeline(models)
        pipeline.get_pipe("rapportkb_resolve").model_labels = frozenset(model_labels)
        golds = [gold_char_spans(s) for s in sentences]
        docs = pipeline.pipe((text for text, _ in golds), batch_size=128)
        pairs = []
        for (_, gold), doc in zip(golds, docs, strict=True):
            predicted = {(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in LABELS}
            pairs.append((gold, predicted))
    return score_spans(pairs)
