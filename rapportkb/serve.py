"""Browse the index in Datasette: read-only, on loopback, with entity facets and full-text search set up.

Datasette is an optional extra (`pip install -e ".[serve]"`), imported only here. It is given a
snapshot of DIR/index.sqlite (SQLite's backup API, into a temporary folder removed on exit) opened
in immutable mode (`-i`): immutable tells SQLite the file never changes, so it reads without locks,
and that promise would be broken by `add` updating the live index in place while the server runs.
The snapshot also means the server shows the knowledge base as it was at start: restart after `add`.

Search comes two ways: the sections table is tied to its FTS5 table (`fts_table`/`fts_pk`), so its
page has Datasette's own search box (words as typed: Gällivare, not Gallivare, no stemming), and the
canned query `search` takes FTS5 syntax (`konsert*`, `"Region Norrbotten"`, `Kiruna OR Gällivare`)
and returns bm25-ranked hits with a highlighted snippet.
"""

from __future__ import annotations

import ipaddress
import json
import signal
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from rapportkb.index import ensure_index

#: The database's name in Datasette URLs (/rapportkb/entities): the snapshot file is named after it.
DATABASE = "rapportkb"
INSTALL_HINT = 'pip install -e ".[serve]"'

SEARCH_SQL = """select s.rowid, s.heading, s.path, s.report_date, s.source, s.page_start, s.page_end,
  snippet(sections_fts, 2, '«', '»', '…', 16) as snippet, s.id
from sections_fts join sections s on s.rowid = sections_fts.rowid
where sections_fts match :q
order by sections_fts.rank
limit 100"""


class ServeError(RuntimeError):
    """The server cannot start here; the message says what to install or change."""


def _require_datasette() -> Any:
    try:
        from datasette import cli
    except ImportError as exc:
        raise ServeError(
            f"`rapportkb serve` needs Datasette, which is not installed: run `{INSTALL_HINT}` "
            "in the project folder (or `pip install 'datasette>=0.64,<1.0'`)"
        ) from exc
    return cli


def metadata(kb_dir: Path) -> dict[str, Any]:
    """Datasette metadata: search on sections, facets on entities, index internals hidden."""
    return {
        "title": f"rapportkb: {Path(kb_dir).resolve().name}",
        "description": "Sections and entities of the knowledge base (read-only snapshot of index.sqlite). "
        "Search sections with the box on the sections table (words as written) or the `search` query "
        '(FTS5 syntax: konsert*, "Region Norrbotten", Kiruna OR Gällivare).',
        "databases": {
            DATABASE: {
                "tables": {
                    "sections": {
                        "fts_table": "sections_fts",
                        "fts_pk": "rowid",
                        "label_column": "heading",
                        "facets": ["publisher", "report_date"],
                        "columns": {
                            "text": "section text, de-hyphenated",
                            "path": "headings from the top down to this section, joined by ' > '",
                            "entity_tokens": "search-internal: hashed entity names for entity filters",
                            "line_start": "byte offset of the record in sections.jsonl",
                        },
                    },
                    "entities": {
                        "facets": ["type", "norm"],
                        "label_column": "text",
                        "columns": {
                            "norm": "normal form: a name, or JSON for DATE/COUNT/MONEY values",
                            "key": "canonical identity: linked id, else TYPE:normal form",
                            "section": "rowid of the section in the sections table",
                        },
                    },
                    "documents": {"facets": ["status", "publisher"], "label_column": "source"},
                    "meta": {"hidden": True},
                    "terms": {"hidden": True},
                    "terms_trigram": {"hidden": True},
                    "sections_vocab": {"hidden": True},
                },
                "queries": {
                    "search": {
                        "title": "Search sections (FTS5, ranked)",
                        "description": 'Words must all occur; konsert* is a prefix, "..." a phrase, OR '
                        "either. å, ä and ö are letters of their own.",
                        "sql": SEARCH_SQL,
                    }
                },
            }
        },
    }


def snapshot(kb_dir: Path, target: Path) -> Path:
    """Copy an up-to-date index to `target` with SQLite's backup API (consistent even mid-`add`)."""
    source = sqlite3.connect(f"file:{ensure_index(Path(kb_dir))}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()
    return target


def datasette_arguments(database: Path, metadata_file: Path, host: str, port: int) -> list[str]:
    """The `datasette serve` command line: immutable file, our metadata, loopback unless asked."""
    return [
        "serve",
        "-i",
        str(database),
        "--metadata",
        str(metadata_file),
        "--host",
        host,
        "--port",
        str(port),
    ]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(kb_dir: Path, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Run Datasette on a snapshot of the index until interrupted; returns its exit status."""
    cli = _require_datasette()
    kb_dir = Path(kb_dir)
    if not 0 < port < 65536:
        raise ValueError(f"--port {port} is not a TCP port (1-65535)")
    with tempfile.TemporaryDirectory(prefix="rapportkb-serve-") as scratch:
        database = snapshot(kb_dir, Path(scratch) / f"{DATABASE}.db")
        metadata_file = Path(scratch) / "metadata.json"
        metadata_file.write_text(json.dumps(metadata(kb_dir), ensure_ascii=False), encoding="utf-8")
        if not _is_loopback(host):
            print(f"rapportkb serve: listening on {host}, not loopback: other machines can read this KB")
        print(
            f"rapportkb serve: http://{host}:{port}/{DATABASE} (read-only snapshot; Ctrl-C stops)", flush=True
        )
        # In-process rather than a child process, so stopping `rapportkb serve` stops the server too.
        # uvicorn shuts down on SIGINT/SIGTERM and then re-raises the signal to the previous handler:
        # turning SIGTERM into SystemExit (SIGINT is already KeyboardInterrupt) lets the snapshot go.
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            result = cli.cli.main(
                args=datasette_arguments(database, metadata_file, host, port),
                prog_name="rapportkb serve",
                standalone_mode=False,
            )
        except (KeyboardInterrupt, SystemExit):
            result = 0
        finally:
            signal.signal(signal.SIGTERM, previous)
    return result if isinstance(result, int) else 0


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)
