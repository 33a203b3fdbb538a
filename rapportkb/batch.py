"""`add`: files and folders into a knowledge base, one outcome record per file, the batch never stops.

Incremental (a file already recorded by this pipeline version is skipped), parallel (worker
processes or a Dask cluster compute, this process alone writes), resumable (kill it and run the same
command again: see rapportkb.store for why nothing is lost or doubled).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ingest.read import SUPPORTED_SUFFIXES
from nlp.dehyphenate import HyphenBreak, explain
from rapportkb.index import update_index
from rapportkb.lock import writer_lock
from rapportkb.process import DEFAULT_READER, file_digest, pipeline_version
from rapportkb.store import KnowledgeBase
from rapportkb.workers import Outcome, Task, run_dask, run_in_process, run_local

DEFAULT_TIMEOUT = 600.0
DEFAULT_MAX_PAGES = 2000
EXECUTORS = ("process", "dask")


@dataclass
class AddSummary:
    added: int = 0
    skipped: int = 0
    failed: int = 0
    sections: int = 0
    pages: int = 0
    #: Files recorded by an older pipeline version and left as they are (no --reprocess).
    outdated: int = 0
    #: Files whose older records were replaced (--reprocess).
    replaced: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)
    #: What `repair` fixed before the batch (a previous run that crashed).
    repaired: list[str] = field(default_factory=list)
    #: (source, one line per hyphen decision) when `explain_hyphens` was asked for.
    hyphen_explanations: list[tuple[str, str]] = field(default_factory=list)

    def errors_by_code(self) -> dict[str, int]:
        return dict(sorted(Counter(code for _, code, _ in self.errors).items()))

    def line(self) -> str:
        line = (
            f"{self.added} added, {self.skipped} already in the knowledge base, {self.failed} failed; "
            f"{self.sections} sections written"
        )
        if self.errors:
            line += "; errors: " + ", ".join(f"{code} {n}" for code, n in self.errors_by_code().items())
        if self.replaced:
            line += f"; {self.replaced} replaced records of an older pipeline version"
        if self.outdated:
            line += (
                f"; {self.outdated} recorded by an older pipeline version were left as they are "
                "(--reprocess redoes them)"
            )
        return line


def collect_files(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """(path, source) for each report: folders are walked recursively for .pdf and .txt files.

    A file named directly is always taken (an unsupported type then gets an error record), so a
    user learns why it was not added instead of seeing it silently ignored.
    """
    found: list[tuple[Path, str]] = []
    for given in paths:
        if given.is_dir():
            for path in sorted(given.rglob("*")):
                if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES:
                    found.append((path, _relative(path)))
        else:
            found.append((given, _relative(given)))
    return found


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@dataclass
class Plan:
    """What a batch will do, decided from the files' hashes and documents.jsonl alone."""

    todo: list[tuple[Path, str]] = field(default_factory=list)
    replace: set[str] = field(default_factory=set)
    retry_ids: set[str] = field(default_factory=set)
    retry_sources: set[str] = field(default_factory=set)
    skipped: int = 0
    outdated: int = 0


def plan_batch(
    files: list[tuple[Path, str]],
    documents: list[dict[str, Any]],
    version: str,
    reprocess: bool = False,
    retry_errors: bool = False,
) -> Plan:
    """Which files to process.

    Recorded ok by this version: skipped. Recorded ok by an older version: skipped, or replaced with
    `reprocess`. Recorded as failed by this version: skipped (the same bytes fail the same way) unless
    `retry_errors`, e.g. after raising a limit; failed under an older version: retried.
    """
    ok: dict[str, str] = {}
    failed: dict[str, str] = {}
    for record in documents:
        recorded_version = record.get("pipeline", {}).get("version", "")
        if record.get("status") == "ok":
            ok[record.get("doc_id", "")] = recorded_version
        elif record.get("doc_id"):
            failed[record["doc_id"]] = recorded_version
    plan = Plan()
    seen: set[str] = set()
    for path, source in files:
        try:
            digest = file_digest(path) if path.is_file() else ""
        except OSError:
            digest = ""
        if digest and digest in seen:
            plan.skipped += 1
            continue
        seen.add(digest)
        if digest in ok:
            if ok[digest] == version:
                plan.skipped += 1
                continue
            if not reprocess:
                plan.outdated += 1
                continue
            plan.replace.add(digest)
        elif digest in failed:
            if failed[digest] == version and not retry_errors:
                plan.skipped += 1
                continue
            plan.retry_ids.add(digest)
        plan.retry_sources.add(source)
        plan.todo.append((path, source))
    return plan


