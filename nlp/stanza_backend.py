"""Stanza as the NER backend: its Swedish tokenize, pos, lemma and ner processors inside our spaCy pipeline.

A small adapter of our own rather than spacy-stanza: spacy-stanza pins spaCy and Stanza versions
(our spaCy 3.8 and a current Stanza would fight it), and it replaces the tokenizer, which we do not want.

Design:
- The Doc that the rest of the pipeline sees is tokenised by our own spaCy tokenizer in both backends.
  The gazetteer's entries and the DATE/COUNT/MONEY/EVENT grammars were written and tested on its tokens
  (`8-9 maj`, `1,5 mnkr`, `Norr- och Västerbotten`); another tokenisation would silently change what
  they find, and the backend comparison would mix tokenizer effects into the NER effects.
- Stanza still runs its own tokenizer (required): its NER was trained on that tokenisation and on its
  sentence splits, and we hand it raw text. Its results are carried over by character offsets, which
  Stanza keeps into the original text: entities are widened to our token boundaries,
  lemmas and POS go to our tokens that cover exactly the same characters as a Stanza word.
- Stanza's entities go where our spaCy NER puts its own, into `doc.ents` right before the resolver,
  so nlp/resolve.py treats them as it treats our model's (source "model", the value SCHEMA.md allows
  for a model): registry names and rules win on overlaps, one-word guesses must pass its plausibility
  checks, and a span a rule or the registry also proposed keeps that source and its registry id. (Adding
  them as candidates of a source "stanza" would need a new source value in the schema and the resolver.)
  The resolver keeps every label we map (PER, ORG, LOC, EVENT), not only persons as with our model:
  comparing Stanza's NER with ours is the point of this backend.
- Lemmas: Stanza's where the lemma processor ran and the words align, our lookup table's otherwise.
- Models are read from a Stanza resources folder (`stanza.download("sv")`'s layout); nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans, minibatch

from nlp.wordclass import lemma as lookup_lemma

LANG = "sv"
COMPONENT = "rapportkb_stanza"
#: Stanza's Swedish NER (SUC 3.0) labels as ours. TME (times) and MSR (measures) are left to our
#: DATE/COUNT/MONEY rules, which normalise them; OBJ, WRK and the rest have no type of ours.
LABELS = {"PRS": "PER", "ORG": "ORG", "LOC": "LOC", "EVN": "EVENT"}
MODEL_LABELS = frozenset(LABELS.values())
REQUIRED = ("tokenize", "ner")
OPTIONAL = ("pos", "lemma")
#: Where the Stanza annotations of a Doc are kept for inspection (tests, debugging): (label, start, end).
USER_DATA_ENTITIES = "stanza_entities"
#: torch threads in a process running Stanza. rapportkb already runs one worker process per core, and torch's
#: threads spin while they wait: on a busy 2-core machine the seed's NLP stage took 8.7 to 29 s with torch's
#: default of 2 threads against 1.2 s with one (benchmarks/bench_backends.py, tiny models).
TORCH_THREADS = 1
#: Sections per call into Stanza: it batches sentences across documents, so bigger is faster, up to memory.
STANZA_BATCH = 64


class StanzaUnavailable(RuntimeError):
    """The stanza package (and torch) are not installed."""

    def __init__(self) -> None:
        super().__init__(
            "the stanza backend needs the stanza package and a CPU build of torch: "
            "pip install -e '.[stanza]' (see README, Backends)"
        )


class StanzaModelsMissing(FileNotFoundError):
    """A required Stanza model is not in the folder looked in."""


def install_command(stanza_dir: Path) -> str:
    return f"python -c \"import stanza; stanza.download('sv', model_dir='{stanza_dir}')\""


def default_stanza_dir() -> Path:
    """Stanza's own default: $STANZA_RESOURCES_DIR, else ~/stanza_resources."""
    env = os.environ.get("STANZA_RESOURCES_DIR")
    return Path(env) if env else Path.home() / "stanza_resources"


