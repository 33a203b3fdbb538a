"""Checks a knowledge base against spec/SCHEMA.md and ANNOTATION.md: every field, offsets, norms.

Returns problems as readable strings instead of raising, so one run reports everything wrong.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from ingest.errors import ERROR_CODES
from rapportkb.store import DOCUMENTS, SECTIONS, read_records

ENTITY_TYPES = frozenset({"ORG", "LOC", "PER", "DATE", "COUNT", "MONEY", "EVENT"})
NAME_TYPES = frozenset({"ORG", "LOC", "PER", "EVENT"})
GRANULARITIES = frozenset({"day", "week", "month", "season", "quarter", "year"})
QUALIFIERS = frozenset({None, "approx", "min", "max"})
BLOCK_KINDS = frozenset({"paragraph", "bullet", "table"})
SOURCES = frozenset({"model", "gazetteer", "rule"})
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_REPORT_KEYS = ("title", "publisher", "date", "period")


def _iso(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def check_report(report: Any, where: str) -> list[str]:
    if not isinstance(report, dict) or any(key not in report for key in _REPORT_KEYS):
        return [f"{where}: report must hold {', '.join(_REPORT_KEYS)}"]
    problems = []
    if report["date"] is not None and not _iso(report["date"]):
        problems.append(f"{where}: report.date {report['date']!r} is not an ISO date")
    period = report["period"]
    if period is not None and not (
        isinstance(period, dict) and _iso(period.get("start")) and _iso(period.get("end"))
    ):
        problems.append(f"{where}: report.period must be null or {{start, end}} ISO dates")
    return problems


def check_norm(entity: dict[str, Any], where: str) -> list[str]:
    kind, norm = entity.get("type"), entity.get("norm")
    if kind in NAME_TYPES:
        return [] if isinstance(norm, str) and norm else [f"{where}: {kind} norm must be a non-empty string"]
    if kind == "DATE":
        ok = (
            isinstance(norm, dict)
            and _iso(norm.get("start"))
            and _iso(norm.get("end"))
            and norm["start"] <= norm["end"]
            and norm.get("granularity") in GRANULARITIES
        )
        return [] if ok else [f"{where}: DATE norm {norm!r} must be {{start <= end, granularity}}"]
    if kind == "COUNT":
        ok = (
            isinstance(norm, dict)
            and isinstance(norm.get("value"), int | float)
            and not isinstance(norm.get("value"), bool)
            and isinstance(norm.get("unit"), str)
            and norm["unit"]
            and norm.get("qualifier", "missing") in QUALIFIERS
        )
        return [] if ok else [f"{where}: COUNT norm {norm!r} must be {{value, unit, qualifier}}"]
    if kind == "MONEY":
        ok = (
            isinstance(norm, dict)
            and isinstance(norm.get("value"), int | float)
            and isinstance(norm.get("currency"), str)
        )
        return [] if ok else [f"{where}: MONEY norm {norm!r} must be {{value, currency}}"]
    return [f"{where}: unknown entity type {kind!r}"]


def check_section(record: dict[str, Any]) -> list[str]:
    where = f"section {record.get('id')}"
    problems: list[str] = []
    for key, kind in [
        ("schema", int),
        ("id", str),
        ("doc_id", str),
        ("source", str),
        ("report", dict),
        ("path", list),
        ("heading", str),
        ("level", int),
        ("pages", list),
        ("text", str),
        ("blocks", list),
        ("entities", list),
    ]:
        if not isinstance(record.get(key), kind):
            problems.append(f"{where}: field {key!r} missing or not {kind.__name__}")
    if problems:
        return problems
    if not _SHA256.match(record["doc_id"]):
        problems.append(f"{where}: doc_id is not a sha256 hex digest")
    if not re.fullmatch(re.escape(record["doc_id"]) + r":\d{4,}", record["id"]):
        problems.append(f"{where}: id must be <doc_id>:<index zero-padded to 4>")
    if record["level"] != len(record["path"]):
        problems.append(f"{where}: level {record['level']} != len(path) {len(record['path'])}")
    if record["path"] and record["path"][-1] != record["heading"]:
        problems.append(f"{where}: heading is not the last element of path")
    pages = record["pages"]
    if len(pages) != 2 or not all(isinstance(p, int) and p >= 1 for p in pages) or pages[0] > pages[1]:
        problems.append(f"{where}: pages {pages!r} must be [first, last], 1-based")
    problems += check_report(record["report"], where)
    text = record["text"]
    for block in record["blocks"]:
        if block.get("kind") not in BLOCK_KINDS:
            problems.append(f"{where}: block kind {block.get('kind')!r}")
        if text[block.get("start", 0) : block.get("end", 0)] != block.get("text"):
            problems.append(f"{where}: block offsets do not give the block text")
        if not isinstance(block.get("page"), int):
            problems.append(f"{where}: block without page")
    for index, entity in enumerate(record["entities"]):
        at = f"{where} entity {index}"
        if entity.get("type") not in ENTITY_TYPES:
            problems.append(f"{at}: type {entity.get('type')!r}")
            continue
        host = record["heading"] if entity.get("in_heading") else text
        start, end = entity.get("start"), entity.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and host[start:end] == entity.get("text")):
            problems.append(f"{at}: offsets do not give {entity.get('text')!r}")
        if not isinstance(entity.get("page"), int):
            problems.append(f"{at}: page missing")
        if entity.get("type") in NAME_TYPES and entity.get("source") not in SOURCES:
            problems.append(f"{at}: source {entity.get('source')!r}")
        problems += check_norm(entity, at)
    return problems


def check_document(record: dict[str, Any]) -> list[str]:
    where = f"document {record.get('source')}"
    problems: list[str] = []
    for key in (
        "schema",
        "doc_id",
        "source",
        "status",
        "error",
        "pages",
        "sections",
        "report",
        "pipeline",
        "processed_at",
        "seconds",
    ):
        if key not in record:
            problems.append(f"{where}: field {key!r} missing")
    if problems:
        return problems
    status, error = record["status"], record["error"]
    if status not in {"ok", "error", "skipped"}:
        problems.append(f"{where}: status {status!r}")
    if status == "error" and not (
        isinstance(error, dict) and error.get("code") in ERROR_CODES and error.get("message")
    ):
        problems.append(f"{where}: error record needs a known code and a message, got {error!r}")
    if status == "ok":
        if error is not None:
            problems.append(f"{where}: ok record with an error")
        if not _SHA256.match(record["doc_id"]):
            problems.append(f"{where}: doc_id is not a sha256 hex digest")
        problems += check_report(record["report"], where)
    pipeline = record["pipeline"]
    if not (isinstance(pipeline, dict) and pipeline.get("version") and pipeline.get("model")):
        problems.append(f"{where}: pipeline needs version and model")
    return problems


def check_knowledge_base(directory: Path) -> list[str]:
    """Every problem found in DIR/sections.jsonl and DIR/documents.jsonl, plus cross-file counts."""
    documents = list(read_records(directory / DOCUMENTS))
    sections = list(read_records(directory / SECTIONS))
    problems = [p for record in documents for p in check_document(record)]
    problems += [p for record in sections for p in check_section(record)]
    per_doc: dict[str, int] = {}
    for record in sections:
        per_doc[record.get("doc_id", "")] = per_doc.get(record.get("doc_id", ""), 0) + 1
    for record in documents:
        if record.get("status") == "ok" and per_doc.get(record["doc_id"], 0) != record.get("sections"):
            problems.append(
                f"document {record.get('source')}: says {record.get('sections')} sections, has "
                f"{per_doc.get(record['doc_id'], 0)}"
            )
    return problems
