"""The query commands (index, search, entities, compare, export, serve): thin wrappers over the library.

`rapportkb.cli` calls `register(commands)` with its subparsers; each command sets `run`, which
returns the exit status (0 ok, 2 the user must change something).
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import sys
import textwrap
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from rapportkb.index import KnowledgeBaseNotFound

ENTITY_TYPES = ("ORG", "LOC", "PER", "DATE", "COUNT", "MONEY", "EVENT")


def _utf8_stdout() -> None:
    # Swedish text must survive a console whose locale is not UTF-8 (å/ä/ö would raise or turn into ?).
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None and (sys.stdout.encoding or "").lower().replace("-", "") != "utf8":
        reconfigure(encoding="utf-8")


def _friendly(
    name: str,
) -> Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]:
    """Turn the errors a user can fix into one line on stderr and exit status 2, not a traceback."""

    def wrap(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        @functools.wraps(run)
        def wrapped(args: argparse.Namespace) -> int:
            from rapportkb.export import ExportError
            from rapportkb.serve import ServeError

            _utf8_stdout()
            try:
                return run(args)
            except (KnowledgeBaseNotFound, ValueError, ExportError, ServeError) as exc:
                print(f"rapportkb {name}: {exc}", file=sys.stderr)
                return 2

        return wrapped

    return wrap


def _write_jsonl(rows: Iterable[dict[str, Any]]) -> None:
    for row in rows:
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


def _write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)


def _table(columns: Sequence[str], rows: list[Sequence[Any]], right: frozenset[str] = frozenset()) -> str:
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if c in right else v.ljust(w) for v, w, c in zip(values, widths, columns, strict=True)
        ).rstrip()

    return "\n".join([line(columns), line(["-" * w for w in widths]), *(line(r) for r in cells)])


@_friendly("index")
def _cmd_index(args: argparse.Namespace) -> int:
    from rapportkb.index import build_index

    print(build_index(args.kb).line())
    return 0


@_friendly("search")
def _cmd_search(args: argparse.Namespace) -> int:
    from rapportkb.search import search

    result = search(
        args.kb,
        args.query,
        type=args.type,
        entity=args.entity,
        date_from=args.date_from,
        date_to=args.date_to,
        publisher=args.publisher,
        limit=args.limit,
        exact=args.exact,
    )
    if args.format == "jsonl":
        _write_jsonl(hit.to_dict() for hit in result.hits)
        return 0
    if args.format == "csv":
        _write_csv(
            ["id", "score", "report_date", "publisher", "source", "path", "heading", "pages", "snippet"],
            (
                [
                    h.record.get("id"),
                    h.score,
                    (h.record.get("report") or {}).get("date"),
                    (h.record.get("report") or {}).get("publisher"),
                    h.record.get("source"),
                    " > ".join(h.record.get("path") or []),
                    h.record.get("heading"),
                    "-".join(str(p) for p in h.record.get("pages") or []),
                    h.snippet,
                ]
                for h in result.hits
            ),
        )
        return 0
    what = f"for {args.query!r}" if args.query else "for the filters"
    print(f"{result.total} section{'s' if result.total != 1 else ''} {what} (showing {len(result.hits)})")
    for rank, hit in enumerate(result.hits, 1):
        record = hit.record
        report = record.get("report") or {}
        score = f"   score {hit.score:.2f}" if hit.score is not None else ""
        pages = record.get("pages") or []
        print(f"\n{rank:>3}. {record.get('heading') or '(before the first heading)'}{score}")
        if record.get("path"):
            print(f"     {' > '.join(record['path'])}")
        print(
            f"     {record.get('source')} · {report.get('date') or 'undated'} · "
            f"p. {'-'.join(str(p) for p in dict.fromkeys(pages))} · {record.get('id')}"
        )
        for piece in textwrap.wrap(hit.snippet, 100):
            print(f"     {piece}")
    if result.facets:
        print("\ntop entities among the hits (sections)")
        for type_, values in result.facets.items():
            print(f"  {type_:<6} " + ", ".join(f"{v.name} ({v.sections})" for v in values))
    return 0


@_friendly("entities")
def _cmd_entities(args: argparse.Namespace) -> int:
    from rapportkb.entities import entities

    rows = entities(args.kb, type=args.type, top=args.top or None)
    columns = ["type", "name", "mentions", "reports", "first_date", "last_date", "key"]
    if args.format == "jsonl":
        _write_jsonl(row.to_dict() for row in rows)
    elif args.format == "csv":
        _write_csv(columns, ([getattr(row, c) for c in columns] for row in rows))
    else:
        print(
            _table(
                columns[:-1],
                [[getattr(row, c) for c in columns[:-1]] for row in rows],
                frozenset({"mentions", "reports"}),
            )
        )
    return 0


def _period(value: str) -> tuple[str, str]:
    start, separator, end = value.partition("..")
    if not separator or not start or not end:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a period: write START..END, e.g. 2023-01-01..2023-04-30 or 2023-01..2023-04"
        )
    return start, end


@_friendly("compare")
def _cmd_compare(args: argparse.Namespace) -> int:
    from rapportkb.compare import compare, format_table, render_html

    if len(args.period) != 2:
        raise ValueError(
            f"give --period exactly twice (got {len(args.period)}), e.g. --period 2023-01..2023-04 "
            "--period 2023-05..2023-08"
        )
    result = compare(args.kb, args.period)
    if args.format == "html":
        text = render_html(result, top=args.top)
    elif args.format == "jsonl":
        text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in result.records())
    else:
        text = format_table(result, top=args.top)
    if args.out:
        args.out.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


@_friendly("export")
def _cmd_export(args: argparse.Namespace) -> int:
    from rapportkb.export import export

    for path in export(args.kb, args.format, args.out):
        print(path)
    return 0


@_friendly("serve")
def _cmd_serve(args: argparse.Namespace) -> int:
    from rapportkb.serve import serve

    return serve(args.kb, host=args.host, port=args.port)


def _kb_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--kb", type=Path, required=True, metavar="DIR", help="knowledge-base folder (holds sections.jsonl)"
    )


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the index, search, entities, compare, export and serve subcommands to the `rapportkb` parser."""
    index = commands.add_parser(
        "index",
        help="rebuild the search index of a knowledge base",
        description="Rebuild DIR/index.sqlite from sections.jsonl and documents.jsonl. Not needed in normal "
        "use: add updates the index and every query command rebuilds a stale one itself.",
    )
    _kb_option(index)
    index.set_defaults(run=_cmd_index)

    search = commands.add_parser(
        "search",
        help="full-text and entity search over sections",
        description='Search sections, best first (bm25). QUERY words must all occur; "quoted words" are a '
        "phrase; OR between words accepts either. Inflected forms and compounds are found (konsert finds "
        "konserterna and skolkonsert); å, ä and ö are never folded (Gallivare does not find Gällivare).",
    )
    search.add_argument(
        "query", nargs="?", metavar="QUERY", help="words to search for (optional with filters)"
    )
    _kb_option(search)
    search.add_argument(
        "--type",
        choices=ENTITY_TYPES,
        help="only sections with an entity of this type (with --entity: the entity must be of this type)",
    )
    search.add_argument(
        "--entity",
        action="append",
        metavar="TEXT",
        help="only sections that mention this "
        "entity (normal form or text, any case, or linked id); repeat to require several",
    )
    search.add_argument(
        "--from",
        dest="date_from",
        metavar="DATE",
        help="YYYY[-MM[-DD]]: report date or a mentioned DATE on or after this",
    )
    search.add_argument(
        "--to",
        dest="date_to",
        metavar="DATE",
        help="YYYY[-MM[-DD]]: report date or a mentioned DATE on or before this",
    )
    search.add_argument("--publisher", metavar="NAME", help="only reports by this publisher (any case)")
    search.add_argument("--limit", type=int, default=20, metavar="N", help="at most N hits (default 20)")
    search.add_argument(
        "--exact", action="store_true", help="match words exactly as typed: no inflection, no compounds"
    )
    search.add_argument(
        "--format",
        choices=["table", "jsonl", "csv"],
        default="table",
        help="table (with entity facets), jsonl (full section record + score + snippet) or csv",
    )
    search.set_defaults(run=_cmd_search)

    entities = commands.add_parser(
        "entities",
        help="list canonical entities with mention and report counts",
        description="Entities grouped by linked id, or by type and normal form where unlinked, with "
        "number of mentions, number of reports, and first and last report date; most mentioned first.",
    )
    _kb_option(entities)
    entities.add_argument("--type", choices=ENTITY_TYPES, help="only entities of this type")
    entities.add_argument("--top", type=int, default=50, metavar="N", help="the N most mentioned (0: all)")
    entities.add_argument(
        "--format", choices=["table", "jsonl", "csv"], default="table", help="output format"
    )
    entities.set_defaults(run=_cmd_entities)

    compare = commands.add_parser(
        "compare",
        help="compare two periods: entities new, gone, up and down; COUNT totals per unit",
        description="Compare the reports of two periods. A report belongs to the period holding the middle "
        "of the period it reports on (or its date). ORG, LOC, PER and EVENT entities are listed as new, "
        "gone, up or down; COUNT values are summed per unit.",
    )
    _kb_option(compare)
    compare.add_argument(
        "--period",
        type=_period,
        action="append",
        required=True,
        metavar="START..END",
        help="a period, e.g. 2023-01-01..2023-04-30 or 2023-01..2023-04; give it twice",
    )
    compare.add_argument(
        "--format",
        choices=["table", "jsonl", "html"],
        default="table",
        help="html: a self-contained report with charts that opens offline",
    )
    compare.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of standard output")
    compare.add_argument(
        "--top", type=int, default=15, metavar="N", help="entities shown per list (default 15)"
    )
    compare.set_defaults(run=_cmd_compare)

    export = commands.add_parser(
        "export",
        help="export sections, entities and documents as CSV or Parquet",
        description="Write sections, entities and documents tables to DIR (UTF-8 CSV with a header row, or "
        "Parquet, which needs pyarrow) for spreadsheets, pandas or DuckDB.",
    )
    _kb_option(export)
    export.add_argument(
        "--format", choices=["csv", "parquet"], default="csv", help="file format (default csv)"
    )
    export.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the three files")
    export.set_defaults(run=_cmd_export)

    serve = commands.add_parser(
        "serve",
        help="browse the knowledge base in Datasette (read-only; needs the serve extra)",
        description="Serve a read-only snapshot of the index with Datasette: entity facets (type, norm) on "
        "the entities table, full-text search on the sections table and a ranked `search` query. Shows the "
        'KB as it was at start: restart after add. Needs `pip install -e ".[serve]"`.',
    )
    _kb_option(serve)
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)"
    )
    serve.add_argument("--port", type=int, default=8001, help="TCP port (default 8001)")
    serve.set_defaults(run=_cmd_serve)