@dataclass
class StanzaModels:
    """What a resources folder holds for Swedish: processor -> package, and what was left out why."""

    root: Path
    packages: dict[str, str]
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def processors(self) -> str:
        return ",".join(name for name in ("tokenize", "pos", "lemma", "ner") if name in self.packages)


def _missing(stanza_dir: Path, what: str) -> StanzaModelsMissing:
    return StanzaModelsMissing(
        f"{what} (looked in {stanza_dir}). Install Stanza's Swedish models on a machine with internet "
        f"access with\n    {install_command(stanza_dir)}\nand copy that folder here, or point "
        "--stanza-dir (or STANZA_RESOURCES_DIR) at a folder that has them; nothing is downloaded at run time"
    )


def locate_models(stanza_dir: Path | None = None) -> StanzaModels:
    """Resolve the default Swedish package of each processor from resources.json, as Stanza does, and
    check that each model file and its dependencies (pretrain, charlm) exist. A missing tokenize or ner
    model raises StanzaModelsMissing; a missing pos or lemma model is skipped with a warning."""
    root = Path(stanza_dir) if stanza_dir else default_stanza_dir()
    resources_file = root / "resources.json"
    if not resources_file.is_file():
        raise _missing(root, "no Stanza resources.json")
    try:
        resources = json.loads(resources_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _missing(root, f"unreadable Stanza resources.json ({exc})") from exc
    language = resources.get(LANG)
    while isinstance(language, dict) and "alias" in language:
        language = resources.get(language["alias"])
    if not isinstance(language, dict):
        raise _missing(root, "resources.json lists no Swedish (sv) models")
    defaults = {**language.get("default_processors", {}), **language.get("packages", {}).get("default", {})}
    packages: dict[str, str] = {}
    skipped: dict[str, str] = {}
    for processor in REQUIRED + OPTIONAL:
        package = defaults.get(processor)
        problem = None
        if not isinstance(package, str):
            problem = f"no default Swedish {processor} model in resources.json"
        else:
            files = [root / LANG / processor / f"{package}.pt"]
            for dependency in language.get(processor, {}).get(package, {}).get("dependencies", []):
                files.append(root / LANG / dependency["model"] / f"{dependency['package']}.pt")
            absent = [str(path) for path in files if not path.is_file()]
            if absent:
                problem = f"Swedish {processor} model {package!r} is missing {', '.join(absent)}"
        if problem is None:
            packages[processor] = package
        elif processor in REQUIRED:
            raise _missing(root, problem)
        else:
            skipped[processor] = problem
    return StanzaModels(root, packages, skipped)


def load_stanza(models: StanzaModels) -> Any:
    """A stanza.Pipeline over exactly the located models; download_method=None: never the network."""
    try:
        import stanza
        import torch
    except ImportError as exc:
        raise StanzaUnavailable() from exc
    torch.set_num_threads(TORCH_THREADS)
    for processor, problem in models.skipped.items():
        fallback = "our lookup lemmas are used" if processor == "lemma" else "tokens get no POS"
        warnings.warn(f"stanza backend: {problem}; running without {processor} ({fallback})", stacklevel=2)
    return stanza.Pipeline(
        LANG,
        dir=str(models.root),
        processors={name: models.packages[name] for name in models.processors.split(",")},
        download_method=None,
        logging_level="WARN",
        use_gpu=False,
    )


def stanza_version() -> str:
    try:
        import stanza
    except ImportError as exc:
        raise StanzaUnavailable() from exc
    return stanza.__version__


def annotate(doc: Doc, stanza_doc: Any) -> Doc:
    """Carry a Stanza Document of `doc.text` over to `doc`: mapped entities into `doc.ents`, and
    lemmas and POS onto tokens covering exactly one Stanza word's characters (our lookup lemma elsewhere)."""
    spans = []
    for entity in getattr(stanza_doc, "ents", None) or []:
        label = LABELS.get(entity.type)
        if label is None:
            continue
        span = doc.char_span(entity.start_char, entity.end_char, label=label, alignment_mode="expand")
        if span is not None and span.text.strip():
            spans.append(span)
    # Widening to our tokens can make two neighbours overlap; doc.ents needs disjoint spans.
    doc.ents = filter_spans(spans)
    doc.user_data[USER_DATA_ENTITIES] = [(ent.label_, ent.start_char, ent.end_char) for ent in doc.ents]
    stanza_lemmas: dict[int, str] = {}
    for sentence in getattr(stanza_doc, "sentences", None) or []:
        for token in sentence.tokens:
            if len(token.words) != 1 or token.start_char is None:
                continue  # a multi-word token has no one-to-one word for our token
            word = token.words[0]
            span = doc.char_span(token.start_char, token.end_char)
            if span is None or len(span) != 1:
                continue
            if word.lemma:
                stanza_lemmas[span.start] = word.lemma
            if word.upos:
                span[0].pos_ = word.upos
            if word.xpos:
                span[0].tag_ = word.xpos
    for token in doc:
        if token.i in stanza_lemmas:
            token.lemma_ = stanza_lemmas[token.i]
        elif not token.is_space:
            token.lemma_ = (lookup_lemma(token.lower_) if token.is_alpha else None) or token.text
    return doc


class StanzaTagger:
    """The spaCy component: runs Stanza over each Doc's text (in batches in `pipe`) and annotates it."""

    def __init__(self, stanza_pipeline: Any) -> None:
        self.stanza = stanza_pipeline

    def _run(self, texts: list[str]) -> list[Any]:
        import stanza

        wanted = [i for i, text in enumerate(texts) if text.strip()]
        results: list[Any] = [None] * len(texts)
        if wanted:
            processed = self.stanza.bulk_process([stanza.Document([], text=texts[i]) for i in wanted])
            for i, stanza_doc in zip(wanted, processed, strict=True):
                results[i] = stanza_doc
        return results

    def __call__(self, doc: Doc) -> Doc:
        return annotate(doc, self._run([doc.text])[0])

    def pipe(self, stream: Iterable[Doc], batch_size: int = STANZA_BATCH) -> Iterator[Doc]:
        for batch in minibatch(stream, size=batch_size):
            for doc, stanza_doc in zip(batch, self._run([doc.text for doc in batch]), strict=True):
                yield annotate(doc, stanza_doc)


@Language.factory(COMPONENT)
def make_stanza_tagger(nlp: Language, name: str) -> StanzaTagger:
    # The Stanza pipeline is attached by add_stanza: a factory's config cannot carry a loaded model.
    return StanzaTagger(None)


def add_stanza(
    pipeline: Language, stanza_dir: Path | None = None, resolver: str = "rapportkb_resolve"
) -> Language:
    """Put Stanza where our spaCy NER goes in `pipeline` (a build_pipeline pipeline without it): right
    before the resolver, after the rules, which must not see its candidates (the EVENT rules build on the
    places and organisations proposed before them). Let the resolver keep every mapped label from the
    model, and name the pipeline after the backend and its NER model."""
    models = locate_models(stanza_dir)
    before = resolver if resolver in pipeline.pipe_names else None
    tagger = pipeline.add_pipe(COMPONENT, before=before)
    tagger.stanza = load_stanza(models)
    if resolver in pipeline.pipe_names:
        pipeline.get_pipe(resolver).model_labels = MODEL_LABELS
    from rapportkb import __version__

    # documents.jsonl records `pipeline.model` as name@version: a knowledge base says which backend tagged it.
    pipeline.meta["name"] = "rapportkb_sv_stanza"
    pipeline.meta["version"] = f"{__version__}+stanza.{stanza_version()}.ner.{models.packages['ner']}"
    return pipeline

