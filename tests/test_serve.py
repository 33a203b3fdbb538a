"""`rapportkb serve` without a browser: the snapshot, the Datasette metadata, the command line, the errors.

The browser itself drives the running server in test_browser.py.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from test_index_search import report_one, report_two, run_cli, write_kb

from rapportkb.cli import build_parser
from rapportkb.serve import DATABASE, SEARCH_SQL, ServeError, datasette_arguments, metadata, snapshot


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return write_kb(tmp_path / "kb", [report_one(), report_two()])


def _columns(connection: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}


def test_metadata_names_what_the_index_has(kb: Path, tmp_path: Path) -> None:
    # A renamed table or column in index.py would leave Datasette with a search box or facet on nothing.
    database = snapshot(kb, tmp_path / "snap.db")
    tables = metadata(kb)["databases"][DATABASE]["tables"]
    with sqlite3.connect(database) as connection:
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        for table, settings in tables.items():
            assert table in names
            for column in settings.get("facets", []):
                assert column in _columns(connection, table)
        assert tables["sections"]["fts_table"] in names
        assert tables["sections"]["fts_pk"] in _columns(connection, "sections")
    assert tables["entities"]["facets"] == ["type", "norm"]


def test_snapshot_is_a_complete_searchable_copy(kb: Path, tmp_path: Path) -> None:
    database = snapshot(kb, tmp_path / "snap.db")
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM sections").fetchone()[0] == 7
        found = connection.execute(SEARCH_SQL, {"q": "Gällivare"}).fetchall()
        assert len(found) == 1 and "«Gällivare»" in found[0][7]
        assert connection.execute(SEARCH_SQL, {"q": "Gallivare"}).fetchall()[0][1] == (
            "Möten om gallivare-frågor"
        )
        # Datasette's own search box: the same match the sections table page runs.
        rows = connection.execute(
            "SELECT heading FROM sections WHERE rowid IN "
            "(SELECT rowid FROM sections_fts WHERE sections_fts MATCH ?)",
            ['"Gällivare"'],
        ).fetchall()
        assert rows == [("Gruvsamhällen",)]


def test_datasette_runs_immutable_on_loopback_by_default(tmp_path: Path) -> None:
    args = build_parser().parse_args(["serve", "--kb", str(tmp_path)])
    assert (args.host, args.port) == ("127.0.0.1", 8001)
    argv = datasette_arguments(tmp_path / "x.db", tmp_path / "m.json", args.host, args.port)
    assert argv[argv.index("-i") + 1] == str(tmp_path / "x.db")
    assert argv[argv.index("--host") + 1] == "127.0.0.1"
    assert "--metadata" in argv


def test_missing_datasette_says_how_to_install(
    kb: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "datasette", None)  # import now raises ImportError
    from rapportkb.serve import serve

    with pytest.raises(ServeError, match=r'pip install -e "\.\[serve\]"'):
        serve(kb)
    assert run_cli(["serve", "--kb", str(kb)]) == 2
    assert 'pip install -e ".[serve]"' in capsys.readouterr().err


def test_serve_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("datasette")
    assert run_cli(["serve", "--kb", str(tmp_path / "none")]) == 2
    assert "no knowledge base" in capsys.readouterr().err
    write_kb(tmp_path / "kb", [report_one()])
    assert run_cli(["serve", "--kb", str(tmp_path / "kb"), "--port", "70000"]) == 2
    assert "not a TCP port" in capsys.readouterr().err
