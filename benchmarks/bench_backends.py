"""Speed of the two NER backends (`add --backend spacy|stanza`) on the same input.

Run by hand: `python benchmarks/bench_backends.py [--stanza-dir DIR] [--text FILE] [--rounds N]`.
Without --stanza-dir, tiny Stanza models are trained first (nlp/stanza_tiny.py, about half a minute):
their sizes are far below Stanza's official Swedish models (hidden size 32 against 256, no charlm, 16-d
random vectors against 100-d), so the stanza figures are then indicative only, a lower bound on its cost.

For each backend: pipeline load time, then the NLP stage alone (tag_texts over the headings and section
texts of the input, warmed up first) in wall-clock and CPU seconds and words per second, best of N
rounds; Stanza once with torch's default threads and once with one thread (what a worker of a
`--workers` batch on a busy machine gets).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def section_texts(path: Path) -> list[str]:
    from ingest.read import read_document
    from nlp.sections import segment

    texts: list[str] = []
    for section in segment(read_document(path, str(path))).sections:
        texts += [section.heading, section.text]
    return texts


def measure(tagger, texts: list[str], rounds: int) -> tuple[float, float]:
    """Best (wall, cpu) seconds of tagging all `texts`."""
    from nlp.pipeline import tag_texts

    list(tag_texts(tagger, texts[:4]))
    best = (float("inf"), float("inf"))
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        list(tag_texts(tagger, texts))
        best = min(best, (time.perf_counter() - wall, time.process_time() - cpu))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stanza-dir", type=Path, help="Stanza resources folder (default: tiny models)")
    parser.add_argument("--text", type=Path, default=REPO / "corpus" / "seed.txt")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import torch

    from nlp.pipeline import build_pipeline

    texts = section_texts(args.text)
    words = sum(len(text.split()) for text in texts)
    print(f"input: {args.text} ({len(texts)} texts, {words} words); torch threads {torch.get_num_threads()}")
    with tempfile.TemporaryDirectory() as folder:
        stanza_dir = args.stanza_dir
        if stanza_dir is None:
            from nlp.stanza_tiny import train_tiny_models

            started = time.perf_counter()
            stanza_dir = train_tiny_models(Path(folder))
            print(f"tiny Stanza models trained in {time.perf_counter() - started:.1f} s (indicative only)")
        default_threads = torch.get_num_threads()
        runs = [("spacy", "spacy", default_threads), ("stanza, 1 thread", "stanza", 1),
                (f"stanza, {default_threads} threads", "stanza", default_threads)]  # fmt: skip
        for label, backend, threads in runs:
            started = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                folder = stanza_dir if backend == "stanza" else None
                tagger = build_pipeline(backend=backend, stanza_dir=folder)
            load = time.perf_counter() - started
            torch.set_num_threads(threads)  # after the build: the stanza backend sets its own (TORCH_THREADS)
            wall, cpu = measure(tagger, texts, args.rounds)
            name = f"{tagger.meta['name']}@{tagger.meta['version']}"
            print(f"{label:<17} load {load:5.1f} s   NLP {wall:6.2f} s wall ({words / wall:6.0f} words/s)  "
                  f"{cpu:6.2f} s cpu ({words / cpu:6.0f} words/s)   {name}")
        torch.set_num_threads(default_threads)


if __name__ == "__main__":
    main()
