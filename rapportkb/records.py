"""Knowledge-base records exactly as spec/SCHEMA.md fixes them (field names are a contract)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from nlp.mention import Mention
from nlp.sections import Section, compose_text
from rapportkb import SCHEMA_VERSION


def entity_record(mention: Mention, page: int, in_heading: bool = False) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": mention.type,
        "text": mention.text,
        "start": mention.start,
        "end": mention.end,
        "norm": mention.norm,
        "page": page,
        "source": mention.source,
    }
    if mention.id:
        record["id"] = mention.id
    if in_heading:
        record["in_heading"] = True
    return record


def section_record(
    doc_id: str,
    index: int,
    source: str,
    report: dict[str, Any],
    section: Section,
    heading_mentions: list[Mention],
    text_mentions: list[Mention],
) -> dict[str, Any]:
    """One section: its text, blocks with offsets into the text, and entities with page provenance."""
    text, spans = compose_text(section.blocks)
    blocks = []
    for block, (start, end) in zip(section.blocks, spans, strict=True):
        entry: dict[str, Any] = {
            "kind": block.kind,
            "text": block.text,
            "start": start,
            "end": end,
            "page": block.page,
        }
        if block.bbox is not None:
            entry["bbox"] = [round(value, 2) for value in block.bbox]
        blocks.append(entry)

    def page_at(offset: int) -> int:
        for block, (start, end) in zip(section.blocks, spans, strict=True):
            if start <= offset < end:
                return block.page
        return section.first_page

    entities = [entity_record(m, section.first_page, in_heading=True) for m in heading_mentions]
    entities += [entity_record(m, page_at(m.start)) for m in text_mentions]
    return {
        "schema": SCHEMA_VERSION,
        "id": f"{doc_id}:{index:04d}",
        "doc_id": doc_id,
        "source": source,
        "report": report,
        "path": section.path,
        "heading": section.heading,
        "level": section.level,
        "pages": [section.first_page, section.last_page],
        "text": text,
        "blocks": blocks,
        "entities": entities,
    }


def document_record(
    doc_id: str,
    source: str,
    pipeline: dict[str, str],
    *,
    status: str = "ok",
    error: dict[str, str] | None = None,
    pages: int = 0,
    sections: int = 0,
    report: dict[str, Any] | None = None,
    seconds: float = 0.0,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One input file's outcome; failed files get one too, so nothing is silently lost."""
    record: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "doc_id": doc_id,
        "source": source,
        "status": status,
        "error": error,
        "pages": pages,
        "sections": sections,
        "report": report or {"title": None, "publisher": None, "date": None, "period": None},
        "pipeline": pipeline,
        "processed_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seconds": round(seconds, 3),
    }
    record.update(extra or {})
    return record
