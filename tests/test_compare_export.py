"""Period comparison, its HTML report, and CSV/Parquet export on the synthetic KB of test_index_search."""

from __future__ import annotations

import csv
import importlib.util
import re
from pathlib import Path

import pytest
from test_index_search import report_one, report_two, run_cli, write_kb

from rapportkb.compare import compare, render_html
from rapportkb.export import ExportError, export

PERIODS = [("2023-01", "2023-04"), ("2023-05", "2023-08")]


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return write_kb(tmp_path / "kb", [report_one(), report_two()])


def names(result, type_: str, change: str) -> dict[str, tuple[int, int]]:  # noqa: ANN001
    return {c.name: c.counts for c in result.changes[type_][change]}


def test_reports_are_placed_by_the_period_they_cover(kb: Path) -> None:
    # Report one is issued in May but covers January-April, so it belongs to the first period.
    result = compare(kb, PERIODS)
    assert result.reports == (1, 1)
    assert result.periods == (("2023-01-01", "2023-04-30"), ("2023-05-01", "2023-08-31"))


def test_new_gone_up_down(kb: Path) -> None:
    result = compare(kb, PERIODS)
    assert names(result, "LOC", "new") == {"Boden": (0, 2)}
    assert names(result, "LOC", "gone") == {"Kiruna": (2, 0), "Gällivare": (1, 0)}
    assert names(result, "LOC", "up") == {"Luleå": (1, 2)}
    assert names(result, "ORG", "up") == {"Norrbottensmusiken": (1, 2)}
    assert names(result, "ORG", "gone") == {"Kulturrådet": (1, 0)}
    swapped = compare(kb, list(reversed(PERIODS)))
    assert names(swapped, "LOC", "down") == {"Luleå": (2, 1)}
    assert [c.name for c in result.changes["LOC"]["gone"]] == ["Kiruna", "Gällivare"]  # biggest change first


def test_count_totals_per_unit(kb: Path) -> None:
    totals = {t.unit: (t.totals, t.mentions) for t in compare(kb, PERIODS).totals}
    assert totals["konserter"] == ((31, 12), (1, 1))
    assert totals["skolkonserter"] == ((0, 40), (0, 1))
    assert totals["möten"] == ((29, 0), (1, 0))


def test_compare_rejects_bad_periods(kb: Path) -> None:
    with pytest.raises(ValueError, match="two periods"):
        compare(kb, PERIODS[:1])
    with pytest.raises(ValueError, match="ends before"):
        compare(kb, [("2023-05", "2023-01"), PERIODS[1]])


def test_html_report_is_self_contained(kb: Path) -> None:
    page = render_html(compare(kb, PERIODS))
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert page.count("<svg") == 3  # mentions per type, top movers, COUNT totals
    assert "Gällivare" in page and "skolkonserter" in page
    # Nothing to fetch: no scripts, stylesheets, images or links to other files.
    assert not re.search(r"<script|<link|<img|src=|@import", page)
    assert re.findall(r"https?://[^\"]+", page) == ["http://www.w3.org/2000/svg"] * 3


def test_cli_compare_writes_html_and_jsonl(
    kb: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    argv = ["compare", "--kb", str(kb), "--period", "2023-01..2023-04", "--period", "2023-05..2023-08"]
    assert run_cli([*argv, "--format", "html", "--out", str(out)]) == 0
    assert "<svg" in out.read_text(encoding="utf-8")
    assert run_cli([*argv, "--format", "jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any('"name": "Boden"' in line and '"change": "new"' in line for line in lines)
    assert run_cli(argv[:5] + ["--format", "table"]) == 2
    assert "exactly twice" in capsys.readouterr().err


def test_export_csv_tables(kb: Path, tmp_path: Path) -> None:
    files = export(kb, "csv", tmp_path / "out")
    assert [f.name for f in files] == ["sections.csv", "entities.csv", "documents.csv"]
    with (tmp_path / "out" / "sections.csv").open(encoding="utf-8", newline="") as handle:
        sections = list(csv.DictReader(handle))
    assert [s["id"] for s in sections] == [
        "doc1:0000",
        "doc1:0001",
        "doc1:0002",
        "doc1:0003",
        "doc2:0000",
        "doc2:0001",
        "doc2:0002",
    ]
    assert {"id", "doc_id", "report_date", "path", "heading", "text", "entity_count"} <= set(sections[0])
    assert "record" not in sections[0]
    assert sections[0]["path"] == "Kulturenheten > Gruvsamhällen"
    with (tmp_path / "out" / "entities.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {"section_id", "type", "text", "norm", "key", "date_start", "value", "unit"} <= set(rows[0])
    count = next(r for r in rows if r["text"] == "31 konserter")
    assert (count["value"], count["unit"], count["section_id"]) == ("31.0", "konserter", "doc1:0001")
    with (tmp_path / "out" / "documents.csv").open(encoding="utf-8", newline="") as handle:
        assert [d["doc_id"] for d in csv.DictReader(handle)] == ["doc1", "doc2"]


def test_export_parquet_or_clear_error(kb: Path, tmp_path: Path) -> None:
    if importlib.util.find_spec("pyarrow") is None:
        with pytest.raises(ExportError, match="pip install pyarrow"):
            export(kb, "parquet", tmp_path / "out")
        assert run_cli(["export", "--kb", str(kb), "--format", "parquet", "--out", str(tmp_path / "o")]) == 2
        return
    import pyarrow.parquet as pq

    export(kb, "parquet", tmp_path / "out")
    assert pq.read_table(tmp_path / "out" / "sections.parquet").num_rows == 7
