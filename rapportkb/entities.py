"""Canonical entities of a knowledge base: how often each is mentioned, in how many reports, and when."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rapportkb.index import connect


@dataclass
class EntitySummary:
    """One canonical entity (its linked id, else type and case-folded normal form) across the whole KB."""

    key: str
    type: str
    name: str
    mentions: int
    reports: int
    first_date: str | None
    last_date: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def entities(kb_dir: Path, type: str | None = None, top: int | None = 50) -> list[EntitySummary]:
    """The most mentioned entities (of one type, or all), most mentions first; `top=None` lists all.

    The name shown is the entity's most frequent written normal form, so case variants that the
    key merges still display as the reports spell them most often.
    """
    connection = connect(Path(kb_dir))
    try:
        where = "WHERE type = ?" if type else ""
        params: list[Any] = [type] if type else []
        limit = "LIMIT ?" if top is not None else ""
        if top is not None:
            params.append(top)
        rows = connection.execute(
            f"""
            WITH grouped AS (
                SELECT key, type, count(*) AS mentions, count(DISTINCT doc_id) AS reports,
                       min(report_date) AS first_date, max(report_date) AS last_date
                FROM entities {where} GROUP BY type, key
                ORDER BY mentions DESC, reports DESC, type, key {limit}
            ),
            names AS (
                SELECT e.type, e.key, e.name, count(*) AS n FROM entities e
                JOIN grouped g ON g.type = e.type AND g.key = e.key GROUP BY e.type, e.key, e.name
            )
            SELECT g.key, g.type,
                   (SELECT name FROM names n WHERE n.type = g.type AND n.key = g.key
                    ORDER BY n.n DESC, n.name LIMIT 1),
                   g.mentions, g.reports, g.first_date, g.last_date
            FROM grouped g ORDER BY g.mentions DESC, g.reports DESC, g.type, g.key
            """,
            params,
        ).fetchall()
    finally:
        connection.close()
    return [EntitySummary(*row) for row in rows]
