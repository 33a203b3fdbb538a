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

from rapportkb.index import RANK, build_index, connect, entity_token
from rapportkb.store import SECTIONS

MARK_START = "«"
MARK_END = "»"
#: Compound heads added per query word; the most frequent terms first, so rare noise is what is cut.
MAX_COMPOUNDS = 24
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
    # The trigram index finds candidate terms containing the stem quickly; instr keeps real compound heads.
    heads = [
        row[0]
        for row in connection.execute(
            "SELECT t.term FROM terms_trigram JOIN terms t ON t.rowid = terms_trigram.rowid "
            "WHERE terms_trigram MATCH ? AND instr(t.term, ?) > ? ORDER BY t.docs DESC, t.term LIMIT ?",
            (_quote(stem), stem, MIN_MODIFIER, MAX_COMPOUNDS),
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


def _entity_clauses(entity: list[str], type: str | None) -> list[str]:
    """FTS5 clauses on the entity_tokens column (see index.entity_token), one per required entity."""
    clauses = [f'entity_tokens : "{entity_token(text, type)}"' for text in entity]
    if type and not entity:
        clauses.append(f'entity_tokens : "{entity_token(type=type)}"')
    return clauses


def _filters(
    date_from: str | None, date_to: str | None, publisher: str | None
) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
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


_EXPRESSION_TERM = re.compile(r'"((?:[^"]|"")*)"(\s*\*)?')


def highlight(text: str, expression: str, tokens: int = 16) -> str | None:
    """The best window of `tokens` words of `text`, query words marked; None when no word matches.

    Done here rather than with FTS5's snippet(): that needs the full match per row, which costs a
    millisecond or more per hit on a large index, while the text is already at hand.
    """
    prefixes, exact = [], set()
    for term, star in _EXPRESSION_TERM.findall(expression):
        term = term.replace('""', '"')
        (prefixes.append(term) if star else exact.add(term))
    spans = [m.span() for m in _WORD.finditer(text)]
    hits = [
        (w := text[start:end].lower()) in exact or any(w.startswith(p) for p in prefixes)
        for start, end in spans
    ]
    if not any(hits):
        return None
    best = max(range(max(1, len(spans) - tokens + 1)), key=lambda i: (sum(hits[i : i + tokens]), -i))
    window = range(best, min(len(spans), best + tokens))
    pieces, cursor = [], spans[window[0]][0]
    for i in window:
        start, end = spans[i]
        pieces.append(text[cursor:start])
        pieces.append(f"{MARK_START}{text[start:end]}{MARK_END}" if hits[i] else text[start:end])
        cursor = end
    body = " ".join("".join(pieces).split())
    return ("…" if best > 0 else "") + body + ("…" if window[-1] < len(spans) - 1 else "")


def _facets(connection: sqlite3.Connection, rowids: list[int], per_type: int) -> dict[str, list[FacetValue]]:
    if not rowids:
        return {}
    rows = connection.execute(
        "SELECT type, key, min(name), count(DISTINCT section) AS n, count(*) AS m FROM entities "
        f"WHERE section IN ({','.join('?' * len(rowids))}) "
        "GROUP BY type, key ORDER BY type, n DESC, m DESC, key",
        rowids,
    ).fetchall()
    facets: dict[str, list[FacetValue]] = {}
    for type_, key, name, sections, mentions in rows:
        values = facets.setdefault(type_, [])
        if len(values) < per_type:
            values.append(FacetValue(type_, key, name, sections, mentions))
    return facets


def _read_records(kb_dir: Path, spans: list[tuple[str, int, int]]) -> list[dict[str, Any]]:
    """The section records at these byte spans of sections.jsonl, checked against the expected ids."""
    records = []
    with (kb_dir / SECTIONS).open("rb") as handle:
        for section_id, start, length in spans:
            handle.seek(start)
            record = json.loads(handle.read(length))
            if record.get("id") != section_id:
                raise _StaleIndex
            records.append(record)
    return records


class _StaleIndex(Exception):
    """sections.jsonl changed between the freshness check and reading the hits."""


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
    """Sections matching every given condition, best first, with entity facets over the hits returned.

    `entity` (one text or several, all required) matches an entity's normal form or text, ignoring
    case, or its linked id; `type` restricts it to one entity type (alone: sections with any entity
    of that type). `date_from`/`date_to` keep sections whose report date is in the range or which
    mention a DATE overlapping it. Without `query`, hits come newest report first.
    """
    kb_dir = Path(kb_dir)
    arguments = (query, type, _as_list(entity), date_from, date_to, publisher, limit, exact, facets_per_type)
    try:
        return _search(kb_dir, *arguments)
    except _StaleIndex:
        build_index(kb_dir)
        return _search(kb_dir, *arguments)


def _search(
    kb_dir: Path,
    query: str | None,
    type: str | None,
    entities_wanted: list[str],
    date_from: str | date | None,
    date_to: str | date | None,
    publisher: str | None,
    limit: int,
    exact: bool,
    facets_per_type: int,
) -> SearchResult:
    low = parse_date_bound(date_from) if date_from else None
    high = parse_date_bound(date_to, end=True) if date_to else None
    connection = connect(kb_dir)
    try:
        where, params = _filters(low, high, publisher)
        expression = fts_query(connection, query, exact) if query and query.strip() else None
        match = " AND ".join(
            f"({part})" for part in [expression, *_entity_clauses(entities_wanted, type)] if part
        )
        if match:
            if where or expression is None:
                source = "sections_fts f JOIN sections s ON s.rowid = f.rowid"
            else:
                source = "sections_fts f"
            where.insert(0, "sections_fts MATCH ?")
            params.insert(0, match)
        else:
            source = "sections s"
        if expression is None:
            columns, order = "s.rowid, NULL", "s.report_date DESC, s.rowid"
        elif source == "sections_fts f":
            # bm25 with the index's column weights, on the FTS table alone: much faster than a join.
            # (An auxiliary function cannot run under the window used below, hence rank there.)
            columns, order = f"f.rowid, -{RANK}", f"{RANK}, f.rowid"
        else:
            columns, order = "s.rowid, -f.rank", "f.rank, s.rowid"
        condition = " AND ".join(where) if where else "1"
        pure_fts = source == "sections_fts f"
        # Filtered queries count their matches in the same pass (a window), so the filters run once.
        counted = "" if pure_fts else ", count(*) OVER ()"
        ranked = connection.execute(
            f"SELECT {columns}{counted} FROM {source} WHERE {condition} ORDER BY {order} LIMIT ?",
            [*params, limit],
        ).fetchall()
        if not ranked:
            total = 0
        elif pure_fts:
            count_sql = f"SELECT count(*) FROM {source} WHERE {condition}"
            total = connection.execute(count_sql, params).fetchone()[0]
        else:
            total = ranked[0][2]
        top = [(row[0], row[1]) for row in ranked[:limit]]
        rowids = [rowid for rowid, _ in top]
        marks = ",".join("?" * len(rowids))
        info = {
            rowid: (section_id, start, length, text, heading)
            for rowid, section_id, start, length, text, heading in connection.execute(
                "SELECT rowid, id, line_start, line_length, text, heading FROM sections "
                f"WHERE rowid IN ({marks})",
                rowids,
            )
        }
        facets = _facets(connection, rowids, facets_per_type)
    finally:
        connection.close()
    records = _read_records(kb_dir, [info[rowid][:3] for rowid in rowids])
    hits = [
        Hit(
            record,
            None if score is None else round(score, 4),
            (expression and (highlight(info[rowid][3], expression) or highlight(info[rowid][4], expression)))
            or _plain_snippet(info[rowid][3], info[rowid][4]),
        )
        for (rowid, score), record in zip(top, records, strict=True)
    ]
    return SearchResult(hits, total, facets, expression)
