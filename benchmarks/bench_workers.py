"""Speed-up of `add` with 2 worker processes against 1, on a batch of distinct PDFs.

Run by hand: `python benchmarks/bench_workers.py [--pdfs 50] [--workers 1 2]`. The PDFs are the
corpus PDFs with a distinct trailing comment each, so every copy has its own doc_id and is processed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from rapportkb.batch import add

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def make_batch(folder: Path, count: int) -> int:
    """`count` distinct PDFs in `folder`; returns their total page count."""
    import pypdfium2

    sources = sorted(CORPUS.glob("*.pdf"))
    folder.mkdir(parents=True, exist_ok=True)
    pages = 0
    for index in range(count):
        source = sources[index % len(sources)]
        # Bytes after %%EOF are ignored by readers but change the sha256, hence the doc_id.
        data = source.read_bytes() + f"\n%rapportkb benchmark copy {index}\n".encode()
        (folder / f"{index:03d}_{source.name}").write_bytes(data)
        pages += len(pypdfium2.PdfDocument(str(source)))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pdfs", type=int, default=50)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--reader", default="pdfplumber")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rapportkb-bench-"))
    try:
        pages = make_batch(work / "pdfs", args.pdfs)
        results = {}
        for workers in args.workers:
            kb = work / f"kb{workers}"
            started = time.perf_counter()
            summary = add([work / "pdfs"], kb, progress=False, workers=workers, reader=args.reader)
            seconds = time.perf_counter() - started
            assert summary.added == args.pdfs, summary.line()
            results[workers] = seconds
            rates = f"{args.pdfs / seconds:.2f} PDFs/s, {pages / seconds:.1f} pages/s"
            print(f"{workers} worker(s): {seconds:.1f} s, {rates}")
        base = results[min(results)]
        report = {
            "pdfs": args.pdfs,
            "pages": pages,
            "seconds": results,
            "speedup": {w: round(base / s, 2) for w, s in results.items()},
        }
        print(json.dumps(report))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
