"""Train the line-end hyphen classifier on rendered events and write models/hyphen/model.json.

Why: the rules in nlp/dehyphenate.py settle most hyphens; the classifier decides the ones where the
evidence is unsure or disagrees (unknown compounds, dashes without a space). It is trained only on
those residual events of the `train` split of scripts/generate_hyphen_events.py's output, so it
learns exactly the cases it will be asked about. Logistic regression stored as JSON coefficients:
safe to load (no pickle) and fast (a dot product per hyphen).

Usage: python scripts/train_hyphen.py EVENTS.jsonl [MORE_EVENTS.jsonl ...] [--out models/hyphen/model.json]
(several files: more renderings of the training texts, e.g. generated with another --seed).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from nlp.dehyphenate import Evidence, document_vocabulary, line_ends, rule_stage

ROOT = Path(__file__).resolve().parent.parent


Event = tuple[str, str, Counter[str], str, str, dict[str, object]]


def events(path: Path, split: str | None = None) -> Iterator[Event]:
    """(left, right, document vocabulary, word before left, gold label, document) per labelled line end."""
    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            doc = json.loads(raw)
            if split and doc["split"] != split:
                continue
            lines = [text for text, _page in doc["lines"]]
            vocabulary = document_vocabulary(lines)
            labels = {int(index): label for index, label in doc["labels"].items()}
            # The same words the pipeline weighs, broken-twice words completed (`line_ends`).
            for end in line_ends(lines, vocabulary):
                if end.index in labels:
                    yield end.left, end.right, vocabulary, end.before, labels[end.index], doc


def shifted(left: str, right: str, rng: random.Random) -> tuple[str, str] | None:
    """The same hyphenated word broken one letter earlier or later (`cen-trum` -> `cent-rum`).

    LibreOffice breaks exactly where pyphen's patterns allow, but Word and other producers break
    elsewhere (`Reg-ion`, `cent-rumbildningen` in the seed report); without these variants the
    classifier would learn that a break at an illegal point is never a hyphenation.
    """
    stem = left.rstrip("-")
    word = stem + right.rstrip(".")
    if not stem.isalpha() or not word.isalpha():
        return None
    cut = len(stem) + rng.choice((-1, 1))
    if cut < 2 or len(word) - cut < 2:
        return None
    return word[:cut] + "-", word[cut:] + right[len(right.rstrip(".")):]


def residual(
    paths: list[Path], split: str, seed: int = 3
) -> tuple[list[dict[str, float]], list[str], list[str]]:
    """Features and labels of the events the rules leave to the classifier, with their document names.

    Every other `join` event is also added broken one letter off its legal point (see `shifted`).
    """
    rng = random.Random(seed)
    features, labels, groups = [], [], []
    found = (event for path in paths for event in events(path, split))
    for left, right, vocabulary, before, label, doc in found:
        variants = [(left, right)]
        if label == "join" and rng.random() < 0.5:
            variants += [v for v in [shifted(left, right, rng)] if v]
        for variant_left, variant_right in variants:
            stage = rule_stage(variant_left, variant_right, vocabulary, before)
            if isinstance(stage, Evidence):
                features.append(stage.features())
                labels.append(label)
                groups.append(str(doc["source"]))
    return features, labels, groups


def fit(features: list[dict[str, float]], labels: list[str], c: float) -> dict[str, object]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    names = sorted(features[0])
    matrix = [[row[name] for name in names] for row in features]
    scaler = StandardScaler().fit(matrix)
    model = LogisticRegression(C=c, max_iter=2000).fit(scaler.transform(matrix), labels)
    return {
        "classes": [str(k) for k in model.classes_],
        "features": names,
        "mean": [float(v) for v in scaler.mean_],
        "scale": [float(v) if v > 0 else 1.0 for v in scaler.scale_],
        "coef": [[float(w) for w in row] for row in model.coef_],
        "intercept": [float(b) for b in model.intercept_],
        "C": c,
        "trained_on": len(labels),
        "label_counts": dict(Counter(labels)),
    }


def main(argv: list[str] | None = None) -> int:
    from sklearn.model_selection import GroupKFold

    from nlp.dehyphenate import HyphenModel

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "hyphen" / "model.json")
    args = parser.parse_args(argv)
    features, labels, groups = residual(args.events, "train")
    print(f"{len(labels)} residual training events: {dict(Counter(labels))}", file=sys.stderr)
    best_c, best_score = 1.0, -1.0
    for c in (0.03, 0.1, 0.3, 1.0, 3.0):
        right = 0
        for train, test in GroupKFold(n_splits=5).split(features, labels, groups):
            data = fit([features[i] for i in train], [labels[i] for i in train], c)
            path = args.out.with_suffix(".tmp.json")
            path.write_text(json.dumps(data), encoding="utf-8")
            model = HyphenModel.load(path)
            path.unlink()
            for i in test:
                probabilities = model.probabilities(features[i])
                right += max(probabilities, key=probabilities.__getitem__) == labels[i]
        score = right / len(labels)
        print(f"C={c}: cross-validated accuracy on residual events {score:.4f}", file=sys.stderr)
        if score > best_score:
            best_c, best_score = c, score
    data = fit(features, labels, best_c)
    data["cross_validated_accuracy"] = round(best_score, 4)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} (C={best_c})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
