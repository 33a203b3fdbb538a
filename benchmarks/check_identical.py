"""Before/after check for speed work: the records and entities must not change at all.

Run by hand: `python benchmarks/check_identical.py --out DIR [--tree ROOT]` writes what rapportkb
makes of a fixed set of inputs: every record of corpus/seed.txt and each PDF (corpus/*.pdf and
../shared/realdocs/*.pdf) with both readers, and the entities of several thousand texts (UD Swedish
Talbanken/PUD sentences, alone and five at a time, and the Klintan NER corpus in 40-token pieces).
`python benchmarks/check_identical.py --compare DIR_A DIR_B` lists every difference.

`--tree ROOT` imports rapportkb from another copy of the repository (say, one with the files under
change put back to the last commit), so that a reference can be made while other work goes on in
the same tree. The time fields (`seconds`, `processed_at`) are left out.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
TIME_FIELDS = ("seconds", "processed_at")


def texts(corpora: Path) -> list[str]:
    """Sentences (`# text =` lines), groups of five consecutive ones, and Klintan in 40-token pieces."""
    sentences: list[str] = []
    for path in sorted(corpora.glob("uner-*/*.iob2")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# text = "):
                sentences.append(line[len("# text = ") :])
    out = sentences + [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    for path in sorted(corpora.glob("klintan-swedish-ner/*_corpus.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        tokens = [line.split("\t")[0] for line in lines if line.strip()]
        out += [" ".join(tokens[i : i + 40]) for i in range(0, len(tokens), 40)]
    return out


def dump(out: Path) -> None:
    from nlp.pipeline import build_pipeline, tag_texts
    from rapportkb.process import process_file

    out.mkdir(parents=True, exist_ok=True)
    tagger = build_pipeline()
    pdfs = sorted((REPO / "corpus").glob("*.pdf")) + sorted((SHARED / "realdocs").glob("*.pdf"))
    seed = REPO / "corpus" / "seed.txt"
    runs = [(seed, "pdfplumber", date(2023, 5, 9)), (seed, "pdfplumber", None)]
    runs += [(pdf, reader, None) for pdf in pdfs for reader in ("pdfplumber", "pdfium")]
    with (out / "records.jsonl").open("w", encoding="utf-8") as handle:
        for path, reader, when in runs:
            done = process_file(path, path.name, tagger, report_date=when, reader=reader)
            document = {k: v for k, v in done.document.items() if k not in TIME_FIELDS}
            handle.write(json.dumps({"run": [path.name, reader, str(when)], "document": document},
                                    ensure_ascii=False, sort_keys=True) + "\n")
            for section in done.sections:
                handle.write(json.dumps(section, ensure_ascii=False, sort_keys=True) + "\n")
            print(f"{path.name} {reader}: {len(done.sections)} sections", file=sys.stderr)
    corpus = texts(SHARED / "corpora")
    with (out / "texts.jsonl").open("w", encoding="utf-8") as handle:
        for when in (date(2023, 5, 9), None):
            for found in tag_texts(tagger, corpus, when):
                row = [[*asdict(m).values()] for m in found]
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(corpus)} texts", file=sys.stderr)


def compare(a: Path, b: Path) -> int:
    differences = 0
    for name in ("records.jsonl", "texts.jsonl"):
        left = (a / name).read_text(encoding="utf-8").splitlines()
        right = (b / name).read_text(encoding="utf-8").splitlines()
        if len(left) != len(right):
            print(f"{name}: {len(left)} lines against {len(right)}")
            differences += 1
        for number, (x, y) in enumerate(zip(left, right, strict=False), 1):
            if x != y:
                differences += 1
                if differences <= 20:
                    print(f"{name}:{number}\n  - {x[:400]}\n  + {y[:400]}")
        print(f"{name}: {len(left)} lines compared")
    print("identical" if not differences else f"{differences} differences")
    return 1 if differences else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--tree", type=Path, help="import rapportkb from this copy of the repository")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("DIR_A", "DIR_B"))
    args = parser.parse_args()
    if args.compare:
        raise SystemExit(compare(*args.compare))
    if args.tree:
        sys.path.insert(0, str(args.tree.resolve()))
    else:
        sys.path.insert(0, str(REPO))
    dump(args.out)


if __name__ == "__main__":
    main()
