"""`add`: files and folders into a knowledge base, one outcome record per file, the batch never stops."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tqdm import tqdm

from ingest.read import SUPPORTED_SUFFIXES
from nlp.pipeline import build_pipeline
from rapportkb.process import file_digest, pipeline_info, process_file
from rapportkb.store import KnowledgeBase


@dataclass
class AddSummary:
    added: int = 0
    skipped: int = 0
    failed: int = 0
    sections: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.added} added, {self.skipped} already in the knowledge base, {self.failed} failed; "
            f"{self.sections} sections written"
        )


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


def add(
    paths: Iterable[Path],
    kb_dir: Path,
    report_date: date | None = None,
    progress: bool = True,
) -> AddSummary:
    """Add reports to the knowledge base in `kb_dir`; a file already added by this version is skipped."""
    files = collect_files(paths)
    kb = KnowledgeBase(kb_dir)
    kb.repair()
    tagger = build_pipeline()
    version = pipeline_info(tagger)["version"]
    done = kb.done()
    summary = AddSummary()
    stale: set[str] = set()
    todo: list[tuple[Path, str]] = []
    seen: set[str] = set()
    for path, source in files:
        try:
            digest = file_digest(path) if path.is_file() else ""
        except OSError:
            digest = ""
        if (digest, version) in done or (digest and digest in seen):
            summary.skipped += 1
            continue
        seen.add(digest)
        if any(doc_id == digest for doc_id, _ in done):
            stale.add(digest)
        todo.append((path, source))
    kb.forget(stale)
    kb.forget_errors({source for _, source in todo})
    for path, source in tqdm(todo, desc="adding reports", unit="file", disable=not progress):
        processed = process_file(path, source, tagger, report_date)
        kb.append(processed.document, processed.sections)
        if processed.document["status"] == "ok":
            summary.added += 1
            summary.sections += len(processed.sections)
        else:
            summary.failed += 1
            error = processed.document["error"]
            summary.errors.append((source, error["code"], error["message"]))
    return summary
