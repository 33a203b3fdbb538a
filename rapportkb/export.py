"""Export the knowledge base as flat tables (sections, entities, documents) for spreadsheets and dataframes.

The tables are the index's own (rapportkb/index.py), minus the stored JSON records: one row per
section, per entity mention and per input file, with nested fields spread into columns
(report.date -> report_date, norm.start -> date_start, norm.value -> value ...).
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rapportkb.index import connect

TABLES = ("sections", "entities", "documents")
#: Left out: the stored JSON record (the JSONL line again, already spread into columns), search helper
#: columns, and row numbers internal to the index (entities name their section by `section_id`).
_SKIP = {"record", "publisher_fold", "norm_fold", "text_fold", "rowid", "section"}


class ExportError(RuntimeError):
    """An export that cannot run here; the message says what to install or change."""


def _columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in connection.execute(f"PRAGMA table_info({table})") if row[1] not in _SKIP]


def export(kb_dir: Path, format: str = "csv", out_dir: Path = Path("export")) -> list[Path]:
    """Write sections, entities and documents as CSV (UTF-8, header row) or Parquet; returns the files."""
    if format not in ("csv", "parquet"):
        raise ValueError(f"unknown export format {format!r}: use csv or parquet")
    if format == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError as exc:
            raise ExportError(
                "Parquet export needs pyarrow, which is not installed: run `pip install pyarrow` "
                "(or export with --format csv)"
            ) from exc
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    connection = connect(Path(kb_dir))
    written = []
    try:
        for table in TABLES:
            columns = _columns(connection, table)
            quoted = ", ".join(f'"{c}"' for c in columns)
            # rowid order is the order of sections.jsonl, so exports are stable and diffable.
            cursor = connection.execute(f"SELECT {quoted} FROM {table} ORDER BY rowid")
            target = out_dir / f"{table}.{format}"
            if format == "csv":
                _write_csv(target, columns, cursor)
            else:
                _write_parquet(target, columns, cursor)
            written.append(target)
    finally:
        connection.close()
    return written


def _write_csv(target: Path, columns: list[str], rows: Iterable[Sequence[Any]]) -> None:
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)


def _write_parquet(target: Path, columns: list[str], rows: Iterable[Sequence[Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = [tuple(row) for row in rows]
    table = pa.table({name: [row[i] for row in data] for i, name in enumerate(columns)})
    pq.write_table(table, target)
