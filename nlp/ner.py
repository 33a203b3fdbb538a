"""The trained Swedish NER model (models/ner) as a component of the rapportkb pipeline.

The model's `ner` component carries its own tok2vec, so it can be sourced alone into the blank pipeline.
It runs before the resolver: its predictions land in `doc.ents`, which nlp/resolve.py merges with the
gazetteer and rule candidates (a span nobody recorded a norm for gets source "model", see nlp/mention.py).

The model costs more than all the rules together, and the resolver keeps little of what it says (a
place or organisation only where a name-like word is free of the rules' names, lone surnames only when
the full name is in the same text or in a person's context). So the sourced
`ner` is wrapped in a gate that runs it only on the Docs where the resolver could keep one of its
spans (`nlp.resolve.model_can_add`); the others keep empty `doc.ents`, which is what the resolver would
have made of the model's output there anyway. The selected Docs still go through `ner.pipe` in batches.

The model's matrix products go to numpy's BLAS (OpenBLAS), not thinc's default BLIS: on this kind of
machine OpenBLAS takes about half the CPU time for the same products, which is most of the model's
cost (46 against 23 ms for one (5500 x 384) by (384 x 384) product). Only the summation order of the
floating-point sums differs; the entities were the same on every text tried (benchmarks/check_identical.py:
the project's PDFs and 12,317 texts). BLAS is held to one thread: a worker is one process on one core,
and parallel work comes from more workers (rapportkb/workers.py), not from threads fighting over cores.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc
from spacy.util import minibatch
from thinc.api import use_ops
from threadpoolctl import threadpool_limits

from nlp.resolve import EntityResolver, model_can_add

RESOLVER = "rapportkb_resolve"


class GatedNER:
    """The sourced `ner`, run only on Docs where the resolver could keep one of its spans.

    Without a resolver in the pipeline (the model's raw output is wanted) or with `gate` off, every
    Doc goes to the model.
    """

    def __init__(
        self, ner: EntityRecognizer | None, resolver: EntityResolver | None, gate: bool = True
    ) -> None:
        self.ner = ner  # None only until add_trained_ner attaches the loaded model
        self.resolver = resolver
        self.gate = gate

    def wanted(self, doc: Doc) -> bool:
        if not self.gate or self.resolver is None:
            return True
        return model_can_add(doc, self.resolver.model_labels)

    def __call__(self, doc: Doc) -> Doc:
        return self.ner(doc) if self.wanted(doc) else doc

    def pipe(self, stream: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        for batch in minibatch(stream, size=batch_size):
            selected = [doc for doc in batch if self.wanted(doc)]
            if selected:
                # The model annotates the Docs in place; its output order is its own (by length).
                for _ in self.ner.pipe(selected, batch_size=batch_size):
                    pass
            yield from batch


@Language.factory("rapportkb_ner", default_config={"gate": True})
def make_gated_ner(nlp: Language, name: str, gate: bool) -> GatedNER:
    # The model itself is attached by add_trained_ner: a factory cannot take a loaded component.
    resolver = nlp.get_pipe(RESOLVER) if RESOLVER in nlp.pipe_names else None
    return GatedNER(None, resolver, gate)


def load_model(model_dir: Path) -> Language:
    """The spaCy pipeline in `model_dir`, its layers computing matrix products with numpy's BLAS."""
    threadpool_limits(limits=1, user_api="blas")
    with use_ops("numpy", use_blis=False):
        return spacy.load(model_dir)


def add_trained_ner(pipeline: Language, model_dir: Path, name: str = "ner", gate: bool = True) -> Language:
    """Add the trained `ner` from `model_dir` to `pipeline`, gated, ahead of the resolver when present."""
    if not (model_dir / "config.cfg").is_file():
        raise FileNotFoundError(
            f"trained NER model not found at {model_dir} (expected a spaCy pipeline folder)"
        )
    source = load_model(model_dir)
    if "ner" not in source.pipe_names:
        raise ValueError(f"{model_dir} has no 'ner' component (pipes: {source.pipe_names})")
    # What `add_pipe(source=...)` does: the labels' strings must be known to the pipeline's vocab.
    for string in source.vocab.strings:
        pipeline.vocab.strings.add(string)
    before = RESOLVER if RESOLVER in pipeline.pipe_names else None
    wrapper = pipeline.add_pipe("rapportkb_ner", name=name, before=before, config={"gate": gate})
    wrapper.ner = source.get_pipe("ner")
    return pipeline
