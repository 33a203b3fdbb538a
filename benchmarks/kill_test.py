"""Kill test: kill -9 `rapportkb add` at random moments, rerun it, compare with a run never killed.

    python benchmarks/kill_test.py [--kills 20] [--seed 1] [--workers 2]

Each round starts a fresh knowledge base, starts the batch, SIGKILLs it after a random delay within
the clean run's duration (even rounds: the whole process group, like a power cut; odd rounds: the
parent only, leaving its workers orphaned), then runs the same command again to completion. A round
passes when the knowledge base then has the same records as the clean run (same section ids and
contents, every document once, no duplicates) and `rapportkb check` finds nothing wrong.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jsonlines

from rapportkb.check import check

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def snapshot_code(folder: Path) -> dict[str, str]:
    """Copy the code and models and run from the copy, so edits made meanwhile cannot change results."""
    for package in ("ingest", "nlp", "rapportkb", "models"):
        shutil.copytree(ROOT / package, folder / package, ignore=shutil.ignore_patterns("__pycache__"))
    return {**os.environ, "PYTHONPATH": str(folder)}


def make_batch(folder: Path, pdfs: int, texts: int) -> None:
    folder.mkdir(parents=True)
    sources = sorted(CORPUS.glob("*.pdf"))
    for index in range(pdfs):
        source = sources[index % len(sources)]
        data = source.read_bytes() + f"\n%kill test copy {index}\n".encode()
        (folder / f"{index:02d}_{source.name}").write_bytes(data)
    seed = (CORPUS / "seed.txt").read_text(encoding="utf-8").splitlines()
    for index in range(texts):
        body = "\n".join(seed[index * 11 : index * 11 + 120])
        (folder / f"text {index:02d} åäö.txt").write_text(body + f"\n\nKopia {index}.\n", encoding="utf-8")
    (folder / "trasig.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")
    (folder / "tom.pdf").write_bytes(b"")


def comparable(kb: Path) -> tuple[list[str], list[tuple]]:
    with jsonlines.open(kb / "sections.jsonl") as reader:
        sections = sorted(json.dumps(s, ensure_ascii=False, sort_keys=True) for s in reader)
    with jsonlines.open(kb / "documents.jsonl") as reader:
        documents = sorted(
            (d["doc_id"], d["source"], d["status"], d["sections"], (d["error"] or {}).get("code"))
            for d in reader
        )
    return sections, documents


def command(batch: Path, kb: Path, workers: int) -> list[str]:
    add = ["add", str(batch), "--kb", str(kb), "-q", "--workers", str(workers)]
    return [sys.executable, "-m", "rapportkb.cli", *add]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pdfs", type=int, default=3)
    parser.add_argument("--texts", type=int, default=10)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="rapportkb-kill-"))
    try:
        batch = work / "batch"
        make_batch(batch, args.pdfs, args.texts)
        env = snapshot_code(work / "code")
        started = time.monotonic()
        subprocess.run(command(batch, work / "clean", args.workers), capture_output=True, cwd=work, env=env)
        clean_seconds = time.monotonic() - started
        clean = comparable(work / "clean")
        print(f"clean run: {clean_seconds:.1f} s, {len(clean[1])} documents, {len(clean[0])} sections")
        passed = 0
        for round_ in range(args.kills):
            kb = work / f"kb{round_}"
            # Within the first 85% of a clean run, so the kill lands while the batch is still working.
            delay = rng.uniform(0.05, 0.85) * clean_seconds
            process = subprocess.Popen(
                command(batch, kb, args.workers), cwd=work, start_new_session=True, env=env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            time.sleep(delay)
            whole_group = round_ % 2 == 0
            if process.poll() is None:
                if whole_group:
                    os.killpg(process.pid, signal.SIGKILL)
                else:
                    os.kill(process.pid, signal.SIGKILL)
            process.wait()
            killed = process.returncode == -signal.SIGKILL
            rerun = subprocess.run(
                command(batch, kb, args.workers), capture_output=True, text=True, cwd=work, env=env
            )
            repaired = [line for line in rerun.stderr.splitlines() if line.startswith("repaired:")]
            result = check(kb)
            same = comparable(kb) == clean
            ok = same and result.ok and rerun.returncode in (0, 1)
            passed += ok
            print(
                f"round {round_:2d}: kill after {delay:5.1f} s ({'group' if whole_group else 'parent'}"
                f"{'' if killed else ', run had already ended'}); rerun repaired {repaired or 'nothing'}; "
                f"{'identical' if same else 'DIFFERENT'}; check {'ok' if result.ok else result.problems[:3]}"
            )
        print(f"{passed} of {args.kills} rounds left the knowledge base identical to the clean run")
        return 0 if passed == args.kills else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
