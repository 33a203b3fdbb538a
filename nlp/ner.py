"""The trained Swedish NER model (models/ner) as a component of the rapportkb pipeline.

The model's `ner` component carries its own tok2vec, so it can be sourced alone into the blank pipeline.
It runs before the resolver: its predictions land in `doc.ents`, which nlp/resolve.py merges with the
gazetteer and rule candidates (a span nobody recorded a norm for gets source "model", see nlp/mention.py).
"""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

RESOLVER = "rapportkb_resolve"


def add_trained_ner(pipeline: Language, model_dir: Path, name: str = "ner") -> Language:
    """Source the trained `ner` from `model_dir` into `pipeline`, ahead of the resolver when present."""
    if not (model_dir / "config.cfg").is_file():
        raise FileNotFoundError(
            f"trained NER model not found at {model_dir} (expected a spaCy pipeline folder)"
        )
    source = spacy.load(model_dir)
    if "ner" not in source.pipe_names:
        raise ValueError(f"{model_dir} has no 'ner' component (pipes: {source.pipe_names})")
    before = RESOLVER if RESOLVER in pipeline.pipe_names else None
    pipeline.add_pipe("ner", name=name, source=source, before=before)
    return pipeline
