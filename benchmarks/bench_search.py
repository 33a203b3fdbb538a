"""Index build throughput and search latency on a generated 100,000-section knowledge base.

Run by hand: `python benchmarks/bench_search.py [--sections N] [--keep DIR]`. Targets (issue 7):
build >= 5,000 sections/s; search p95 <= 50 ms for one-word, phrase and entity-filtered queries.
Wall and CPU time are both printed: on a shared machine the wall time includes waiting for a core.
Latency is measured on the library call `search()` as a user gets it (index freshness check and
connection included), with the default limit of 20 hits and facets over all matching sections.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

import wordfreq

from rapportkb.index import build_index
from rapportkb.search import search

PLACES = [
    "Luleå",
    "Kiruna",
    "Gällivare",
    "Piteå",
    "Boden",
    "Haparanda",
    "Jokkmokk",
    "Arjeplog",
    "Överkalix",
    "Kalix",
    "Älvsbyn",
    "Pajala",
    "Övertorneå",
    "Arvidsjaur",
]
ORGS = [
    "Region Norrbotten",
    "Norrbottensmusiken",
    "Luleå tekniska universitet",
    "Tillväxtverket",
    "Kulturrådet",
    "Regionbiblioteket",
    "Länsstyrelsen i Norrbotten",
    "Norrbotten Big Band",
    "Filmpool Nord",
    "Skogsindustrierna",
]
UNITS = ["konserter", "deltagare", "möten", "besökare", "företag", "elever", "föreställningar"]
MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]
STEMS = [
    "kultur",
    "konsert",
    "möte",
    "projekt",
    "stöd",
    "verksamhet",
    "bibliotek",
    "skola",
    "musik",
    "företag",
    "utveckling",
    "samverkan",
    "region",
    "kommun",
    "arbete",
    "plan",
    "fond",
    "teater",
    "film",
    "läsning",
    "näring",
    "energi",
    "omställning",
    "gruv",
    "skog",
    "turism",
    "utbildning",
    "ungdom",
    "barn",
    "dans",
]
ENDINGS = ["", "en", "er", "erna", "ar", "arna", "et", "s", "ens", "ande", "ade", "na"]


class _Words:
    """Swedish words drawn by their real frequency (wordfreq), so hit counts follow Zipf as in reports."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = wordfreq.top_n_list("sv", 30_000)
        self.cumulative = list(itertools.accumulate(wordfreq.word_frequency(w, "sv") for w in self.words))

    def names(self, known: list[str], invented: int, pattern: str) -> tuple[list[str], list[float]]:
        """Entity names with Zipf weights: the known ones most frequent, then invented ones."""
        names = known + [pattern.format(self.rng.choice(self.words).capitalize(), i) for i in range(invented)]
        return names, list(itertools.accumulate(1 / (rank + 1) for rank in range(len(names))))

    def __call__(self) -> str:
        if self.rng.random() < 0.015:  # a domain compound: modifier + head + inflection
            return self.rng.choice(STEMS) + self.rng.choice(STEMS) + self.rng.choice(ENDINGS)
        return self.rng.choices(self.words, cum_weights=self.cumulative)[0]


def _section(
    rng: random.Random, word: _Words, places: tuple, orgs: tuple, doc: int, index: int, year: int, month: int
) -> dict:
    pieces: list[str] = []
    entities: list[dict] = []
    length = 0

    def add(text: str, type_: str | None = None, norm: object = None) -> None:
        nonlocal length
        if pieces:
            pieces.append(" ")
            length += 1
        if type_:
            entities.append(
                {
                    "type": type_,
                    "text": text,
                    "start": length,
                    "end": length + len(text),
                    "norm": text if norm is None else norm,
                    "page": 1,
                    "source": "rule",
                }
            )
        pieces.append(text)
        length += len(text)

    for _ in range(rng.randint(40, 110)):
        roll = rng.random()
        if roll < 0.04:
            add(rng.choices(places[0], cum_weights=places[1])[0], "LOC")
        elif roll < 0.07:
            add(rng.choices(orgs[0], cum_weights=orgs[1])[0], "ORG")
        elif roll < 0.085:
            value, unit = rng.randint(2, 400), rng.choice(UNITS)
            add(f"{value} {unit}", "COUNT", {"value": value, "unit": unit, "qualifier": None})
        elif roll < 0.095:
            m = rng.randint(1, 12)
            end_day = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
            add(
                f"i {MONTHS[m - 1]}",
                "DATE",
                {"start": f"{year}-{m:02d}-01", "end": f"{year}-{m:02d}-{end_day}", "granularity": "month"},
            )
        else:
            add(word())
    text = "".join(pieces)
    heading = " ".join(word() for _ in range(rng.randint(1, 4))).capitalize()
    doc_id = f"{doc:064x}"
    return {
        "schema": 1,
        "id": f"{doc_id}:{index:04d}",
        "doc_id": doc_id,
        "source": f"reports/{doc}.pdf",
        "report": {
            "title": "Aktuella händelser",
            "publisher": rng.choice(["Region Norrbotten", "Region Västerbotten"]),
            "date": f"{year}-{month:02d}-15",
            "period": None,
        },
        "path": ["Kulturenheten", heading],
        "heading": heading,
        "level": 2,
        "pages": [1, 1],
        "text": text,
        "blocks": [{"kind": "paragraph", "text": text, "start": 0, "end": len(text), "page": 1}],
        "entities": entities,
    }


