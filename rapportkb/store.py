"""The knowledge-base folder: two JSON Lines files that are the record (spec/SCHEMA.md).

Crash safety rests on three rules, so that kill -9 or a power cut at any moment loses or duplicates
nothing:

- a document's sections go to sections.jsonl as one append, flushed and fsynced, and only then its
  document record goes to documents.jsonl the same way: the document record is the commit marker;
- only one writer at a time (rapportkb.lock), so uncommitted sections can only sit at the end of
  sections.jsonl, and `repair` finds them by reading the file backwards, never the whole file;
- the rare whole-file rewrites (replacing records of an older pipeline) go through a temporary file
  and an atomic rename, and a journal names the documents being removed so a crash half-way is
  finished by the next `repair`.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonlines

SECTIONS = "sections.jsonl"
DOCUMENTS = "documents.jsonl"
FORGET_JOURNAL = "forget.journal.json"

_CHUNK = 1 << 16


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        return
    with jsonlines.open(path) as reader:
        yield from reader.iter(type=dict, skip_invalid=True)


def encode_records(records: Iterable[dict[str, Any]]) -> bytes:
    """Records as JSON Lines bytes, exactly as the `jsonlines` package writes them (UTF-8, å kept)."""
    buffer = io.StringIO()
    with jsonlines.Writer(buffer) as writer:
        writer.write_all(records)
    return buffer.getvalue().encode("utf-8")


def _fsync_directory(directory: Path) -> None:
    # A rename or a new file is only durable once its directory entry is.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def append_durably(path: Path, data: bytes) -> None:
    """One append of `data`, fsynced before returning; O_APPEND keeps it at the end of the file."""
    if not data:
        return
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        _fsync_directory(path.parent)


def truncate_torn_line(path: Path) -> int:
    """Cut a last line that has no newline (a write cut short by a crash); returns bytes removed."""
    if not path.exists():
        return 0
    with path.open("r+b") as handle:
        size = handle.seek(0, os.SEEK_END)
        if size == 0:
            return 0
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return 0
        end = size
        keep = 0
        while end > 0:
            start = max(0, end - _CHUNK)
            handle.seek(start)
            newline = handle.read(end - start).rfind(b"\n")
            if newline >= 0:
                keep = start + newline + 1
                break
            end = start
        handle.truncate(keep)
        handle.flush()
        os.fsync(handle.fileno())
    return size - keep


def lines_backwards(path: Path) -> Iterator[tuple[int, bytes]]:
    """(offset, line) from the last line to the first, reading only as much of the file as is used."""
    with path.open("rb") as handle:
        end = handle.seek(0, os.SEEK_END)
        tail = b""
        while end > 0:
            start = max(0, end - _CHUNK)
            handle.seek(start)
            tail = handle.read(end - start) + tail
            end = start
            parts = tail.split(b"\n")
            # parts[0] may be the end of a line that started before `start`: keep it for the next chunk.
            offset = start + len(parts[0]) + 1
            complete = []
            for part in parts[1:]:
                complete.append((offset, part))
                offset += len(part) + 1
            for line_offset, line in reversed(complete):
                if line:
                    yield line_offset, line
            tail = parts[0]
        if tail:
            yield 0, tail


def _doc_id_of(line: bytes) -> str | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record.get("doc_id") if isinstance(record, dict) else None


def _rewrite_dropping(path: Path, doomed: Callable[[dict[str, Any]], bool]) -> int:
    """Rewrite `path` without the records `doomed` picks (streamed; kept lines stay byte for byte)."""
    if not path.exists():
        return 0
    temporary = path.with_suffix(path.suffix + ".tmp")
    dropped = 0
    with path.open("rb") as source, temporary.open("wb") as target:
        for line in source:
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if isinstance(record, dict) and doomed(record):
                dropped += 1
                continue
            target.write(line)
        target.flush()
        os.fsync(target.fileno())
    os.replace(temporary, path)
    _fsync_directory(path.parent)
    return dropped


@dataclass
class Repair:
    """What `repair` had to fix; all zero for a knowledge base that was closed cleanly."""

    torn_bytes: dict[str, int] = field(default_factory=dict)
    orphan_sections: int = 0
    finished_forget: int = 0

    def notes(self) -> list[str]:
        notes = [f"{name}: removed a torn last line ({size} bytes)" for name, size in self.torn_bytes.items()]
        if self.orphan_sections:
            notes.append(f"{SECTIONS}: removed {self.orphan_sections} section(s) of an unfinished document")
        if self.finished_forget:
            notes.append(f"finished removing {self.finished_forget} replaced document(s)")
        return notes


class KnowledgeBase:
    """Appends records durably and knows which files (content hash, pipeline version) are in."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.sections_path = directory / SECTIONS
        self.documents_path = directory / DOCUMENTS
        self.journal_path = directory / FORGET_JOURNAL

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

    def repair(self) -> Repair:
        """Undo what a crash left: a half-done removal, torn last lines, sections without their document.

        Cheap on a large knowledge base: documents.jsonl is read once, sections.jsonl only from its end
        back to the last committed document.
        """
        report = Repair()
        if self.journal_path.exists():
            report.finished_forget = len(self._finish_forget())
        for path in (self.sections_path, self.documents_path):
            removed = truncate_torn_line(path)
            if removed:
                report.torn_bytes[path.name] = removed
        report.orphan_sections = self._drop_uncommitted_tail()
        return report

    def _drop_uncommitted_tail(self) -> int:
        if not self.sections_path.exists():
            return 0
        committed = {doc_id for doc_id, _ in self.done()}
        keep_until = None
        dropped = 0
        for offset, line in lines_backwards(self.sections_path):
            doc_id = _doc_id_of(line)
            if doc_id is None or doc_id in committed:
                break
            keep_until = offset
            dropped += 1
        if keep_until is not None:
            with self.sections_path.open("r+b") as handle:
                handle.truncate(keep_until)
                os.fsync(handle.fileno())
        return dropped

    def forget(self, doc_ids: set[str]) -> None:
        """Remove every record of these documents (before re-adding them with a newer pipeline).

        Commit markers go first, then sections; the journal lets `repair` finish the job after a crash.
        """
        if not doc_ids:
            return
        append_durably(self.journal_path, json.dumps(sorted(doc_ids)).encode("ascii"))
        self._finish_forget()

    def _finish_forget(self) -> set[str]:
        try:
            doc_ids = set(json.loads(self.journal_path.read_bytes()))
        except ValueError:
            # The journal itself was torn: nothing was removed yet, so there is nothing to finish.
            doc_ids = set()
        if doc_ids:
            _rewrite_dropping(self.documents_path, lambda record: record.get("doc_id") in doc_ids)
            _rewrite_dropping(self.sections_path, lambda record: record.get("doc_id") in doc_ids)
        self.journal_path.unlink()
        _fsync_directory(self.directory)
        return doc_ids

    def forget_errors(self, doc_ids: set[str], sources: set[str] | None = None) -> None:
        """Drop earlier error records of files being retried, so each file keeps one outcome.

        Error records have no sections, so one atomic rewrite of documents.jsonl is enough.
        """
        sources = sources or set()

        def doomed(record: dict[str, Any]) -> bool:
            return record.get("status") != "ok" and (
                record.get("doc_id") in doc_ids or record.get("source") in sources
            )

        if any(doomed(record) for record in self.documents()):
            _rewrite_dropping(self.documents_path, doomed)

    def append(self, document: dict[str, Any], sections: list[dict[str, Any]]) -> None:
        """Sections first, then the document record that commits them; each one durable append."""
        append_durably(self.sections_path, encode_records(sections))
        append_durably(self.documents_path, encode_records([document]))
