"""The knowledge-base folder: two JSON Lines files that are the record (spec/SCHEMA.md).

A document's sections are written before its document record, so a document record with status
"ok" is the mark that its sections are complete; sections without such a record (a crash
between the two writes) are dropped by `repair`, which `add` runs before it writes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import jsonlines

SECTIONS = "sections.jsonl"
DOCUMENTS = "documents.jsonl"


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        return
    with jsonlines.open(path) as reader:
        yield from reader.iter(type=dict, skip_invalid=True)


def _rewrite(path: Path, records: Iterable[dict[str, Any]]) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    with jsonlines.open(temporary, mode="w") as writer:
        writer.write_all(records)
    os.replace(temporary, path)


class KnowledgeBase:
    """Appends records and knows which files (by content hash and pipeline version) are already in."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.sections_path = directory / SECTIONS
        self.documents_path = directory / DOCUMENTS

    def documents(self) -> list[dict[str, Any]]:
        return list(read_records(self.documents_path))

    def sections(self) -> Iterator[dict[str, Any]]:
        return read_records(self.sections_path)

    def done(self) -> set[tuple[str, str]]:
        """(doc_id, pipeline version) of every file already added successfully."""
        return {
            (record["doc_id"], record.get("pipeline", {}).get("version", ""))
            for record in self.documents()
            if record.get("status") == "ok"
        }

    def repair(self) -> int:
        """Drop sections whose document has no "ok" record (left by a crash mid-write); returns how many."""
        complete = {doc_id for doc_id, _ in self.done()}
        sections = list(self.sections())
        kept = [record for record in sections if record.get("doc_id") in complete]
        if len(kept) != len(sections):
            _rewrite(self.sections_path, kept)
        return len(sections) - len(kept)

    def forget(self, doc_ids: set[str]) -> None:
        """Remove every record of these documents (before re-adding them with a newer pipeline)."""
        if not doc_ids:
            return
        _rewrite(self.sections_path, (r for r in list(self.sections()) if r.get("doc_id") not in doc_ids))
        _rewrite(self.documents_path, (r for r in self.documents() if r.get("doc_id") not in doc_ids))

    def forget_errors(self, sources: set[str]) -> None:
        """Drop earlier error records of files that are being retried, so each file has one outcome."""
        documents = self.documents()
        kept = [r for r in documents if r.get("status") == "ok" or r.get("source") not in sources]
        if len(kept) != len(documents):
            _rewrite(self.documents_path, kept)

    def append(self, document: dict[str, Any], sections: list[dict[str, Any]]) -> None:
        with jsonlines.open(self.sections_path, mode="a") as writer:
            writer.write_all(sections)
        with jsonlines.open(self.documents_path, mode="a") as writer:
            writer.write(document)
