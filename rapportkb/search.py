"""Full-text and entity search over the index: bm25-ranked sections with snippets and entity facets.

Swedish inflection and compounds: the index keeps words as written (rapportkb/index.py); each
query word is reduced with the Snowball Swedish stemmer (implemented below, a dozen rules, so no
dependency) and searched as a prefix: `konserterna` -> `konsert*` finds konsert, konserter,
konsertserie. A prefix alone misses compounds whose head is the query word (skolkonsert,
informationsmöten), so the word is also matched against the index vocabulary for terms that
contain the stem after a modifier of three letters or more. Stemming the index instead would need
a custom FTS5 tokenizer (a C extension) or a second, stemmed copy of every text; stemming only the
query costs nothing at build time and leaves snippets and phrase offsets on the words as written.
`exact=True` turns all of this off. Diacritics are never folded: `Gallivare` does not find Gällivare.
"""

from __future__ import annotations

import calendar
import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rapportkb.index import connect

MARK_START = "«"
MARK_END = "»"
#: Column weights for bm25 (heading, path, text): a word in a heading says more than one in the body.
WEIGHTS = (4.0, 2.0, 1.0)
#: Compound heads added per query word; the most frequent terms first, so rare noise is what is cut.
MAX_COMPOUNDS = 48
#: A compound modifier is at least this long (skol-konsert), so `bemöta` is not a compound of `möt`.
MIN_MODIFIER = 3
FACETS_PER_TYPE = 5

_VOWELS = set("aeiouyäåö")
_S_ENDING = set("bcdfghjklmnoprtvy")
# Step 1 suffixes, longest first so the longest match wins as the algorithm requires.
_STEP1 = sorted(
    ["a", "arna", "erna", "heterna", "orna", "ad", "e", "ade", "ande", "arne", "are", "aste", "en", "anden"]
    + ["aren", "heten", "ern", "ar", "er", "heter", "or", "as", "arnas", "ernas", "ornas", "es", "ades"]
    + ["andes", "ens", "arens", "hetens", "erns", "at", "andet", "het", "ast"],
    key=len,
    reverse=True,
)
_STEP2 = ("dd", "gd", "nn", "dt", "gt", "kt", "tt")
_WORD = re.compile(r"[^\W_]+")
_QUERY_PART = re.compile(r'"([^"]*)"|(\S+)')


