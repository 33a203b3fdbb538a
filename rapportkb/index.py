"""The search index: SQLite with FTS5 at DIR/index.sqlite, derived from the two JSONL files.

The JSONL files are the record; this file can be deleted at any time and is rebuilt from them.
`add` calls `update_index` after it writes, and every reader calls `ensure_index`, which compares
the files' size and mtime with what was indexed, so a stale index is never served.

Incremental update relies on the store's append-only writes: the index remembers how many bytes
of sections.jsonl it has read and the SHA-256 of those bytes. If the file still starts with the
same bytes only the tail is indexed; otherwise (the store rewrote the file in `repair`/`forget`)
the index is rebuilt. Either way the tables hold the same rows in the same order, so answers after
an update and after a full rebuild are identical.

Tokenizer: `unicode61 remove_diacritics 0`, so å, ä and ö are letters of their own (Gällivare is
not Gallivare). Swedish inflection and compounds are handled on the query side (rapportkb/search.py):
each term is reduced with the Snowball Swedish stemmer and searched as a prefix, and the `terms`
table built here lets a term also match as the head of a compound (konsert -> skolkonserter).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapportkb.store import DOCUMENTS, SECTIONS

INDEX = "index.sqlite"
#: Bumped whenever the table layout changes, so an old index is rebuilt rather than misread.
INDEX_VERSION = "5"
TOKENIZER = "unicode61 remove_diacritics 0"

_SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE sections (
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, doc_id TEXT, source TEXT, title TEXT, publisher TEXT,
    publisher_fold TEXT, report_date TEXT, period_start TEXT, period_end TEXT, path TEXT, heading TEXT,
    level INTEGER, page_start INTEGER, page_end INTEGER, text TEXT, entity_count INTEGER, entity_tokens TEXT,
    line_start INTEGER, line_length INTEGER
);
CREATE VIRTUAL TABLE sections_fts USING fts5(
    heading, path, text, entity_tokens, content='sections', content_rowid='rowid', tokenize='{TOKENIZER}'
);
CREATE VIRTUAL TABLE sections_vocab USING fts5vocab(sections_fts, 'row');
CREATE TABLE entities (
    section INTEGER NOT NULL, section_id TEXT, doc_id TEXT, type TEXT, text TEXT, start INTEGER,
    "end" INTEGER, in_heading INTEGER, page INTEGER, source TEXT, entity_id TEXT, norm TEXT, key TEXT,
    name TEXT, norm_fold TEXT, text_fold TEXT, date_start TEXT, date_end TEXT, granularity TEXT,
    value REAL, unit TEXT, qualifier TEXT, currency TEXT, report_date TEXT
);
CREATE TABLE documents (
    doc_id TEXT, source TEXT, status TEXT, error_code TEXT, error_message TEXT, pages INTEGER,
    sections INTEGER, title TEXT, publisher TEXT, report_date TEXT, period_start TEXT, period_end TEXT,
    pipeline_version TEXT, model TEXT, processed_at TEXT, seconds REAL, record TEXT
);
CREATE TABLE terms (rowid INTEGER PRIMARY KEY, term TEXT, docs INTEGER);
CREATE VIRTUAL TABLE terms_trigram USING fts5(
    term, content='terms', content_rowid='rowid', tokenize='trigram'
);
-- Column weights for `ORDER BY rank` (heading, path, text, entity_tokens): a word in a heading says
-- more; entity tokens only filter. Same weights as RANK below.
INSERT INTO sections_fts(sections_fts, rank) VALUES ('rank', 'bm25(4.0, 2.0, 1.0, 0.0)');
"""
#: The ranking as an explicit call, for queries on sections_fts alone: `ORDER BY bm25(...)` gives the
#: same order as `ORDER BY rank` with the configured weights but is about 30% faster on large hit
#: sets (the configured rank is re-parsed per row).
RANK = "bm25(sections_fts, 4.0, 2.0, 1.0, 0.0)"

