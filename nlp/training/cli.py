"""`rapportkb train ner`: the command-line shell over nlp.training.train_ner.train_ner."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from nlp.training.train_ner import DEFAULT_CONFIG, REPO


def _cmd_train_ner(args: argparse.Namespace) -> int:
    from nlp.training.train_ner import train_ner

    metrics = train_ner(args.corpora, args.out, max_steps=args.max_steps, seed=args.seed, config=args.config)
    print(json.dumps(metrics["test"], ensure_ascii=False, indent=2))
    print(
        f"model written to {args.out} ({metrics['size_bytes'] / 1e6:.1f} MB, "
        f"{metrics['words_per_second_one_core']:,} words/s)"
    )
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add `train ner` to the rapportkb command's subparsers."""
    train = commands.add_parser("train", help="train the models shipped in models/")
    what = train.add_subparsers(dest="model", required=True, metavar="MODEL")
    ner = what.add_parser(
        "ner",
        help="train the Swedish PER/ORG/LOC model",
        description="Train the NER model on klintan + UNER Talbanken (+ corpus/ner), evaluate it on UNER "
        "PUD, UNER Talbanken test and klintan test, and write a spaCy pipeline with metrics and model card.",
    )
    ner.add_argument(
        "--corpora",
        type=Path,
        default=REPO.parent / "shared" / "corpora",
        metavar="PATH",
        help="folder holding klintan-swedish-ner/, uner-sv-talbanken/, uner-sv-pud/",
    )
    ner.add_argument("--out", type=Path, default=REPO / "models" / "ner", metavar="DIR")
    ner.add_argument("--max-steps", type=int, metavar="N", help="cap on training steps (default: config)")
    ner.add_argument("--seed", type=int, default=0)
    ner.add_argument("--config", type=Path, default=DEFAULT_CONFIG, metavar="FILE")
    ner.set_defaults(run=_cmd_train_ner)
