"""Train, evaluate and package the Swedish NER model shipped in models/ner.

`train_ner` is the library function behind `rapportkb train ner`: it converts the corpora to DocBins,
runs spaCy's own training loop with configs/ner.cfg (evaluation-based early stopping on a dev set that
none of the reported test sets is part of), scores the best model per entity type on every test corpus,
and writes a loadable spaCy pipeline directory with metrics.json and a model card (README.md).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import spacy
from spacy.cli.train import train as spacy_train
from spacy.language import Language
from spacy.training import Example

from nlp.training.corpora import LABELS, ReadStats, Sentence, load_all, read_annotated_jsonl, to_docbin

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = REPO / "configs" / "ner.cfg"
DEFAULT_DOMAIN = REPO / "corpus" / "ner" / "admin_sv.jsonl"
TEST_SETS = ("uner_pud_test", "uner_talbanken_test", "klintan_test")
#: Every n-th klintan train sentence is held out for early stopping (UNER Talbanken dev alone has 23 names).
DEV_EVERY = 10


def split_train_dev(
    corpora: dict[str, list[Sentence]], domain: list[Sentence], domain_repeat: int
) -> tuple[list[Sentence], list[Sentence]]:
    """Training sentences (domain text repeated to weight it) and the early-stopping dev set."""
    klintan = corpora["klintan_train"]
    klintan_train = [s for i, s in enumerate(klintan) if i % DEV_EVERY]
    klintan_dev = [s for i, s in enumerate(klintan) if not i % DEV_EVERY]
    train = klintan_train + corpora["uner_talbanken_train"] + domain * domain_repeat
    return train, klintan_dev + corpora["uner_talbanken_dev"]


def score(pipeline: Language, sentences: list[Sentence]) -> dict[str, dict[str, float]]:
    """Precision/recall/F1 per type and overall, on raw text tokenised by the pipeline as at run time."""
    vocab = pipeline.vocab
    examples = []
    for sentence in sentences:
        reference = next(to_docbin([sentence]).get_docs(vocab))
        examples.append(Example(pipeline.make_doc(reference.text), reference))
    scores = pipeline.evaluate(examples)
    per_type = scores.get("ents_per_type") or {}
    result = {
        label: {k: round(per_type.get(label, {}).get(k, 0.0), 4) for k in ("p", "r", "f")} for label in LABELS
    }
    result["ALL"] = {k: round(scores[f"ents_{k}"] or 0.0, 4) for k in ("p", "r", "f")}
    result["ALL"]["n_gold"] = sum(len(s.entities) for s in sentences)
    return result


def words_per_second(pipeline: Language, texts: list[str], rounds: int = 3) -> float:
    """Median NER throughput over `rounds` passes (this process runs the CNN on one core)."""
    rates = []
    for _ in range(rounds):
        started = time.perf_counter()
        words = sum(len(doc) for doc in pipeline.pipe(texts, batch_size=256))
        rates.append(words / (time.perf_counter() - started))
    return round(sorted(rates)[len(rates) // 2])


def directory_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def train_ner(
    corpora: Path,
    out: Path,
    max_steps: int | None = None,
    seed: int = 0,
    config: Path = DEFAULT_CONFIG,
    domain: Path | None = DEFAULT_DOMAIN,
    domain_repeat: int = 4,
    overrides: dict[str, Any] | None = None,
    work: Path | None = None,
    pipeline_scores: bool = True,
) -> dict[str, Any]:
    """Train on klintan train + UNER Talbanken train (+ domain text), evaluate, and package into `out`.

    With `pipeline_scores`, the test sets are also scored through the whole rapportkb pipeline
    (gazetteer, rules, this model, resolver taking all three labels), which is what users get."""
    stats = ReadStats()
    data = load_all(corpora, stats)
    domain_sentences = read_annotated_jsonl(domain) if domain and domain.is_file() else []
    train, dev = split_train_dev(data, domain_sentences, domain_repeat)

    own_work = work is None
    work = Path(tempfile.mkdtemp(prefix="rapportkb-ner-")) if work is None else work
    try:
        work.mkdir(parents=True, exist_ok=True)
        to_docbin(train).to_disk(work / "train.spacy")
        to_docbin(dev).to_disk(work / "dev.spacy")
        settings: dict[str, Any] = {
            "paths.train": str(work / "train.spacy"),
            "paths.dev": str(work / "dev.spacy"),
            "system.seed": seed,
        }
        if max_steps is not None:
            settings["training.max_steps"] = max_steps
        settings.update(overrides or {})
        spacy_train(config, work / "output", use_gpu=-1, overrides=settings)
        best = work / "output" / "model-best"
        pipeline = spacy.load(best)
        metrics = _measure(pipeline, data, train, domain_sentences, stats, seed)
        _package(pipeline, out, config, metrics)
        if pipeline_scores:
            add_pipeline_scores(out, data, metrics, config)
    finally:
        if own_work:
            shutil.rmtree(work, ignore_errors=True)
    return metrics


def _measure(
    pipeline: Language,
    data: dict[str, list[Sentence]],
    train: list[Sentence],
    domain: list[Sentence],
    stats: ReadStats,
    seed: int,
) -> dict[str, Any]:
    texts = [s.text or " ".join(s.words) for name in TEST_SETS for s in data[name]]
    return {
        "test": {name: score(pipeline, data[name]) for name in TEST_SETS},
        "words_per_second_one_core": words_per_second(pipeline, texts),
        "data": {
            "train_sentences": len(train),
            "domain_sentences": len(domain),
            "test_sentences": {name: len(data[name]) for name in TEST_SETS},
            "malformed_lines_skipped": len(stats.malformed_lines),
            "dropped_labels": stats.dropped_labels,
        },
        "seed": seed,
    }


def add_pipeline_scores(
    out: Path, data: dict[str, list[Sentence]], metrics: dict[str, Any], config: Path
) -> None:
    """Score the packaged model inside the rapportkb pipeline and rewrite metrics.json and the card."""
    from nlp.training.pipeline_eval import score_pipeline

    metrics["pipeline_test"] = {name: score_pipeline(data[name], out, LABELS) for name in TEST_SETS}
    metrics["pipeline_labels"] = list(LABELS)
    _write_card(out, metrics, config)


def _write_card(out: Path, metrics: dict[str, Any], config: Path) -> None:
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", "utf-8")
    (out / "README.md").write_text(model_card(metrics, config), encoding="utf-8")


def _package(pipeline: Language, out: Path, config: Path, metrics: dict[str, Any]) -> None:
    pipeline.meta.update(
        {
            "name": "rapportkb_ner",
            "version": "0.1.0",
            "description": "Swedish PER/ORG/LOC NER for rapportkb (CNN, no vectors)",
            "license": "CC BY-SA 4.0",
            "sources": SOURCES,
        }
    )
    if out.exists():
        shutil.rmtree(out)
    pipeline.to_disk(out)
    metrics["size_bytes"] = directory_size(out)
    _write_card(out, metrics, config)


SOURCES = [
    {
        "name": "klintan swedish-ner-corpus (train)",
        "url": "https://github.com/klintan/swedish-ner-corpus",
        "license": "CC BY 4.0",
    },
    {
        "name": "Universal NER Swedish-Talbanken (train)",
        "url": "https://github.com/UniversalNER/UNER_Swedish-Talbanken",
        "license": "CC BY-SA 4.0",
    },
    {
        "name": "rapportkb corpus/ner/admin_sv.jsonl (administrative sentences annotated for rapportkb)",
        "url": "corpus/ner/admin_sv.jsonl in the rapportkb repository",
        "license": "MIT (annotations); sentences from public Swedish authority documents",
    },
]


def _table_rows(metrics: dict[str, Any], key: str) -> str:
    rows = []
    for name, result in metrics[key].items():
        cells = [
            f"{result[label]['p']:.2f} / {result[label]['r']:.2f} / **{result[label]['f']:.2f}**"
            for label in (*LABELS, "ALL")
        ]
        rows.append(
            f"| {name} ({metrics['data']['test_sentences'][name]} sent.) | " + " | ".join(cells) + " |"
        )
    return "\n".join(rows)


def _pipeline_section(metrics: dict[str, Any]) -> str:
    if "pipeline_test" not in metrics:
        return ""
    return f"""
