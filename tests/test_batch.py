"""Batch robustness: parallel workers, limits, dead and hung workers, crash repair, the lock, `check`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonlines
import pytest

import rapportkb.store
from rapportkb.batch import add
from rapportkb.check import check
from rapportkb.lock import KnowledgeBaseLocked, writer_lock
from rapportkb.process import process_file
from rapportkb.schema import check_knowledge_base
from rapportkb.store import KnowledgeBase, encode_records, lines_backwards, truncate_torn_line
from rapportkb.workers import Task, run_local, run_task

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SEED_TEXT = CORPUS / "seed.txt"
SEED_PDF = CORPUS / "seed_narrow_reportlab.pdf"


def _records(kb: Path, name: str) -> list[dict]:
    with jsonlines.open(kb / name) as reader:
        return list(reader)


def _variants(folder: Path, count: int, lines: int = 60) -> list[Path]:
    """Short Swedish reports with distinct content (so distinct doc_ids), cut from the seed text."""
    seed = SEED_TEXT.read_text(encoding="utf-8").splitlines()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"rapport {index:02d} åäö.txt"
        body = seed[index * 7 : index * 7 + lines]
        path.write_text("\n".join(body) + f"\n\nRapport nummer {index} från Region Norrbotten.\n", "utf-8")
        paths.append(path)
    return paths


def _comparable(kb: Path) -> tuple[list[str], list[tuple]]:
    """The knowledge base without what legitimately differs between runs (order, timestamps)."""
    sections = sorted(
        json.dumps(s, ensure_ascii=False, sort_keys=True) for s in _records(kb, "sections.jsonl")
    )
    documents = sorted(
        (d["doc_id"], d["source"], d["status"], d["sections"], (d["error"] or {}).get("code"))
        for d in _records(kb, "documents.jsonl")
    )
    return sections, documents


# --- parallel add ---------------------------------------------------------------------------------


def test_two_workers_give_the_same_knowledge_base_as_one_process(tmp_path):
    folder = tmp_path / "in"
    _variants(folder, 5)
    (folder / "trasig.pdf").write_bytes(b"%PDF-1.4\n garbage")
    serial = add([folder], tmp_path / "serial", progress=False, workers=0)
    parallel = add([folder], tmp_path / "parallel", progress=False, workers=2)
    assert (parallel.added, parallel.failed) == (serial.added, serial.failed) == (5, 1)
    assert parallel.errors_by_code() == {"corrupt": 1}
    assert _comparable(tmp_path / "serial") == _comparable(tmp_path / "parallel")
    assert check_knowledge_base(tmp_path / "parallel") == []
    again = add([folder], tmp_path / "parallel", progress=False, workers=2)
    assert (again.added, again.skipped, again.failed) == (0, 6, 0)


def test_failed_files_are_skipped_until_retried(tmp_path):
    bad = tmp_path / "in" / "trasig.pdf"
    bad.parent.mkdir()
    bad.write_bytes(b"%PDF-1.4\n garbage")
    add([bad], tmp_path / "kb", progress=False, workers=0)
    assert add([bad], tmp_path / "kb", progress=False, workers=0).skipped == 1
    retried = add([bad], tmp_path / "kb", progress=False, workers=0, retry_errors=True)
    assert retried.failed == 1
    assert len(_records(tmp_path / "kb", "documents.jsonl")) == 1


def test_page_limit_gives_too_large_for_pdf_and_text(tagger):
    for path in (SEED_PDF, SEED_TEXT):
        processed = process_file(path, path.name, tagger, max_pages=2)
        assert processed.document["status"] == "error"
        assert processed.document["error"]["code"] == "too_large"
        assert "--max-pages" in processed.document["error"]["message"]
        assert processed.sections == []


@pytest.fixture(scope="module")
def tagger():
    from nlp.pipeline import build_pipeline

    return build_pipeline()


def test_in_process_timeout_is_recorded(monkeypatch):
    import rapportkb.process

    def endless(path, source, **options):
        while True:
            pass

    monkeypatch.setattr(rapportkb.process, "read_document", endless)
    started = time.monotonic()
    document, sections = run_task(Task(str(SEED_TEXT), "seed.txt", timeout=0.5))
    assert time.monotonic() - started < 5
    assert document["error"]["code"] == "timeout" and sections == []
    assert len(document["doc_id"]) == 64


# Work functions for worker processes: module level, so spawned workers can import them by name.


def _misbehave(task: Task):
    import rapportkb.process

    real = rapportkb.process.read_document

    def read(path, source, **options):
        name = Path(path).name
        if name.startswith("loop"):
            while True:
                pass
        if name.startswith("hang"):
            # SIGALRM blocked: as stuck as a hang inside C code, only the parent's watchdog can end it.
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(3600)
        if name.startswith("bomb"):
            os.kill(os.getpid(), signal.SIGKILL)
        if name.startswith("greedy"):
            hoard = [bytearray(64 << 20) for _ in range(64)]
            return hoard
        return real(path, source)

    rapportkb.process.read_document = read
    return run_task(task)


def _run(tasks: list[Task], **options) -> dict[str, dict]:
    return {task.source: outcome[0] for task, outcome in run_local(tasks, 2, work=_misbehave, **options)}


def test_a_worker_that_dies_costs_one_document(tmp_path):
    good = _variants(tmp_path, 3)
    bomb = tmp_path / "bomb.txt"
    bomb.write_text("Boom.\n", encoding="utf-8")
    tasks = [Task(str(p), p.name, timeout=60) for p in [good[0], bomb, good[1], good[2]]]
    outcomes = _run(tasks)
    assert set(outcomes) == {t.source for t in tasks}
    assert outcomes["bomb.txt"]["status"] == "error"
    assert outcomes["bomb.txt"]["error"]["code"] == "corrupt"
    assert "signal 9" in outcomes["bomb.txt"]["error"]["message"]
    assert all(outcomes[p.name]["status"] == "ok" for p in good)


def test_time_limits_in_python_code_and_in_a_hang(tmp_path):
    good = _variants(tmp_path, 2)
    for name in ("loop.txt", "hang.txt"):
        (tmp_path / name).write_text("Text.\n", encoding="utf-8")
    tasks = [Task(str(tmp_path / name), name, timeout=1.0) for name in ("loop.txt", "hang.txt")]
    tasks += [Task(str(p), p.name, timeout=60) for p in good]
    started = time.monotonic()
    outcomes = _run(tasks, grace=2.0)
    assert time.monotonic() - started < 60
    assert outcomes["loop.txt"]["error"]["code"] == "timeout"
    assert outcomes["hang.txt"]["error"]["code"] == "timeout"
    assert all(outcomes[p.name]["status"] == "ok" for p in good)


def test_memory_limit_gives_too_large(tmp_path):
    good = _variants(tmp_path, 1)[0]
    (tmp_path / "greedy.txt").write_text("Text.\n", encoding="utf-8")
    tasks = [Task(str(tmp_path / "greedy.txt"), "greedy.txt", timeout=60)]
    tasks.append(Task(str(good), good.name, timeout=60))
    outcomes = _run(tasks, max_memory=256 << 20)
    assert outcomes["greedy.txt"]["error"]["code"] == "too_large"
    assert outcomes[good.name]["status"] == "ok"


# --- crash repair ---------------------------------------------------------------------------------


def _fake_document(doc_id: str, sections: int) -> tuple[dict, list[dict]]:
    document = {"doc_id": doc_id, "status": "ok", "sections": sections, "pipeline": {"version": "1"}}
    return document, [{"id": f"{doc_id}:{i:04d}", "doc_id": doc_id, "text": "å" * i} for i in range(sections)]


def test_repair_drops_a_torn_line_and_the_unfinished_document(tmp_path):
    kb = KnowledgeBase(tmp_path)
    kb.append(*_fake_document("a" * 64, 3))
    kb.append(*_fake_document("b" * 64, 2))
    before = [p.read_bytes() for p in (kb.sections_path, kb.documents_path)]
    # A crash in the middle of the third document: two whole sections, a torn one, no document record.
    _, sections = _fake_document("c" * 64, 3)
    torn = encode_records(sections)
    with kb.sections_path.open("ab") as handle:
        handle.write(torn[: len(torn) - 5])
    with kb.documents_path.open("ab") as handle:
        handle.write(b'{"doc_id": "ccc')
    repair = kb.repair()
    assert set(repair.torn_bytes) == {"sections.jsonl", "documents.jsonl"}
    assert repair.orphan_sections == 2
    assert [p.read_bytes() for p in (kb.sections_path, kb.documents_path)] == before
    assert kb.repair().notes() == []


def test_reading_lines_backwards_across_chunk_boundaries(tmp_path, monkeypatch):
    monkeypatch.setattr(rapportkb.store, "_CHUNK", 7)
    lines = [b"", b"a", b"bb" * 9, "åäö".encode(), b"x" * 15, b"y"]
    path = tmp_path / "f.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    found = list(lines_backwards(path))
    assert [line for _, line in found] == [line for line in reversed(lines) if line]
    data = path.read_bytes()
    assert all(data[offset : offset + len(line)] == line for offset, line in found)
    path.write_bytes(b"whole\npart")
    assert truncate_torn_line(path) == 4 and path.read_bytes() == b"whole\n"


def test_an_interrupted_replacement_is_finished_by_repair(tmp_path):
    kb = KnowledgeBase(tmp_path)
    kb.append(*_fake_document("a" * 64, 2))
    kb.append(*_fake_document("b" * 64, 2))
    # A crash right after the journal was written: nothing removed yet.
    kb.journal_path.write_text(json.dumps(["a" * 64]))
    assert kb.repair().finished_forget == 1
    assert {d["doc_id"] for d in kb.documents()} == {"b" * 64}
    assert {s["doc_id"] for s in kb.sections()} == {"b" * 64}
    assert not kb.journal_path.exists()


# --- lock -----------------------------------------------------------------------------------------


def test_a_second_writer_is_kept_out_and_told_who_holds_the_lock(tmp_path):
    with writer_lock(tmp_path):
        with pytest.raises(KnowledgeBaseLocked) as caught:
            add([SEED_TEXT], tmp_path, progress=False, workers=0)
        assert f"pid {os.getpid()}" in str(caught.value)
        held = json.loads((tmp_path / "rapportkb.lock").read_text())
        assert held["pid"] == os.getpid() and held["host"] and held["started"]
    assert not (tmp_path / "documents.jsonl").exists()


def test_a_lock_left_by_a_killed_writer_is_taken_over(tmp_path):
    program = (
        "import sys, time; from pathlib import Path; from rapportkb.lock import writer_lock\n"
        "with writer_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", program, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(KnowledgeBaseLocked, match=f"pid {holder.pid}"), writer_lock(tmp_path):
        pass
    holder.kill()
    holder.wait()
    with writer_lock(tmp_path) as stale:
        assert stale["pid"] == holder.pid


# --- check ----------------------------------------------------------------------------------------


def test_check_repairs_a_torn_line_and_reports_duplicates(tmp_path):
    add([SEED_TEXT], tmp_path, progress=False, workers=0)
    documents = tmp_path / "documents.jsonl"
    whole = documents.read_bytes()
    documents.write_bytes(whole + whole[:40])
    result = check(tmp_path)
    assert result.ok and result.repaired and documents.read_bytes() == whole
    documents.write_bytes(whole + whole)
    doubled = check(tmp_path)
    assert not doubled.ok and any("recorded 2 times" in p for p in doubled.problems)
    command = [sys.executable, "-m", "rapportkb.cli", "check", "--kb", str(tmp_path)]
    cli = subprocess.run(command, capture_output=True, text=True)
    assert cli.returncode == 1 and "recorded 2 times" in cli.stdout


# --- Dask -----------------------------------------------------------------------------------------


def test_dask_executor_on_a_local_cluster(tmp_path):
    # CI installs the `dask` extra, so there a missing `distributed` is a failure, never a skip.
    if os.environ.get("CI"):
        import distributed
    else:
        distributed = pytest.importorskip("distributed")
    folder = tmp_path / "in"
    _variants(folder, 3)
    (folder / "trasig.pdf").write_bytes(b"%PDF-1.4\n garbage")
    add([folder], tmp_path / "serial", progress=False, workers=0)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        summary = add(
            [folder], tmp_path / "dask", progress=False, executor="dask", scheduler=cluster.scheduler_address
        )
    assert (summary.added, summary.failed) == (3, 1)
    assert _comparable(tmp_path / "serial") == _comparable(tmp_path / "dask")