def _outcomes(
    tasks: list[Task],
    workers: int,
    max_memory: int | None,
    executor: str,
    scheduler: Any,
    backend: str = "spacy",
    stanza_dir: str | None = None,
) -> Iterator[tuple[Task, Outcome]]:
    if executor == "dask":
        if scheduler is None:
            raise ValueError("--executor dask needs --scheduler ADDRESS")
        return run_dask(tasks, scheduler)
    if executor != "process":
        raise ValueError(f"unknown executor {executor!r}; choose one of {', '.join(EXECUTORS)}")
    if workers == 0:
        return run_in_process(tasks)
    return run_local(
        tasks, min(workers, len(tasks)) or 1, max_memory, backend=backend, stanza_dir=stanza_dir
    )


def add(
    paths: Iterable[Path],
    kb_dir: Path,
    report_date: date | None = None,
    progress: bool = True,
    *,
    workers: int | None = None,
    reprocess: bool = False,
    retry_errors: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_memory: int | None = None,
    max_pages: int | None = DEFAULT_MAX_PAGES,
    reader: str = DEFAULT_READER,
    executor: str = "process",
    scheduler: Any = None,
    explain_hyphens: bool = False,
    backend: str = "spacy",
    stanza_dir: Path | None = None,
) -> AddSummary:
    """Add reports to the knowledge base in `kb_dir`; a file already added by this version is skipped.

    `workers` processes (default: one per core; 0 = in this process) each load the pipeline once;
    `timeout` (seconds), `max_memory` (bytes a document may use on top of a loaded worker) and
    `max_pages` bound each document, which is recorded as `timeout` or `too_large` past them.
    With `executor="dask"` the work goes to the Dask cluster at `scheduler` instead.
    `explain_hyphens` records every line-end hyphen decision with its reason (`hyphen_decisions` in
    the document record) and collects a readable explanation per file in the summary.
    `backend="stanza"` tags with Stanza's models from `stanza_dir` instead of our spaCy NER model
    (nlp/stanza_backend.py); they are checked here, before any worker starts, so that a missing model
    is one clear error (StanzaModelsMissing, StanzaUnavailable), not a failed record per file.
    Raises rapportkb.lock.KnowledgeBaseLocked if another writer holds the knowledge base.
    """
    if backend == "stanza":
        from nlp.stanza_backend import locate_models, stanza_version

        stanza_dir = locate_models(stanza_dir).root
        stanza_version()
    stanza_folder = str(stanza_dir) if backend == "stanza" and stanza_dir else None
    files = collect_files(paths)
    kb = KnowledgeBase(kb_dir)
    summary = AddSummary()
    with writer_lock(kb_dir):
        summary.repaired = kb.repair().notes()
        plan = plan_batch(files, kb.documents(), pipeline_version(), reprocess, retry_errors)
        summary.skipped, summary.outdated, summary.replaced = plan.skipped, plan.outdated, len(plan.replace)
        kb.forget(plan.replace)
        kb.forget_errors(plan.retry_ids, plan.retry_sources)
        tasks = [
            Task(
                str(path), source, report_date, reader, timeout, max_pages, explain_hyphens,
                backend, stanza_folder,
            )  # fmt: skip
            for path, source in plan.todo
        ]
        if workers is None:
            workers = os.cpu_count() or 1
        bar = tqdm(total=len(tasks), desc="adding reports", unit="file", disable=not progress)
        started = time.monotonic()
        try:
            outcomes = _outcomes(tasks, workers, max_memory, executor, scheduler, backend, stanza_folder)
            for _, (document, sections) in outcomes:
                kb.append(document, sections)
                _count(summary, document, sections)
                if explain_hyphens and "hyphen_decisions" in document:
                    breaks = [HyphenBreak(**decision) for decision in document["hyphen_decisions"]]
                    summary.hyphen_explanations.append((document["source"], explain(breaks)))
                bar.update(1)
                rate = summary.pages / max(time.monotonic() - started, 1e-6)
                bar.set_postfix_str(f"{rate:.1f} pages/s, {summary.failed} errors", refresh=False)
        finally:
            bar.close()
        if (tasks or plan.replace) and kb.sections_path.exists():
            # Still under the writer lock: the index follows the JSONL it was built from.
            update_index(kb_dir)
    return summary


def _count(summary: AddSummary, document: dict[str, Any], sections: list[dict[str, Any]]) -> None:
    summary.pages += document.get("pages") or 0
    if document["status"] == "ok":
        summary.added += 1
        summary.sections += len(sections)
    else:
        summary.failed += 1
        error = document["error"]
        summary.errors.append((document["source"], error["code"], error["message"]))