def swedish_stem(word: str) -> str:
    """The Snowball Swedish stem of a lower-case word (snowballstem.org/algorithms/swedish)."""
    r1 = len(word)
    for i in range(1, len(word)):
        if word[i] not in _VOWELS and word[i - 1] in _VOWELS:
            r1 = max(i + 1, 3)
            break
    for suffix in _STEP1:
        if word.endswith(suffix) and len(word) - len(suffix) >= r1:
            word = word[: -len(suffix)]
            break
    else:
        if word.endswith("s") and len(word) - 1 >= r1 and len(word) > 1 and word[-2] in _S_ENDING:
            word = word[:-1]
    if any(word.endswith(s) and len(word) - 2 >= r1 for s in _STEP2):
        word = word[:-1]
    for suffix, replacement in (("fullt", "full"), ("löst", "lös"), ("lig", ""), ("els", ""), ("ig", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= r1:
            word = word[: -len(suffix)] + replacement
            break
    return word


def words(text: str) -> list[str]:
    """Lower-cased words as the index's unicode61 tokenizer sees them (letters and digits)."""
    return [w.lower() for w in _WORD.findall(text)]


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _term_stem(word: str) -> str | None:
    """The prefix to search for a word, or None when the word must match exactly (short, numbers)."""
    if len(word) < 3 or word.isdigit():
        return None
    stem = swedish_stem(word)
    return stem if len(stem) >= 3 else word


def _word_expression(connection: sqlite3.Connection, word: str, exact: bool) -> str:
    stem = None if exact else _term_stem(word)
    if stem is None:
        return _quote(word)
    heads = [
        row[0]
        for row in connection.execute(
            "SELECT term FROM terms WHERE instr(term, ?) > ? ORDER BY docs DESC, term LIMIT ?",
            (stem, MIN_MODIFIER, MAX_COMPOUNDS),
        )
    ]
    alternatives = [f"{_quote(stem)} *"] + [_quote(term) for term in heads]
    return alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"


def _phrase_expression(phrase_words: list[str], exact: bool) -> str:
    parts = []
    for word in phrase_words:
        stem = None if exact else _term_stem(word)
        parts.append(_quote(word) if stem is None else f"{_quote(stem)} *")
    return " + ".join(parts)


def fts_query(connection: sqlite3.Connection, query: str, exact: bool = False) -> str:
    """Translate a user query (words, "quoted phrases", OR) into an FTS5 expression; all parts must match."""
    clauses: list[str] = []
    pending_or = False
    for phrase, bare in _QUERY_PART.findall(query):
        if bare == "OR" and clauses:
            pending_or = True
            continue
        parts = words(phrase) if phrase else words(bare)
        if not parts:
            continue
        if phrase or len(parts) > 1:
            # Words joined by punctuation (Norr-Botten, 1:1) are a phrase, as the tokenizer splits them.
            expression = _phrase_expression(parts, exact)
        else:
            expression = _word_expression(connection, parts[0], exact)
        if pending_or:
            clauses[-1] = f"{clauses[-1]} OR {expression}"
            pending_or = False
        else:
            clauses.append(expression)
    if not clauses:
        raise ValueError(f"the query {query!r} has no words to search for")
    return " AND ".join(f"({clause})" for clause in clauses)


def parse_date_bound(value: str | date, end: bool = False) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD as an ISO date; a partial date means its first or (end) last day."""
    if isinstance(value, date):
        return value.isoformat()
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            return f"{text}-12-31" if end else f"{text}-01-01"
        if re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = int(text[:4]), int(text[5:])
            last = calendar.monthrange(year, month)[1]
            return date(year, month, last if end else 1).isoformat()
        return date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD") from exc


@dataclass
class Hit:
    """One matching section: the full record as stored, its bm25 score (higher is better) and a snippet."""

    record: dict[str, Any]
    score: float | None
    snippet: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.record, "score": self.score, "snippet": self.snippet}


@dataclass
class FacetValue:
    type: str
    key: str
    name: str
    sections: int
    mentions: int


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    expression: str | None = None


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [v for v in value if v]


def _filters(
    entity: list[str],
    type: str | None,
    date_from: str | None,
    date_to: str | None,
    publisher: str | None,
) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    type_clause = " AND type = ?" if type else ""
    for text in entity:
        where.append(
            "s.rowid IN (SELECT section FROM entities WHERE "
            f"(norm_fold = ? OR text_fold = ? OR entity_id = ?){type_clause})"
        )
        params += [text.casefold(), text.casefold(), text] + ([type] if type else [])
    if type and not entity:
        where.append("s.rowid IN (SELECT section FROM entities WHERE type = ?)")
        params.append(type)
    if date_from or date_to:
        low = date_from or "0000-01-01"
        high = date_to or "9999-12-31"
        # A section is in the range if its report is dated in it or it speaks of a time overlapping it.
        where.append(
            "(s.report_date BETWEEN ? AND ? OR s.rowid IN (SELECT section FROM entities "
            "WHERE type = 'DATE' AND date_start <= ? AND date_end >= ?))"
        )
        params += [low, high, high, low]
    if publisher:
        where.append("s.publisher_fold = ?")
        params.append(publisher.casefold())
    return where, params


def _plain_snippet(text: str, heading: str, width: int = 160) -> str:
    body = " ".join((text or heading or "").split())
    return body if len(body) <= width else body[: width - 1].rstrip() + "…"


def _facets(
    connection: sqlite3.Connection, matching_sql: str, params: list[Any], per_type: int
) -> dict[str, list[FacetValue]]:
    rows = connection.execute(
        "SELECT type, key, min(name), count(DISTINCT section) AS n, count(*) AS m FROM entities "
        f"WHERE section IN ({matching_sql}) GROUP BY type, key ORDER BY type, n DESC, m DESC, key",
        params,
    ).fetchall()
    facets: dict[str, list[FacetValue]] = {}
    for type_, key, name, sections, mentions in rows:
        values = facets.setdefault(type_, [])
        if len(values) < per_type:
            values.append(FacetValue(type_, key, name, sections, mentions))
    return facets


def search(
    kb_dir: Path,
    query: str | None = None,
    type: str | None = None,
    entity: str | Iterable[str] | None = None,
    date_from: str | date | None = None,
    date_to: str | date | None = None,
    publisher: str | None = None,
    limit: int = 20,
    exact: bool = False,
    facets_per_type: int = FACETS_PER_TYPE,
) -> SearchResult:
    """Sections matching every given condition, best first; facets summarise all matching sections.

    `entity` (one text or several, all required) matches an entity's normal form or text, ignoring
    case, or its linked id; `type` restricts it to one entity type (alone: sections with any entity
    of that type). `date_from`/`date_to` keep sections whose report date is in the range or which
    mention a DATE overlapping it. Without `query`, hits come newest report first.
    """
    entities_wanted = _as_list(entity)
    low = parse_date_bound(date_from) if date_from else None
    high = parse_date_bound(date_to, end=True) if date_to else None
    connection = connect(Path(kb_dir))
    try:
        where, params = _filters(entities_wanted, type, low, high, publisher)
        expression = None
        if query and query.strip():
            expression = fts_query(connection, query, exact)
            source = "sections_fts JOIN sections s ON s.rowid = sections_fts.rowid"
            where.insert(0, "sections_fts MATCH ?")
            params.insert(0, expression)
            bm25 = f"bm25(sections_fts, {', '.join(map(str, WEIGHTS))})"
            columns = (
                f"s.record, -{bm25}, snippet(sections_fts, -1, '{MARK_START}', '{MARK_END}', '…', 16), "
                "s.text, s.heading"
            )
            order = f"{bm25}, s.rowid"
        else:
            source = "sections s"
            columns = "s.record, NULL, NULL, s.text, s.heading"
            order = "s.report_date DESC, s.rowid"
        condition = " AND ".join(where) if where else "1"
        rows = connection.execute(
            f"SELECT {columns} FROM {source} WHERE {condition} ORDER BY {order} LIMIT ?", [*params, limit]
        ).fetchall()
        matching = f"SELECT s.rowid FROM {source} WHERE {condition}"
        total = connection.execute(f"SELECT count(*) FROM ({matching})", params).fetchone()[0]
        facets = _facets(connection, matching, params, facets_per_type) if total else {}
    finally:
        connection.close()
    hits = [
        Hit(
            json.loads(record),
            None if score is None else round(score, 4),
            snippet or _plain_snippet(text, heading),
        )
        for record, score, snippet, text, heading in rows
    ]
    return SearchResult(hits, total, facets, expression)