### In the rapportkb pipeline

The same sentences through the whole entity pipeline (`nlp.pipeline.build_pipeline`: gazetteer, name
rules, this model, and the resolver taking {", ".join(metrics["pipeline_labels"])} from the model, with
its plausibility checks; `nlp/training/pipeline_eval.py`). Each sentence is tagged alone, so the
resolver's checks that look at the rest of a document (a lone surname is kept when the full name is in
the same text) see one sentence only.

| test set | PER | ORG | LOC | all |
|---|---|---|---|---|
{_table_rows(metrics, "pipeline_test")}
"""


def embedding_description(config: Path) -> str:
    """What the tok2vec embeds, read from the training config (so the card cannot drift from it)."""
    from thinc.api import Config

    embed = Config().from_disk(config, interpolate=False)["components"]["ner"]["model"]["tok2vec"]["embed"]
    if "CharacterEmbed" in embed["@architectures"]:
        half = int(embed["nC"]) // 2
        return (f"each word's NORM in a hash table ({embed['rows']:,} rows) and its first and last {half} "
                "characters, case kept")
    rows = ", ".join(f"{attr} ({n:,} rows)" for attr, n in zip(embed["attrs"], embed["rows"], strict=True))
    return f"each word's {rows} in hash tables"


def model_card(metrics: dict[str, Any], config: Path) -> str:
    """The models/ner/README.md text: sources and licences, metrics per type and corpus, size, speed."""
    rows = _table_rows(metrics, "test")
    sources = "\n".join(f"- {s['name']}: <{s['url']}>, {s['license']}" for s in SOURCES)
    return f"""# rapportkb Swedish NER (PER, ORG, LOC)

