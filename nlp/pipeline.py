"""The Swedish spaCy pipeline: tokenizer, entity components, resolver."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

# Importing the modules registers their @Language.factory components.
import nlp.dates  # noqa: F401
import nlp.events  # noqa: F401
import nlp.gazetteer  # noqa: F401
import nlp.quantities  # noqa: F401
import nlp.resolve  # noqa: F401
from nlp.mention import Mention, doc_mentions
from nlp.ner import add_trained_ner
from nlp.wordclass import lemma_table

REPORT_DATE = "report_date"
#: Docs per batch through the pipeline. spaCy's default (1000) hands the NER model one batch for a
#: whole long report, whose padded arrays make the per-token cost grow with document length; 128
#: keeps it flat (840 seed sections: 2.8 s against 4.2 s). Each Doc is tagged alone either way.
TAG_BATCH_SIZE = 128


def models_dir() -> Path:
    """Shipped models live in the repository's models/ folder; RAPPORTKB_MODELS points elsewhere."""
    env = os.environ.get("RAPPORTKB_MODELS")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "models"


def _models_version(models: Path) -> str:
    """The package version, plus the NER model's version when one is shipped."""
    from rapportkb import __version__

    meta = models / "ner" / "meta.json"
    if meta.is_file():
        ner = json.loads(meta.read_text(encoding="utf-8"))
        return f"{__version__}+ner.{ner.get('version', '0')}"
    return __version__


#: NER backends: our spaCy model (models/ner), or Stanza's Swedish models (nlp/stanza_backend.py).
BACKENDS = ("spacy", "stanza")


def build_pipeline(
    models: Path | None = None, ner_gate: bool = True, backend: str = "spacy", stanza_dir: Path | None = None
) -> Language:
    """A blank Swedish Language with our entity components, in the order they must run.

    `ner_gate=False` runs the trained model on every text, not only where the resolver could keep
    what it finds (nlp/ner.py); the entities are the same, it exists to show that.
    `backend="stanza"` puts Stanza (models from `stanza_dir`) in place of our trained NER model.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    models = models or models_dir()
    gazetteer = models / "gazetteer"
    if not gazetteer.is_dir():
        raise FileNotFoundError(
            f"compiled gazetteer not found at {gazetteer}; install rapportkb from its repository "
            "(pip install -e .) or set RAPPORTKB_MODELS to the folder holding gazetteer/"
        )
    pipeline = spacy.blank("sv")
    # documents.jsonl records this as `pipeline.model`, so a knowledge base says what tagged it.
    pipeline.meta["name"] = "rapportkb_sv"
    pipeline.meta["version"] = _models_version(models)
    pipeline.add_pipe("rapportkb_gazetteer", config={"path": str(gazetteer)})
    pipeline.add_pipe("rapportkb_dates")
    pipeline.add_pipe("rapportkb_quantities")
    # After the gazetteer: event names use the places and organisations it has proposed.
    pipeline.add_pipe("rapportkb_events")
    pipeline.add_pipe("rapportkb_resolve")
    if backend == "stanza":
        from nlp.stanza_backend import add_stanza  # imports torch: only when asked for

        add_stanza(pipeline, stanza_dir)
    elif (models / "ner").is_dir():
        add_trained_ner(pipeline, models / "ner", gate=ner_gate)
    # Load the lemma table now, not on the first document: workers load the pipeline once, up front.
    lemma_table()
    return pipeline


def tag_texts(
    pipeline: Language, texts: Iterable[str], report_date: date | None = None
) -> Iterator[list[Mention]]:
    """Entities of each text; year-less and relative dates resolve against `report_date`."""

    def docs() -> Iterator[Doc]:
        for text in texts:
            doc = pipeline.make_doc(text)
            doc.user_data[REPORT_DATE] = report_date
            yield doc

    for doc in pipeline.pipe(docs(), batch_size=TAG_BATCH_SIZE):
        yield doc_mentions(doc)