# Created after bulk loading: building an index once is much faster than maintaining it per row.
_INDEXES = """
CREATE INDEX IF NOT EXISTS sections_report_date ON sections(report_date);
CREATE INDEX IF NOT EXISTS entities_section ON entities(section);
CREATE INDEX IF NOT EXISTS entities_key ON entities(key);
-- None on norm_fold/text_fold: entity filters match hashed tokens in the FTS index (entity_token).
-- Covers `section` so the --from/--to filter never reads the table rows (twice as fast).
CREATE INDEX IF NOT EXISTS entities_date ON entities(date_start, date_end, section) WHERE type = 'DATE';
"""

SECTION_COLUMNS = (
    "rowid, id, doc_id, source, title, publisher, publisher_fold, report_date, period_start, period_end, "
    "path, heading, level, page_start, page_end, text, entity_count, entity_tokens, line_start, line_length"
)
ENTITY_COLUMNS = (
    'section, section_id, doc_id, type, text, start, "end", in_heading, page, source, entity_id, norm, key, '
    "name, norm_fold, text_fold, date_start, date_end, granularity, value, unit, qualifier, currency, "
    "report_date"
)
DOCUMENT_COLUMNS = (
    "doc_id, source, status, error_code, error_message, pages, sections, title, publisher, report_date, "
    "period_start, period_end, pipeline_version, model, processed_at, seconds, record"
)
PATH_SEPARATOR = " > "


class KnowledgeBaseNotFound(FileNotFoundError):
    """The folder holds no knowledge base; the message says how to make one."""

    def __init__(self, kb_dir: Path) -> None:
        super().__init__(
            f"no knowledge base at {kb_dir} (no {SECTIONS} there); create one with "
            f"`rapportkb add REPORTS --kb {kb_dir}` or pass the folder that holds {SECTIONS}"
        )


@dataclass
class IndexStats:
    """What an index build or update did, for the `index` command's one-line report."""

    sections: int
    entities: int
    documents: int
    seconds: float
    rebuilt: bool

    def line(self) -> str:
        how = "rebuilt" if self.rebuilt else "updated"
        return (
            f"index {how}: {self.sections} sections, {self.entities} entities, "
            f"{self.documents} documents ({self.seconds:.2f} s)"
        )


def index_path(kb_dir: Path) -> Path:
    return Path(kb_dir) / INDEX


def _require_kb(kb_dir: Path) -> None:
    if not (Path(kb_dir) / SECTIONS).is_file():
        raise KnowledgeBaseNotFound(Path(kb_dir))


def _fold(value: str | None) -> str | None:
    return value.casefold() if isinstance(value, str) else None


def _norm_string(norm: Any) -> str:
    if isinstance(norm, str):
        return norm
    return json.dumps(norm, ensure_ascii=False, sort_keys=True)


def entity_key(entity: dict[str, Any], norm_text: str | None = None) -> str:
    """Canonical identity: the linked id where there is one, else type and case-folded normal form.

    `norm_text` is the already serialised norm, passed by the index build to avoid encoding it twice.
    """
    if entity.get("id"):
        return str(entity["id"])
    if norm_text is None:
        norm = entity.get("norm")
        norm_text = _norm_string(norm) if norm is not None else str(entity.get("text"))
    return f"{entity.get('type')}:{norm_text.casefold()}"


def entity_token(value: str = "", type: str | None = None) -> str:
    """A full-text token standing for "mentions an entity called `value` (of `type`)".

    Entity filters then run inside the FTS5 match, intersected with the words and ranked by FTS5
    itself, instead of as a join over the entities table, which is several times slower on a large
    KB. A hash keeps multi-word names one token; 64 bits make a collision practically impossible.
    """
    digest = hashlib.blake2b(f"{type or ''}\x1f{value.casefold()}".encode(), digest_size=8).hexdigest()
    return "x" + digest


@functools.lru_cache(maxsize=1 << 16)
def _mention_tokens(type_: Any, norm: Any, text: Any, id_: Any) -> tuple[str, ...]:
    # Cached: names repeat across a knowledge base (Zipf), and hashing every mention anew was a
    # fifth of the index build time.
    tokens = [entity_token(type=type_)]
    for value in (norm, text, id_):
        if isinstance(value, str) and value:
            tokens += (entity_token(value), entity_token(value, type_))
    return tuple(tokens)


