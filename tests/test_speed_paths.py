"""Speed paths that must not change results: the NER model on numpy's BLAS, the shared lemma strings."""

from __future__ import annotations

import gzip
import json
from importlib.resources import files
from pathlib import Path

import spacy
from threadpoolctl import threadpool_info

from nlp.ner import load_model
from nlp.wordclass import lemma_table

REPO = Path(__file__).resolve().parent.parent
NER = REPO / "models" / "ner"


def test_ner_model_computes_with_numpy_blas_on_one_thread() -> None:
    model = load_model(NER)
    tok2vec = model.get_pipe("ner").model.get_ref("tok2vec")
    assert all(getattr(layer.ops, "use_blis", None) is False for layer in tok2vec.walk())
    assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")


def test_ner_on_numpy_blas_finds_what_the_default_model_finds() -> None:
    """Only the order of floating-point sums differs; the entities must not."""
    texts = [p for p in (REPO / "corpus" / "seed.txt").read_text(encoding="utf-8").split("\n\n") if p.strip()]
    ours, default = load_model(NER), spacy.load(NER)
    found = [[(e.start, e.end, e.label_) for e in doc.ents] for doc in ours.pipe(texts)]
    assert found == [[(e.start, e.end, e.label_) for e in doc.ents] for doc in default.pipe(texts)]
    assert sum(map(len, found)) > 20


def test_lemma_table_is_spacys_with_one_string_per_lemma() -> None:
    path = files("spacy_lookups_data") / "data" / "sv_lemma_lookup.json.gz"
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        assert lemma_table() == json.load(fh)
    first: dict[str, str] = {}
    assert all(first.setdefault(lem, lem) is lem for lem in lemma_table().values())