def generate(kb: Path, sections: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    word = _Words(rng)
    # A region's reports name a few places and bodies often and many rarely (Zipf), as the seed does.
    places = word.names(PLACES, 1500, "{}by")
    orgs = word.names(ORGS, 2000, "{}föreningen {}")
    kb.mkdir(parents=True, exist_ok=True)
    per_doc = 30
    with (
        (kb / "sections.jsonl").open("w", encoding="utf-8") as out,
        (kb / "documents.jsonl").open("w", encoding="utf-8") as docs,
    ):
        for doc in range((sections + per_doc - 1) // per_doc):
            year, month = rng.choice([2021, 2022, 2023, 2024]), rng.randint(1, 12)
            count = min(per_doc, sections - doc * per_doc)
            for index in range(count):
                out.write(
                    json.dumps(_section(rng, word, places, orgs, doc, index, year, month), ensure_ascii=False)
                    + "\n"
                )
            docs.write(
                json.dumps(
                    {
                        "schema": 1,
                        "doc_id": f"{doc:064x}",
                        "source": f"reports/{doc}.pdf",
                        "status": "ok",
                        "error": None,
                        "pages": 10,
                        "sections": count,
                        "report": {
                            "title": "Aktuella händelser",
                            "publisher": "Region Norrbotten",
                            "date": f"{year}-{month:02d}-15",
                            "period": None,
                        },
                        "pipeline": {"version": "0.1.0", "model": "bench"},
                        "processed_at": "2026-01-01T00:00:00Z",
                        "seconds": 1.0,
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query")
    parser.add_argument("--keep", type=Path, help="generate the KB here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        kb = args.keep or Path(scratch) / "kb"
        started = time.perf_counter()
        generate(kb, args.sections)
        print(
            f"generated {args.sections} sections in {time.perf_counter() - started:.1f} s "
            f"({(kb / 'sections.jsonl').stat().st_size / 1e6:.0f} MB)"
        )
        cpu = time.process_time()
        stats = build_index(kb)
        cpu = time.process_time() - cpu
        print(
            f"index build: {stats.sections} sections, {stats.entities} entities in {stats.seconds:.1f} s = "
            f"{stats.sections / stats.seconds:,.0f} sections/s; "
            f"CPU {cpu:.1f} s = {stats.sections / cpu:,.0f} sections/s "
            f"(index {(kb / 'index.sqlite').stat().st_size / 1e6:.0f} MB)\n"
        )
        queries = {
            "one-word": [
                {"query": q}
                for q in [
                    "konsert",
                    "Gällivare",
                    "bibliotekens",
                    "omställning",
                    "filmen",
                    "turism",
                    "möten",
                    "Jokkmokk",
                    "samverkan",
                    "dansare",
                ]
            ],
            "phrase": [
                {"query": q}
                for q in [
                    '"Luleå tekniska universitet"',
                    '"Region Norrbotten"',
                    '"Norrbotten Big Band"',
                    '"Filmpool Nord"',
                    '"i maj"',
                ]
            ],
            "entity-filtered": [
                {"query": "konsert", "entity": "Kiruna"},
                {"query": "kultur", "entity": "Filmpool Nord"},
                {"entity": "Luleå tekniska universitet"},
                {"entity": ["Kiruna", "Region Norrbotten"]},
                {"query": "musik", "entity": "Luleå", "date_from": "2023", "date_to": "2023"},
            ],
        }
        search(kb, "uppvärmning")  # first call opens files; not what a user waits for on later queries
        print(
            f"{'queries':<16} {'runs':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'hits (median)':>14} "
            f"{'CPU p50':>8} {'CPU p95':>8}"
        )
        for name, variants in queries.items():
            times, cpu_times, totals = [], [], []
            for _ in range(args.repeat):
                for kwargs in variants:
                    t0, c0 = time.perf_counter(), time.process_time()
                    result = search(kb, **kwargs)
                    times.append((time.perf_counter() - t0) * 1000)
                    cpu_times.append((time.process_time() - c0) * 1000)
                    totals.append(result.total)
            print(
                f"{name:<16} {len(times):>5} {statistics.median(times):>8.1f} "
                f"{_percentile(times, 0.95):>8.1f} "
                f"{max(times):>8.1f} {statistics.median(totals):>14.0f} "
                f"{statistics.median(cpu_times):>8.1f} {_percentile(cpu_times, 0.95):>8.1f}"
            )


if __name__ == "__main__":
    main()
