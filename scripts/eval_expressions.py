"""Score the DATE/COUNT/MONEY finders on the held-out expression set (corpus/expressions/heldout.jsonl).

An expected expression is right ("exact") when a finder returns the same type, span text and norm;
"span-insensitive" only asks for the same type and norm from a mention overlapping the same words,
so a boundary convention (`år 2030` or `2030`) does not hide a correct interval or value. Mentions the
finders return that match nothing expected are listed as spurious: the set also holds sentences with
no expression at all (identifiers, percentages, durations), so these are false positives.

    python scripts/eval_expressions.py [path] [--failures]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from nlp.dates import find_dates
from nlp.mention import Mention
from nlp.quantities import find_counts, find_money

DEFAULT = Path(__file__).resolve().parent.parent / "corpus" / "expressions" / "heldout.jsonl"


@dataclass
class Score:
    expected: int = 0
    exact: int = 0
    loose: int = 0
    spurious: int = 0
    by_type: dict[str, list[int]] = field(default_factory=dict)  # type -> [expected, exact]
    failures: list[str] = field(default_factory=list)

    @property
    def exact_rate(self) -> float:
        return self.exact / self.expected if self.expected else 0.0

    @property
    def loose_rate(self) -> float:
        return self.loose / self.expected if self.expected else 0.0


def find_all(sentence: str, report_date: date | None) -> list[Mention]:
    """What the rule taggers propose for one sentence, as the pipeline's components do."""
    return find_dates(sentence, report_date) + find_money(sentence) + find_counts(sentence)


def _overlaps(m: Mention, start: int, end: int) -> bool:
    return m.start < end and start < m.end


def evaluate(path: Path = DEFAULT) -> Score:
    score = Score()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        sentence = row["sentence"]
        found = find_all(sentence, date.fromisoformat(row["report_date"]))
        unused = list(found)
        search_from = 0
        for exp in row["expected"]:
            score.expected += 1
            counts = score.by_type.setdefault(exp["type"], [0, 0])
            counts[0] += 1
            start = sentence.find(exp["text"], search_from)
            if start < 0:
                start = sentence.find(exp["text"])
            end = start + len(exp["text"])
            search_from = end
            same = [m for m in unused if m.type == exp["type"] and m.norm == exp["norm"]]
            hit = next((m for m in same if (m.start, m.end) == (start, end)), None)
            if hit is not None:
                score.exact += 1
                score.loose += 1
                counts[1] += 1
                unused.remove(hit)
                continue
            near = next((m for m in same if _overlaps(m, start, end)), None)
            if near is not None:
                score.loose += 1
                unused.remove(near)
            got = [(m.type, m.text, m.norm) for m in found if _overlaps(m, start, end)]
            score.failures.append(
                f"{row['source']}: {sentence!r}\n"
                f"    want {exp['type']} {exp['text']!r} {exp['norm']}\n    got  {got}"
            )
        for m in unused:
            if not any(_overlaps(m, sentence.find(e["text"]), sentence.find(e["text"]) + len(e["text"]))
                       for e in row["expected"]):  # fmt: skip
                score.spurious += 1
                score.failures.append(
                    f"{row['source']}: {sentence!r}\n    spurious {m.type} {m.text!r} {m.norm}"
                )
    return score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--failures", action="store_true", help="list every miss and spurious mention")
    args = parser.parse_args(argv)
    score = evaluate(args.path)
    if args.failures:
        print("\n".join(score.failures))
    for kind, (n, ok) in sorted(score.by_type.items()):
        print(f"{kind:6} {ok}/{n} exact ({ok / n:.3f})")
    print(f"exact: {score.exact}/{score.expected} = {score.exact_rate:.3f}")
    print(f"span-insensitive: {score.loose}/{score.expected} = {score.loose_rate:.3f}")
    print(f"spurious mentions (overlapping no expected expression): {score.spurious}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
