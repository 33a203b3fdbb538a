"""Fuzz the file-to-records path with damaged PDFs: every case must end `ok` or with a coded error.

Mutations of small valid PDFs: byte flips, truncation, inserted junk, and damage to PDF objects
(a broken object body, a wrong /Length, a lost xref or trailer, a garbled stream). A case fails if
`process_document` raises (an uncaught exception: a bug) or runs past the time limit.

    python scripts/fuzz_pdfs.py --cases 10000 --seed 1 [--keep DIR]

tests/test_fuzz_pdfs.py runs a few hundred cases of the same generator in CI.
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ingest.errors import ERROR_CODES

_OBJECT = re.compile(rb"\d+ 0 obj\b.*?endobj", re.DOTALL)
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
_LENGTH = re.compile(rb"/Length \d+")

TEXT = (
    "Aktuella händelser från Region Norrbotten. Under januari till april hade enheten för näringsliv "
    "och samhälle 29 bokade möten med företag i Luleå, Kiruna och Överkalix kommun. Det är fortsatt "
    "höga anspråk på projektmedel och det finns ett stort intresse för att söka stöd till investeringar "
    "i regionen. Kulturenheten har genomfört 14 konserter för barn och unga i samarbete med skolorna. "
)


def make_seed_pdfs(folder: Path) -> list[Path]:
    """Three small valid PDFs (plain, compressed, two pages with a heading) to mutate."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, compress, pages in (("plain", 0, 1), ("compressed", 1, 1), ("two_pages", 1, 2)):
        path = folder / f"{name}.pdf"
        canvas = Canvas(str(path), pagesize=A4, pageCompression=compress)
        canvas.setTitle("Aktuella händelser")
        for page in range(pages):
            canvas.setFont("Helvetica-Bold", 14)
            canvas.drawString(72, 790, f"Kultur och utbildning {page + 1}")
            canvas.setFont("Helvetica", 10)
            words = (TEXT * 3).split()
            y = 760
            while words and y > 72:
                line = []
                while words and len(" ".join(line + [words[0]])) < 90:
                    line.append(words.pop(0))
                canvas.drawString(72, y, " ".join(line))
                y -= 13
            canvas.showPage()
        canvas.save()
        paths.append(path)
    return paths


def _flip(data: bytes, rng: random.Random) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 30)):
        buffer[rng.randrange(len(buffer))] ^= 1 << rng.randrange(8)
    return bytes(buffer)


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data))]


def _insert(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data))
    junk = rng.choice([rng.randbytes(rng.randint(1, 200)), b"(((((" * 50, b"<<" * 300, b"9999999999 0 R "])
    return data[:at] + junk + data[at:]


def _damage_object(data: bytes, rng: random.Random) -> bytes:
    objects = list(_OBJECT.finditer(data))
    if not objects:  # an earlier mutation left no whole object
        return _flip(data, rng)
    target = rng.choice(objects)
    start, end = target.span()
    body = target.group()
    choice = rng.randrange(4)
    if choice == 0:  # object gone
        replacement = b""
    elif choice == 1:  # body replaced by junk
        replacement = body[:8] + rng.randbytes(max(1, len(body) - 14)) + b"endobj"
    elif choice == 2:  # references to objects that do not exist, or to itself
        replacement = re.sub(rb"\d+ 0 R", lambda _: f"{rng.choice([0, 1, 99999, 2])} 0 R".encode(), body)
    else:  # dictionary cut open
        replacement = body.replace(b">>", b"", 1)
    return data[:start] + replacement + data[end:]


def _damage_length(data: bytes, rng: random.Random) -> bytes:
    value = rng.choice([0, 1, 7, 10**9, -5])
    return _LENGTH.sub(f"/Length {value}".encode(), data, count=rng.randint(1, 3))


def _damage_stream(data: bytes, rng: random.Random) -> bytes:
    streams = list(_STREAM.finditer(data))
    if not streams:
        return _flip(data, rng)
    target = rng.choice(streams)
    start, end = target.span(1)
    return data[:start] + rng.randbytes(end - start) + data[end:]


def _damage_trailer(data: bytes, rng: random.Random) -> bytes:
    key = rng.choice([b"xref", b"trailer", b"startxref", b"/Root", b"%%EOF", b"/Pages", b"/Kids"])
    return data.replace(key, rng.choice([b"", b"xxxx", key[::-1]]))


MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "flip": _flip,
    "truncate": _truncate,
    "insert": _insert,
    "object": _damage_object,
    "length": _damage_length,
    "stream": _damage_stream,
    "trailer": _damage_trailer,
}


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One or two mutations of `data`; returns a label saying which."""
    names = [rng.choice(list(MUTATIONS)) for _ in range(rng.choice([1, 1, 2]))]
    for name in names:
        data = MUTATIONS[name](data, rng) if data else data
    return "+".join(names), data


def run_case(path: Path, tagger, timeout: float) -> str:
    """The outcome code of one file ("ok" or an error code); raises on a bug."""
    from rapportkb.process import DocumentTimeout, process_document
    from rapportkb.workers import time_limit

    try:
        with time_limit(timeout):
            processed = process_document(path, path.name, tagger)
    except DocumentTimeout:
        return "timeout"
    document = processed.document
    if document["status"] == "ok":
        return "ok"
    code = document["error"]["code"]
    if code not in ERROR_CODES or not document["error"]["message"]:
        raise AssertionError(f"bad error record {document['error']!r}")
    return code


def fuzz(cases: int, seed: int, timeout: float, folder: Path, keep: Path | None = None) -> dict:
    from nlp.pipeline import build_pipeline

    tagger = build_pipeline()
    seeds = [(path.name, path.read_bytes()) for path in make_seed_pdfs(folder / "seeds")]
    rng = random.Random(seed)
    outcomes: Counter[str] = Counter()
    failures: list[tuple[str, str]] = []
    slowest = 0.0
    case_path = folder / "case.pdf"
    for index in range(cases):
        name, data = rng.choice(seeds)
        label, mutated = mutate(data, rng)
        case_path.write_bytes(mutated)
        started = time.perf_counter()
        try:
            outcomes[run_case(case_path, tagger, timeout)] += 1
        except Exception:
            failures.append((f"case {index} ({name}, {label})", traceback.format_exc(limit=4)))
            if keep:
                keep.mkdir(parents=True, exist_ok=True)
                (keep / f"case_{index:05d}.pdf").write_bytes(mutated)
        slowest = max(slowest, time.perf_counter() - started)
    return {"cases": cases, "outcomes": dict(outcomes), "failures": failures, "slowest_seconds": slowest}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=30.0, help="per-case time limit in seconds")
    parser.add_argument("--keep", type=Path, help="save failing cases here")
    args = parser.parse_args()
    # pdfminer logs a warning for every oddity it repairs; on damaged files that is thousands of lines.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        result = fuzz(args.cases, args.seed, args.timeout, Path(folder), args.keep)
    for where, trace in result["failures"]:
        print(f"FAIL {where}\n{trace}", file=sys.stderr)
    print(
        f"{result['cases']} cases: {result['outcomes']}; {len(result['failures'])} uncaught exceptions; "
        f"slowest case {result['slowest_seconds']:.2f} s (limit {args.timeout:.0f} s)"
    )
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
