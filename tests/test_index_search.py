"""Index build/update and search on a small synthetic knowledge base written per spec/SCHEMA.md.

The KB builders here are also used by test_compare_export.py.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import jsonlines
import pytest

from rapportkb.cli_query import register
from rapportkb.entities import entities
from rapportkb.index import INDEX, KnowledgeBaseNotFound, build_index, is_fresh, update_index
from rapportkb.search import parse_date_bound, search, swedish_stem

T1 = {"start": "2023-01-01", "end": "2023-04-30"}
T2 = {"start": "2023-05-01", "end": "2023-08-31"}
Report = tuple[dict[str, Any], list[dict[str, Any]]]


def entity(text: str, host: str, type_: str, norm: Any = None, **extra: Any) -> dict[str, Any]:
    start = host.index(text)
    record = {
        "type": type_,
        "text": text,
        "start": start,
        "end": start + len(text),
        "norm": text if norm is None else norm,
        "page": 1,
        "source": "rule",
    }
    record.update(extra)
    return record


def section(
    doc: str,
    index: int,
    heading: str,
    text: str,
    entities: list[dict[str, Any]],
    report_date: str,
    period: dict[str, str] | None = None,
    publisher: str = "Region Norrbotten",
) -> dict[str, Any]:
    return {
        "schema": 1,
        "id": f"{doc}:{index:04d}",
        "doc_id": doc,
        "source": f"{doc}.txt",
        "report": {
            "title": "Aktuella händelser",
            "publisher": publisher,
            "date": report_date,
            "period": period,
        },
        "path": ["Kulturenheten", heading],
        "heading": heading,
        "level": 2,
        "pages": [1, 1],
        "text": text,
        "blocks": [{"kind": "paragraph", "text": text, "start": 0, "end": len(text), "page": 1}],
        "entities": entities,
    }


def document(
    doc: str, sections: int, report_date: str, period: dict[str, str] | None = None
) -> dict[str, Any]:
    return {
        "schema": 1,
        "doc_id": doc,
        "source": f"{doc}.txt",
        "status": "ok",
        "error": None,
        "pages": 1,
        "sections": sections,
        "report": {
            "title": "Aktuella händelser",
            "publisher": "Region Norrbotten",
            "date": report_date,
            "period": period,
        },
        "pipeline": {"version": "0.1.0", "model": "test@0"},
        "processed_at": "2023-05-09T12:00:00Z",
        "seconds": 0.1,
    }


def report_one() -> Report:
    """Tertial 1 report (issued May 2023)."""
    texts = [
        (
            "Gruvsamhällen",
            "Workshop om omställning i gruvsamhällen som Gällivare och Kiruna.",
            [
                ("Gällivare", "LOC", None, {"id": "kommun:2523"}),
                ("Kiruna", "LOC", None, {"id": "kommun:2584"}),
            ],
        ),
        (
            "Konserter för barn",
            "Norrbottensmusiken gav 31 konserter för barn och unga i Luleå.",
            [
                ("Norrbottensmusiken", "ORG", None, {}),
                ("31 konserter", "COUNT", {"value": 31, "unit": "konserter", "qualifier": None}, {}),
                ("Luleå", "LOC", None, {}),
            ],
        ),
        (
            "Informationsmöten",
            "Företagsstöd hade 29 bokade möten och fyra informationsmöten den 8-9 maj.",
            [
                ("29 bokade möten", "COUNT", {"value": 29, "unit": "möten", "qualifier": None}, {}),
                (
                    "den 8-9 maj",
                    "DATE",
                    {"start": "2023-05-08", "end": "2023-05-09", "granularity": "day"},
                    {},
                ),
            ],
        ),
        (
            "Kulturrådet",
            "Kulturrådet besökte Kiruna stadsbibliotek under våren.",
            [("Kulturrådet", "ORG", None, {}), ("Kiruna", "LOC", None, {"id": "kommun:2584"})],
        ),
    ]
    return _report("doc1", "2023-05-09", T1, texts)


def report_two() -> Report:
    """Tertial 2 report (issued September 2023)."""
    texts = [
        (
            "Skolkonserter",
            "Norrbottensmusiken gav 40 skolkonserter i Boden och Luleå.",
            [
                ("Norrbottensmusiken", "ORG", None, {}),
                ("40 skolkonserter", "COUNT", {"value": 40, "unit": "skolkonserter", "qualifier": None}, {}),
                ("Boden", "LOC", None, {}),
                ("Luleå", "LOC", None, {}),
            ],
        ),
        (
            "Konserter i Luleå",
            "Ytterligare 12 konserter i Luleå och Luleå hamn med Norrbottensmusiken.",
            [
                ("12 konserter", "COUNT", {"value": 12, "unit": "konserter", "qualifier": None}, {}),
                ("Luleå", "LOC", None, {}),
                ("Norrbottensmusiken", "ORG", None, {}),
            ],
        ),
        (
            "Möten om gallivare-frågor",
            "Mötet om Gallivare stavat utan prickar hölls i Boden i november 2024.",
            [
                ("Boden", "LOC", None, {}),
                (
                    "november 2024",
                    "DATE",
                    {"start": "2024-11-01", "end": "2024-11-30", "granularity": "month"},
                    {},
                ),
            ],
        ),
    ]
    return _report("doc2", "2023-09-12", T2, texts)


def _report(
    doc: str,
    date: str,
    period: dict[str, str],
    texts: list[tuple[str, str, list[tuple[str, str, Any, dict[str, Any]]]]],
) -> Report:
    sections = []
    for i, (heading, text, ents) in enumerate(texts):
        sections.append(
            section(
                doc,
                i,
                heading,
                text,
                [entity(t, text, ty, norm, **extra) for t, ty, norm, extra in ents],
                date,
                period,
            )
        )
    return document(doc, len(sections), date, period), sections


def write_kb(kb: Path, reports: list[Report]) -> Path:
    kb.mkdir(parents=True, exist_ok=True)
    for doc, sections in reports:
        with jsonlines.open(kb / "sections.jsonl", mode="a") as writer:
            writer.write_all(sections)
        with jsonlines.open(kb / "documents.jsonl", mode="a") as writer:
            writer.write(doc)
    return kb


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return write_kb(tmp_path / "kb", [report_one(), report_two()])


def headings(result: Any) -> list[str]:
    return [hit.record["heading"] for hit in result.hits]


def test_swedish_stem_follows_snowball() -> None:
    # Reference stems from the Snowball Swedish algorithm's published vocabulary/output.
    assert swedish_stem("konserterna") == "konsert"
    assert swedish_stem("möten") == "möt"
    assert swedish_stem("jakttornens") == "jakttorn"
    assert swedish_stem("klokhet") == "klok"
    assert swedish_stem("kärlekens") == "kärlek"
    assert swedish_stem("jaktkarlarne") == "jaktkarl"


def test_diacritics_are_not_folded(kb: Path) -> None:
    with_dots = search(kb, "Gällivare")
    without = search(kb, "Gallivare")
    assert headings(with_dots) == ["Gruvsamhällen"]
    assert headings(without) == ["Möten om gallivare-frågor"]


def test_inflected_and_compound_forms_are_found(kb: Path) -> None:
    found = set(headings(search(kb, "konsert")))
    # konserter (inflection) and skolkonserter (compound head) both match the base form.
    assert {"Konserter för barn", "Skolkonserter", "Konserter i Luleå"} <= found
    # An inflected query finds the base form and the compound informationsmöten.
    assert {"Informationsmöten", "Möten om gallivare-frågor"} <= set(headings(search(kb, "mötena")))
    assert headings(search(kb, "konsert", exact=True)) == []
    snippets = {hit.record["heading"]: hit.snippet for hit in search(kb, "konsert").hits}
    assert "«skolkonserter»" in snippets["Skolkonserter"]


def test_phrase_and_or(kb: Path) -> None:
    assert headings(search(kb, '"Luleå hamn"')) == ["Konserter i Luleå"]
    assert set(headings(search(kb, "Gällivare OR Boden"))) == {
        "Gruvsamhällen",
        "Skolkonserter",
        "Möten om gallivare-frågor",
    }
    assert headings(search(kb, "Gällivare Boden")) == []


def test_hits_are_ranked_full_records_with_snippets(kb: Path) -> None:
    result = search(kb, "Luleå")
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True)
    top = result.hits[0].to_dict()
    # Luleå twice in a short section outranks once.
    assert top["heading"] == "Konserter i Luleå"
    assert top["entities"] and top["blocks"] and top["id"] == "doc2:0001"
    assert "«Luleå»" in top["snippet"]


def test_plain_and_filtered_queries_rank_alike(kb: Path) -> None:
    # A plain query ranks with an explicit bm25() call, a filtered one with the index's configured
    # rank: the weights must agree, or adding a filter that keeps every hit would reorder them.
    plain = search(kb, "Luleå OR Norrbottensmusiken OR Kiruna")
    filtered = search(kb, "Luleå OR Norrbottensmusiken OR Kiruna", publisher="Region Norrbotten")
    assert plain.total == filtered.total > 3
    ranked = [[(h.record["id"], h.score) for h in r.hits] for r in (plain, filtered)]
    assert ranked[0] == ranked[1]


def test_entity_type_publisher_filters(kb: Path) -> None:
    assert set(headings(search(kb, entity="kiruna"))) == {"Gruvsamhällen", "Kulturrådet"}
    assert headings(search(kb, entity=["Kiruna", "Kulturrådet"])) == ["Kulturrådet"]
    assert headings(search(kb, entity="kommun:2523")) == ["Gruvsamhällen"]
    assert headings(search(kb, entity="Kiruna", type="ORG")) == []
    assert set(headings(search(kb, type="DATE"))) == {"Informationsmöten", "Möten om gallivare-frågor"}
    assert search(kb, "Luleå", publisher="region norrbotten").total == 3
    assert search(kb, "Luleå", publisher="Tillväxtverket").total == 0


def test_date_filter_uses_report_date_and_date_entities(kb: Path) -> None:
    # Report 2 is dated 2023-09-12; its Boden section also mentions november 2024.
    assert set(headings(search(kb, date_from="2024-01", date_to="2024-12"))) == {"Möten om gallivare-frågor"}
    assert search(kb, date_from="2023-09-01", date_to="2023-09-30").total == 3
    assert search(kb, date_from="2023-05-01", date_to="2023-05-09").total == 4
    assert search(kb, date_from="2025").total == 0


def test_facets_summarise_hits(kb: Path) -> None:
    result = search(kb, "Norrbottensmusiken")
    org = {value.name: value.sections for value in result.facets["ORG"]}
    assert org == {"Norrbottensmusiken": 3}
    loc = {value.name: value.sections for value in result.facets["LOC"]}
    assert loc["Luleå"] == 3 and loc["Boden"] == 1


def test_parse_date_bound() -> None:
    assert parse_date_bound("2024-02", end=True) == "2024-02-29"
    assert parse_date_bound("2023") == "2023-01-01"
    with pytest.raises(ValueError, match="YYYY"):
        parse_date_bound("maj 2023")


def _answers(kb: Path) -> list[Any]:
    queries = ["konsert", "Luleå", "möten", '"Luleå hamn"', "Gällivare OR Boden"]
    out = [[(h.record["id"], h.score, h.snippet) for h in search(kb, q).hits] for q in queries]
    out.append([(e.key, e.mentions, e.reports) for e in entities(kb, top=None)])
    return out


def test_incremental_update_equals_rebuild(tmp_path: Path) -> None:
    kb = write_kb(tmp_path / "kb", [report_one()])
    build_index(kb)
    assert is_fresh(kb)
    write_kb(kb, [report_two()])
    assert not is_fresh(kb)
    stats = update_index(kb)
    assert not stats.rebuilt and stats.sections == 3
    incremental = _answers(kb)
    build_index(kb)
    assert _answers(kb) == incremental


def test_stale_index_is_refreshed_and_rewrites_rebuild(kb: Path) -> None:
    assert search(kb, "Gällivare").total == 1
    assert (kb / INDEX).exists()
    # A rewrite that drops a document (as store.forget does) cannot be appended to: full rebuild.
    kept = [r for r in jsonlines.open(kb / "sections.jsonl") if r["doc_id"] != "doc1"]
    with jsonlines.open(kb / "sections.jsonl", mode="w") as writer:
        writer.write_all(kept)
    assert search(kb, "Gällivare").total == 0
    assert update_index(kb).sections == 0
    connection = sqlite3.connect(kb / INDEX)
    assert connection.execute("SELECT count(*) FROM sections").fetchone()[0] == 3


def test_half_written_line_waits(kb: Path) -> None:
    build_index(kb)
    extra = report_two()[1][0] | {"id": "doc3:0000", "doc_id": "doc3"}
    line = json.dumps(extra, ensure_ascii=False)
    with open(kb / "sections.jsonl", "a", encoding="utf-8") as handle:
        handle.write(line[:40])
    assert update_index(kb).sections == 0
    with open(kb / "sections.jsonl", "a", encoding="utf-8") as handle:
        handle.write(line[40:] + "\n")
    assert update_index(kb).sections == 1
    assert search(kb, "skolkonserter").total == 2


def test_entities_listing(kb: Path) -> None:
    listing = entities(kb, top=None)
    by_name = {(e.type, e.name): e for e in listing}
    kiruna = by_name[("LOC", "Kiruna")]
    assert (kiruna.key, kiruna.mentions, kiruna.reports) == ("kommun:2584", 2, 1)
    luleå = by_name[("LOC", "Luleå")]
    assert (luleå.mentions, luleå.reports, luleå.first_date, luleå.last_date) == (
        3,
        2,
        "2023-05-09",
        "2023-09-12",
    )
    assert [e.mentions for e in listing] == sorted((e.mentions for e in listing), reverse=True)
    assert {e.type for e in entities(kb, type="ORG", top=None)} == {"ORG"}
    assert len(entities(kb, top=2)) == 2


def test_missing_kb_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseNotFound, match="rapportkb add"):
        search(tmp_path / "nothing", "x")


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="rapportkb")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.run(args)


def test_cli_search_formats(kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["search", "Gällivare", "--kb", str(kb), "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == ["doc1:0000"] and "score" in rows[0] and "snippet" in rows[0]
    assert run_cli(["search", "konsert", "--kb", str(kb), "--entity", "Boden"]) == 0
    out = capsys.readouterr().out
    assert "Skolkonserter" in out and "top entities" in out and "Konserter för barn" not in out
    assert run_cli(["search", "--kb", str(kb), "--type", "DATE", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("id,score,report_date") and len(lines) == 3


def test_cli_entities_index_and_errors(kb: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["index", "--kb", str(kb)]) == 0
    assert "7 sections" in capsys.readouterr().out
    assert run_cli(["entities", "--kb", str(kb), "--type", "LOC", "--top", "1", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("LOC,Luleå,3,2")
    assert run_cli(["search", "x", "--kb", str(tmp_path / "none")]) == 2
    assert "rapportkb add" in capsys.readouterr().err
    assert run_cli(["search", "x", "--kb", str(kb), "--from", "maj"]) == 2
    assert "YYYY" in capsys.readouterr().err


def test_index_file_mtime_ignored_when_unchanged(kb: Path) -> None:
    search(kb, "Luleå")
    before = os.stat(kb / INDEX).st_mtime_ns
    search(kb, "Luleå")
    assert os.stat(kb / INDEX).st_mtime_ns == before