A spaCy pipeline directory (`spacy.load("models/ner")`) with one component, `ner`, that carries its own
CNN tok2vec (no word vectors). rapportkb sources it into its pipeline ahead of the resolver
(`nlp/ner.py`); gazetteers and rules add the rest. The tok2vec embeds
{embedding_description(config)}.

## Licence

**CC BY-SA 4.0**, because the training data includes Universal NER (CC BY-SA 4.0). Attribution:

{sources}

Evaluation used UNER Swedish-PUD test (CC BY-SA 4.0), UNER Talbanken test and klintan test; none of
them was trained on. MISC and other labels were dropped. Klintan test sentences that also occur in
klintan train are not scored; {metrics["data"]["malformed_lines_skipped"]} malformed corpus line(s) skipped.

## Metrics (precision / recall / F1, exact span match)

| test set | PER | ORG | LOC | all |
|---|---|---|---|---|
{rows}
{_pipeline_section(metrics)}
UNER PUD is translated news and Wikipedia full of foreign names that a model without word vectors has
rarely seen; it scores far lower there than on Swedish-born text. In rapportkb the gazetteers and rules
carry most administrative ORG and LOC names; the model adds persons and names no list knows
(`MODEL_LABELS` and `plausible_model_span` in `nlp/resolve.py` say which of its guesses are kept).

## Size and speed

- Directory size: {metrics["size_bytes"] / 1e6:.1f} MB.
- Throughput: {metrics["words_per_second_one_core"]:,} words/s on one CPU core (spaCy `nlp.pipe`, test
  texts; median of three passes, measured at the end of training, so noisy on a shared machine).

## Training

- {metrics["data"]["train_sentences"]:,} training sentences: klintan train minus every {DEV_EVERY}th
  sentence, UNER Talbanken train, and {metrics["data"]["domain_sentences"]} administrative sentences
  (`corpus/ner/admin_sv.jsonl`) repeated to weight them.
- Early stopping on UNER Talbanken dev plus the held-out klintan sentences; seed {metrics["seed"]}.
- Config: `{config.name}` (in `configs/`).

## Reproduce

```
rapportkb train ner --corpora ../shared/corpora --out models/ner
```
"""