def _entity_tokens(entities: list[dict[str, Any]]) -> str:
    tokens: set[str] = set()
    for entity in entities:
        norm = entity.get("norm")
        name = norm if isinstance(norm, str) else None
        tokens.update(_mention_tokens(entity.get("type"), name, entity.get("text"), entity.get("id")))
    return " ".join(sorted(tokens))


def _entity_name(entity: dict[str, Any]) -> str:
    norm = entity.get("norm")
    return norm if isinstance(norm, str) and norm else str(entity.get("text", ""))


def _report_fields(report: Any) -> tuple[Any, Any, Any, Any, Any]:
    report = report if isinstance(report, dict) else {}
    period = report.get("period") if isinstance(report.get("period"), dict) else {}
    return (
        report.get("title"),
        report.get("publisher"),
        report.get("date"),
        period.get("start"),
        period.get("end"),
    )


def _section_rows(
    rowid: int, start: int, length: int, record: dict[str, Any]
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    title, publisher, report_date, period_start, period_end = _report_fields(record.get("report"))
    pages = record.get("pages") or [None, None]
    path = record.get("path") or []
    entities = [e for e in record.get("entities") or [] if isinstance(e, dict)]
    section = (
        rowid,
        record.get("id"),
        record.get("doc_id"),
        record.get("source"),
        title,
        publisher,
        _fold(publisher),
        report_date,
        period_start,
        period_end,
        PATH_SEPARATOR.join(map(str, path)),
        record.get("heading") or "",
        record.get("level"),
        pages[0],
        pages[-1],
        record.get("text") or "",
        len(entities),
        _entity_tokens(entities),
        start,
        length,
    )
    rows = []
    for entity in entities:
        norm = entity.get("norm")
        norm_dict = norm if isinstance(norm, dict) else {}
        value = norm_dict.get("value")
        norm_text = None if norm is None else _norm_string(norm)
        key = entity_key(entity, norm_text)
        rows.append(
            (
                rowid,
                record.get("id"),
                record.get("doc_id"),
                entity.get("type"),
                entity.get("text"),
                entity.get("start"),
                entity.get("end"),
                1 if entity.get("in_heading") else 0,
                entity.get("page"),
                entity.get("source"),
                entity.get("id"),
                norm_text,
                key,
                _entity_name(entity),
                _fold(norm) if isinstance(norm, str) else None,
                _fold(entity.get("text")),
                norm_dict.get("start"),
                norm_dict.get("end"),
                norm_dict.get("granularity"),
                value if isinstance(value, int | float) else None,
                norm_dict.get("unit"),
                norm_dict.get("qualifier"),
                norm_dict.get("currency"),
                report_date,
            )
        )
    return section, rows


def _document_row(record: dict[str, Any], line: str) -> tuple[Any, ...]:
    title, publisher, report_date, period_start, period_end = _report_fields(record.get("report"))
    error = record.get("error") if isinstance(record.get("error"), dict) else {}
    pipeline = record.get("pipeline") if isinstance(record.get("pipeline"), dict) else {}
    return (
        record.get("doc_id"),
        record.get("source"),
        record.get("status"),
        error.get("code"),
        error.get("message"),
        record.get("pages"),
        record.get("sections"),
        title,
        publisher,
        report_date,
        period_start,
        period_end,
        pipeline.get("version"),
        pipeline.get("model"),
        record.get("processed_at"),
        record.get("seconds"),
        line,
    )


def _complete_lines(path: Path, offset: int) -> Iterator[tuple[int, int, str]]:
    """(start, end offset, line) for each complete line after `offset`; a half-written last line waits."""
    if not path.exists():
        return
    with path.open("rb") as handle:
        handle.seek(offset)
        position = offset
        for raw in handle:
            if not raw.endswith(b"\n"):
                return
            position += len(raw)
            yield position - len(raw), position, raw.decode("utf-8", errors="replace").strip()


def _records(path: Path, offset: int) -> Iterator[tuple[int, int, str, dict[str, Any] | None]]:
    """(start, end offset, line, record) per complete line; record is None for a blank or damaged line.

    Same tolerance as store.read_records (skip_invalid): a damaged line is skipped, not fatal, but
    its bytes still count as read so it is not re-read on every update.
    """
    for start, end, line in _complete_lines(path, offset):
        try:
            record = json.loads(line) if line else None
        except ValueError:
            record = None
        yield start, end, line, record if isinstance(record, dict) else None


def _sha256_prefix(path: Path, length: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(1 << 20, remaining))
            if not chunk:
                break
            digest.update(chunk)
            remaining -= len(chunk)
    return digest.hexdigest()


def _file_state(path: Path) -> str:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return "missing"
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def _get_meta(connection: sqlite3.Connection) -> dict[str, str]:
    return dict(connection.execute("SELECT key, value FROM meta").fetchall())


def _set_meta(connection: sqlite3.Connection, values: dict[str, str]) -> None:
    connection.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", values.items())


def _load_sections(
    connection: sqlite3.Connection, path: Path, offset: int, next_rowid: int
) -> tuple[int, int, int]:
    """Index the sections after byte `offset`; returns (new offset, sections added, entities added)."""
    sections: list[tuple[Any, ...]] = []
    entities: list[tuple[Any, ...]] = []
    added = 0
    end = offset
    rowid = next_rowid
    first = next_rowid
    for line_start, line_end, _line, record in _records(path, offset):
        end = line_end
        if record is None:
            continue
        section, rows = _section_rows(rowid, line_start, line_end - line_start, record)
        sections.append(section)
        entities.extend(rows)
        rowid += 1
        added += 1
        if len(sections) >= 5000:
            _flush(connection, sections, entities)
    _flush(connection, sections, entities)
    if added:
        # Fill the full-text index from the content table in one statement: faster than per-row inserts.
        connection.execute(
            "INSERT INTO sections_fts(rowid, heading, path, text, entity_tokens) "
            "SELECT rowid, heading, path, text, entity_tokens FROM sections WHERE rowid >= ?",
            (first,),
        )
    entity_total = connection.execute(
        "SELECT count(*) FROM entities WHERE section >= ?", (first,)
    ).fetchone()[0]
    return end, added, entity_total


def _flush(
    connection: sqlite3.Connection, sections: list[tuple[Any, ...]], entities: list[tuple[Any, ...]]
) -> None:
    connection.executemany(
        f"INSERT INTO sections({SECTION_COLUMNS}) VALUES ({_marks(SECTION_COLUMNS)})", sections
    )
    connection.executemany(
        f"INSERT INTO entities({ENTITY_COLUMNS}) VALUES ({_marks(ENTITY_COLUMNS)})", entities
    )
    sections.clear()
    entities.clear()


def _marks(columns: str) -> str:
    return ", ".join("?" for _ in columns.split(","))


def _load_documents(connection: sqlite3.Connection, path: Path) -> int:
    # documents.jsonl is small and rewritten by forget_errors, so it is always reloaded whole.
    connection.execute("DELETE FROM documents")
    rows = [
        _document_row(record, line) for _start, _end, line, record in _records(path, 0) if record is not None
    ]
    connection.executemany(
        f"INSERT INTO documents({DOCUMENT_COLUMNS}) VALUES ({_marks(DOCUMENT_COLUMNS)})", rows
    )
    return len(rows)


def _refresh_terms(connection: sqlite3.Connection) -> None:
    connection.execute("DELETE FROM terms")
    connection.execute("INSERT INTO terms(term, docs) SELECT term, doc FROM sections_vocab")
    connection.execute("INSERT INTO terms_trigram(terms_trigram) VALUES ('rebuild')")


def _states(kb_dir: Path) -> dict[str, str]:
    # Taken before reading: if a writer appends meanwhile, the stored state is already old and the
    # next reader updates again, instead of trusting an index that missed the append.
    return {
        "sections_state": _file_state(kb_dir / SECTIONS),
        "documents_state": _file_state(kb_dir / DOCUMENTS),
    }


def _state(kb_dir: Path, states: dict[str, str], offset: int) -> dict[str, str]:
    sections = kb_dir / SECTIONS
    return {
        "version": INDEX_VERSION,
        **states,
        "sections_offset": str(offset),
        "sections_sha256": _sha256_prefix(sections, offset) if sections.exists() else "",
    }


def build_index(kb_dir: Path) -> IndexStats:
    """Rebuild DIR/index.sqlite from the JSONL files; readers keep the old one until it is whole."""
    kb_dir = Path(kb_dir)
    _require_kb(kb_dir)
    started = time.perf_counter()
    states = _states(kb_dir)
    target = index_path(kb_dir)
    temporary = target.with_name(f"{INDEX}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    connection = sqlite3.connect(temporary)
    try:
        # The file is private until renamed into place, so durability during the build buys nothing.
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        # The full-text insert re-reads the sections it just wrote: keep them in memory (up to 256 MB).
        connection.execute("PRAGMA cache_size = -262144")
        connection.execute("PRAGMA temp_store = MEMORY")
        connection.executescript(_SCHEMA)
        with connection:
            offset, sections, entities = _load_sections(connection, kb_dir / SECTIONS, 0, 1)
            documents = _load_documents(connection, kb_dir / DOCUMENTS)
            connection.executescript(_INDEXES)
            _refresh_terms(connection)
            _set_meta(connection, _state(kb_dir, states, offset))
        connection.execute("PRAGMA journal_mode = DELETE")
    finally:
        connection.close()
    os.replace(temporary, target)
    return IndexStats(sections, entities, documents, time.perf_counter() - started, rebuilt=True)


def update_index(kb_dir: Path) -> IndexStats:
    """Bring the index up to date: index only appended sections, or rebuild if the files were rewritten."""
    kb_dir = Path(kb_dir)
    _require_kb(kb_dir)
    target = index_path(kb_dir)
    if not target.exists():
        return build_index(kb_dir)
    started = time.perf_counter()
    states = _states(kb_dir)
    sections_path = kb_dir / SECTIONS
    try:
        connection = sqlite3.connect(target)
        meta = _get_meta(connection)
    except sqlite3.DatabaseError:
        return build_index(kb_dir)
    try:
        offset = int(meta.get("sections_offset", "-1"))
        size = sections_path.stat().st_size
        if (
            meta.get("version") != INDEX_VERSION
            or offset < 0
            or size < offset
            or _sha256_prefix(sections_path, offset) != meta.get("sections_sha256")
        ):
            connection.close()
            return build_index(kb_dir)
        with connection:
            next_rowid = connection.execute("SELECT coalesce(max(rowid), 0) + 1 FROM sections").fetchone()[0]
            offset, sections, entities = _load_sections(connection, sections_path, offset, next_rowid)
            documents = _load_documents(connection, kb_dir / DOCUMENTS)
            if sections:
                _refresh_terms(connection)
            _set_meta(connection, _state(kb_dir, states, offset))
    finally:
        connection.close()
    return IndexStats(sections, entities, documents, time.perf_counter() - started, rebuilt=False)


def is_fresh(kb_dir: Path) -> bool:
    """True when the index exists and was made from the JSONL files as they are now (size and mtime)."""
    kb_dir = Path(kb_dir)
    target = index_path(kb_dir)
    if not target.exists():
        return False
    try:
        connection = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
        try:
            meta = _get_meta(connection)
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return False
    return (
        meta.get("version") == INDEX_VERSION
        and meta.get("sections_state") == _file_state(kb_dir / SECTIONS)
        and meta.get("documents_state") == _file_state(kb_dir / DOCUMENTS)
    )


def ensure_index(kb_dir: Path) -> Path:
    """The path of an up-to-date index for `kb_dir`, updating or building it first when needed."""
    kb_dir = Path(kb_dir)
    _require_kb(kb_dir)
    if not is_fresh(kb_dir):
        update_index(kb_dir)
    return index_path(kb_dir)


def connect(kb_dir: Path) -> sqlite3.Connection:
    """A read-only connection to a fresh index, rows as sqlite3.Row."""
    path = ensure_index(kb_dir)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    return connection
