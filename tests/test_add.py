"""`rapportkb add` end to end: schema-valid knowledge bases from text and PDF, bad files, re-adding."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonlines
import pytest
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen.canvas import Canvas

from rapportkb.batch import add
from rapportkb.schema import check_knowledge_base

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SEED_TEXT = CORPUS / "seed.txt"
SEED_PDF = CORPUS / "seed_narrow_reportlab.pdf"


def _records(kb: Path, name: str) -> list[dict]:
    with jsonlines.open(kb / name) as reader:
        return list(reader)


@pytest.fixture(scope="module")
def seed_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kb = tmp_path_factory.mktemp("kb")
    summary = add([SEED_TEXT], kb, report_date=None, progress=False)
    assert summary.added == 1 and summary.failed == 0
    return kb


@pytest.fixture(scope="module")
def pdf_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kb = tmp_path_factory.mktemp("kb")
    summary = add([SEED_PDF], kb, progress=False)
    assert summary.added == 1 and summary.failed == 0
    return kb


@pytest.mark.parametrize("kb_name", ["seed_kb", "pdf_kb"])
def test_knowledge_base_passes_the_schema_check(kb_name, request):
    kb = request.getfixturevalue(kb_name)
    assert check_knowledge_base(kb) == []
    sections = _records(kb, "sections.jsonl")
    assert len(sections) > 20
    assert sum(len(s["entities"]) for s in sections) > 100
    for section in sections:
        for entity in section["entities"]:
            host = section["heading"] if entity.get("in_heading") else section["text"]
            assert host[entity["start"] : entity["end"]] == entity["text"]


def test_seed_text_records_carry_the_report_and_swedish_text(seed_kb):
    sections = _records(seed_kb, "sections.jsonl")
    document = _records(seed_kb, "documents.jsonl")[0]
    assert document["status"] == "ok" and document["sections"] == len(sections) and document["pages"] == 8
    assert document["report"]["title"] == "Aktuella händelser och information från verksamheten"
    assert document["hyphens"]["join"] > 90
    first = sections[1]
    assert first["path"] == ["Enheten för näringsliv och samhälle", "Projekt- och företagsstöd"]
    assert "29 bokade möten med enskilda företag" in first["text"]
    counts = {e["text"]: e["norm"] for e in first["entities"] if e["type"] == "COUNT"}
    assert counts["29 bokade möten"] == {"value": 29, "unit": "möten", "qualifier": None}
    assert any(e["text"] == "Överkalix kommun" and e["type"] == "ORG" for e in first["entities"])
    assert all(s["id"].startswith(document["doc_id"] + ":") for s in sections)


def test_report_date_override_resolves_relative_dates(tmp_path):
    from datetime import date

    add([SEED_TEXT], tmp_path, report_date=date(2023, 5, 9), progress=False, workers=0)
    document = _records(tmp_path, "documents.jsonl")[0]
    assert document["report"]["date"] == "2023-05-09" and document["report_date_source"] == "override"
    dates = [e for s in _records(tmp_path, "sections.jsonl") for e in s["entities"] if e["type"] == "DATE"]
    by_text = {e["text"]: e["norm"] for e in dates}
    expected = {"start": "2023-01-01", "end": "2023-04-30", "granularity": "month"}
    assert by_text["januari till april"] == expected


def test_pdf_sections_have_pages_and_bboxes(pdf_kb):
    sections = _records(pdf_kb, "sections.jsonl")
    assert max(s["pages"][1] for s in sections) > 1
    blocks = [b for s in sections for b in s["blocks"]]
    assert blocks and all(len(b["bbox"]) == 4 for b in blocks)


def _encrypted_pdf(path: Path) -> None:
    canvas = Canvas(str(path), encrypt=StandardEncryption("hemligt", ownerPassword="ägare"))
    canvas.drawString(72, 720, "Konfidentiell rapport från Region Norrbotten.")
    canvas.showPage()
    canvas.save()


@pytest.fixture
def bad_batch(tmp_path: Path) -> Path:
    folder = tmp_path / "rapporter"
    (folder / "år 2023").mkdir(parents=True)
    shutil.copy(SEED_PDF, folder / "år 2023" / "bra rapport.pdf")
    (folder / "tom.pdf").write_bytes(b"")
    (folder / "avbruten.pdf").write_bytes(SEED_PDF.read_bytes()[: SEED_PDF.stat().st_size // 2])
    (folder / "inte en pdf.pdf").write_text("Det här är en textfil med fel ändelse.\n", encoding="utf-8")
    _encrypted_pdf(folder / "krypterad.pdf")
    (folder / "bild.jpg").write_bytes(b"\xff\xd8\xff")  # not a report type: a folder walk ignores it
    return folder


def test_bad_files_get_coded_error_records_and_the_batch_goes_on(bad_batch, tmp_path):
    kb = tmp_path / "kb"
    summary = add([bad_batch], kb, progress=False)
    documents = {Path(d["source"]).name: d for d in _records(kb, "documents.jsonl")}
    assert len(documents) == 5
    assert documents["bra rapport.pdf"]["status"] == "ok"
    codes = {name: d["error"]["code"] for name, d in documents.items() if d["status"] == "error"}
    assert codes == {
        "tom.pdf": "corrupt",
        "avbruten.pdf": "corrupt",
        "inte en pdf.pdf": "unsupported",
        "krypterad.pdf": "encrypted",
    }
    assert all(documents[name]["error"]["message"] for name in codes)
    assert summary.added == 1 and summary.failed == 4
    good = documents["bra rapport.pdf"]
    sections = _records(kb, "sections.jsonl")
    assert len(sections) == good["sections"] > 20
    assert {s["doc_id"] for s in sections} == {good["doc_id"]}
    assert check_knowledge_base(kb) == []


def test_readding_changes_nothing(seed_kb):
    before = [(seed_kb / name).read_bytes() for name in ("sections.jsonl", "documents.jsonl")]
    summary = add([SEED_TEXT], seed_kb, progress=False)
    assert (summary.added, summary.skipped) == (0, 1)
    assert [(seed_kb / name).read_bytes() for name in ("sections.jsonl", "documents.jsonl")] == before


def test_a_new_pipeline_version_replaces_old_records_only_with_reprocess(tmp_path, monkeypatch):
    add([SEED_TEXT], tmp_path, progress=False, workers=0)
    import rapportkb.process

    monkeypatch.setattr(rapportkb.process, "__version__", "99.0")
    left = add([SEED_TEXT], tmp_path, progress=False, workers=0)
    assert (left.added, left.outdated) == (0, 1) and "--reprocess" in left.line()
    assert [d["pipeline"]["version"] for d in _records(tmp_path, "documents.jsonl")] != ["99.0"]
    redone = add([SEED_TEXT], tmp_path, progress=False, workers=0, reprocess=True)
    assert (redone.added, redone.replaced) == (1, 1)
    documents = _records(tmp_path, "documents.jsonl")
    assert [d["pipeline"]["version"] for d in documents] == ["99.0"]
    ids = [s["id"] for s in _records(tmp_path, "sections.jsonl")]
    assert len(ids) == len(set(ids)) == documents[0]["sections"]
    assert check_knowledge_base(tmp_path) == []


def test_sections_left_by_a_crash_without_their_document_record_are_dropped(tmp_path):
    add([SEED_TEXT], tmp_path, progress=False, workers=0)
    orphan = dict(_records(tmp_path, "sections.jsonl")[0], doc_id="0" * 64, id="0" * 64 + ":0000")
    with jsonlines.open(tmp_path / "sections.jsonl", mode="a") as writer:
        writer.write(orphan)
    add([SEED_TEXT], tmp_path, progress=False, workers=0)
    assert all(s["doc_id"] != "0" * 64 for s in _records(tmp_path, "sections.jsonl"))


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rapportkb.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_cli_add_exit_status_and_summary(bad_batch, tmp_path):
    result = _cli("add", str(bad_batch), "--kb", str(tmp_path / "kb"), "-q")
    assert result.returncode == 1
    assert "1 added, 0 already in the knowledge base, 4 failed" in result.stdout
    assert "errors: corrupt 2, encrypted 1, unsupported 1" in result.stdout
    assert "krypterad.pdf: encrypted:" in result.stderr


def test_cli_add_then_eval_on_the_seed(tmp_path):
    kb = tmp_path / "kb"
    assert _cli("add", str(SEED_TEXT), "--kb", str(kb), "--report-date", "2023-05-09", "-q").returncode == 0
    result = _cli(
        "eval", "--kb", str(kb), "--gold-md", str(CORPUS / "seed.gold.md"),
        "--gold-ents", str(CORPUS / "seed.entities.jsonl"), "--source", "seed.txt", "--format", "json",
    )
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["headings"]["level_accuracy"] > 0.9
    assert scores["text"]["wer"] < 0.05


def test_cli_rejects_a_bad_date_and_a_missing_path(tmp_path):
    bad_date = _cli("add", str(SEED_TEXT), "--kb", str(tmp_path), "--report-date", "9 maj")
    assert bad_date.returncode == 2 and "YYYY-MM-DD" in bad_date.stderr
    missing = _cli("add", str(tmp_path / "finns-inte.pdf"), "--kb", str(tmp_path))
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_cli_eval_says_what_is_wrong_with_an_unknown_source(seed_kb):
    result = _cli(
        "eval", "--kb", str(seed_kb), "--gold-md", str(CORPUS / "seed.gold.md"), "--source", "finns-inte.pdf"
    )
    assert result.returncode == 2
    assert "finns-inte.pdf" in result.stderr and "Traceback" not in result.stderr


def test_explain_hyphens_gives_every_decision_with_its_reason(tmp_path):
    summary = add([SEED_TEXT], tmp_path, progress=False, workers=0, explain_hyphens=True)
    [(source, explanation)] = summary.hyphen_explanations
    assert source.endswith("seed.txt")
    lines = explanation.splitlines()
    document = _records(tmp_path, "documents.jsonl")[0]
    assert len(lines) == len(document["hyphen_decisions"]) == sum(document["hyphens"].values()) == 102
    assert any(line.startswith("p. 1: en-|skilda -> join: ") for line in lines)


def test_add_keeps_the_search_index_up_to_date(tmp_path):
    from rapportkb.index import is_fresh

    add([SEED_TEXT], tmp_path, progress=False, workers=0)
    assert (tmp_path / "index.sqlite").is_file() and is_fresh(tmp_path)
