"""Evaluate line-end hyphen decisions: generated held-out events, the seed report, real PDFs for hand checks.

Why: issue 4's targets are measured here, reproducibly:
- the `eval` split of scripts/generate_hyphen_events.py (texts never used in training): accuracy
  over all events, over the keep/suspended/dash events, and the confusion table;
- corpus/seed.txt: every line-end hyphen must be joined, `Vilka jobbar här? - Polarbibblo` kept;
- with --realdocs DIR: the decisions other than plain joins on real PDFs, plus a random sample of
  joins, printed for checking by hand.

Usage: python scripts/eval_hyphens.py [EVENTS.jsonl] [--split eval|fresh|blind2|...|blind9]
[--realdocs ../shared/realdocs] [--errors N]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from ingest import read_document  # noqa: E402
from nlp.dehyphenate import DECISIONS, JOIN, decide, explain  # noqa: E402
from nlp.sections import segment  # noqa: E402


def evaluate_events(path: Path, show_errors: int, split: str = "eval") -> None:
    from train_hyphen import events

    confusion: Counter[tuple[str, str]] = Counter()
    errors: list[str] = []
    for left, right, vocabulary, before, gold, doc in events(path, split):
        decision, reason = decide(left, right, vocabulary, before)
        confusion[(gold, decision)] += 1
        if decision != gold:
            errors.append(f"  {gold:>9} -> {decision:<9} {left}|{right}  [{doc['doc']}] {reason}")
    total = sum(confusion.values())
    right = sum(n for (g, d), n in confusion.items() if g == d)
    rare = sum(n for (g, _), n in confusion.items() if g != JOIN)
    rare_right = sum(n for (g, d), n in confusion.items() if g == d and g != JOIN)
    print(f"Generated evaluation set ({path.name}, split={split}): {total} events")
    print(f"  all decisions right: {right}/{total} = {right / max(total, 1):.4%}")
    issue = sum(n for (g, _), n in confusion.items() if g in ("keep", "suspended"))
    issue_right = confusion[("keep", "keep")] + confusion[("suspended", "suspended")]
    print(f"  keep+suspended right (issue target): {issue_right}/{issue} = {issue_right / max(issue, 1):.2%}")
    print(f"  keep+suspended+dash right: {rare_right}/{rare} = {rare_right / max(rare, 1):.2%}")
    for label in DECISIONS[1:]:
        n = sum(v for (g, _), v in confusion.items() if g == label)
        ok = confusion[(label, label)]
        print(f"  {label} right: {ok}/{n}")
    print("  confusion (rows gold, columns decided):")
    print("  " + " " * 10 + "".join(f"{d:>10}" for d in DECISIONS))
    for gold in DECISIONS:
        print("  " + f"{gold:>10}" + "".join(f"{confusion[(gold, d)]:>10}" for d in DECISIONS))
    if show_errors:
        print(f"  first {min(show_errors, len(errors))} of {len(errors)} errors:")
        print("\n".join(errors[:show_errors]))


def evaluate_seed() -> None:
    structure = segment(read_document(ROOT / "corpus" / "seed.txt"))
    decisions = Counter(brk.decision for brk in structure.hyphen_breaks)
    text = "\n".join(s.heading + "\n" + s.text for s in structure.sections)
    total = len(structure.hyphen_breaks)
    print(f"Seed report (corpus/seed.txt): {total} line-end hyphens, {dict(decisions)}")
    for brk in structure.hyphen_breaks:
        if brk.decision != JOIN:
            print(f"  not joined: {explain([brk])}")
    print(f"  'Vilka jobbar här? - Polarbibblo' kept: {'Vilka jobbar här? - Polarbibblo' in text}")


def evaluate_realdocs(folder: Path, joins: int) -> None:
    rng = random.Random(4)
    for pdf in sorted(folder.glob("*.pdf")):
        structure = segment(read_document(pdf))
        breaks = structure.hyphen_breaks
        counts = Counter(brk.decision for brk in breaks)
        print(f"{pdf.name}: {len(breaks)} line-end hyphens {dict(counts)}")
        shown = [b for b in breaks if b.decision != JOIN]
        plain = [b for b in breaks if b.decision == JOIN]
        shown += rng.sample(plain, min(joins, len(plain)))
        for brk in shown:
            print(f"  p. {brk.page}: {brk.left}|{brk.right} -> {brk.decision}: {brk.reason[:90]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", nargs="?", type=Path)
    parser.add_argument("--realdocs", type=Path)
    parser.add_argument("--joins", type=int, default=10, help="random joins per real PDF to check by hand")
    parser.add_argument("--errors", type=int, default=40)
    parser.add_argument("--split", default="eval",
                        help="`fresh`, `blind2` ... `blind9`: a set made with that --split")
    args = parser.parse_args(argv)
    if args.events:
        evaluate_events(args.events, args.errors, args.split)
    evaluate_seed()
    if args.realdocs:
        evaluate_realdocs(args.realdocs, args.joins)
    return 0


if __name__ == "__main__":
    sys.exit(main())
