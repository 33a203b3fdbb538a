"""The `rapportkb` command: a thin shell over library functions with the same names."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from rapportkb import __version__


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in the form YYYY-MM-DD") from exc


def _cmd_add(args: argparse.Namespace) -> int:
    from rapportkb.batch import add

    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        print(f"rapportkb add: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    summary = add(args.paths, args.kb, report_date=args.report_date, progress=not args.quiet)
    for source, code, message in summary.errors:
        print(f"error: {source}: {code}: {message}", file=sys.stderr)
    print(summary.line())
    return 1 if summary.failed else 0


def _cmd_eval(args: argparse.Namespace) -> int:
    from rapportkb.evaluate import EvalError, evaluate
    from rapportkb.gold import GoldFormatError

    try:
        result = evaluate(args.kb, args.gold_md, args.gold_ents, args.source, details=args.details)
    except (EvalError, GoldFormatError) as exc:
        print(f"rapportkb eval: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(result.format_table())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rapportkb",
        description="Turn Swedish administrative reports (PDF or extracted text) into a searchable "
        "JSON Lines knowledge base of sections and entities.",
    )
    parser.add_argument("--version", action="version", version=f"rapportkb {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    add = commands.add_parser(
        "add",
        help="add report files or folders to a knowledge base",
        description="Read .pdf and .txt reports (folders are searched recursively), structure and tag them, "
        "and append records to DIR/sections.jsonl and DIR/documents.jsonl. A file that fails gets an error "
        "record and the batch goes on; the exit status is 1 when any file failed.",
    )
    add.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="report files or folders")
    add.add_argument(
        "--kb", type=Path, required=True, metavar="DIR", help="knowledge-base folder (created if missing)"
    )
    add.add_argument(
        "--report-date",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="the reports' own date, against which relative dates (i höst, nästa år) are resolved; "
        "overrides the date found in the report",
    )
    add.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add.set_defaults(run=_cmd_add)

    evaluate = commands.add_parser(
        "eval",
        help="score a knowledge base against gold structure and entities",
        description="Word error rate of section text, heading precision/recall/F1 and level accuracy, and "
        "entity precision/recall/F1 per type, for one source document in the knowledge base.",
    )
    evaluate.add_argument("--kb", type=Path, required=True, metavar="DIR")
    evaluate.add_argument(
        "--gold-md", type=Path, required=True, metavar="FILE", help="gold structure (.gold.md)"
    )
    evaluate.add_argument("--gold-ents", type=Path, metavar="FILE", help="gold entities (.entities.jsonl)")
    evaluate.add_argument("--source", required=True, metavar="NAME", help="the document's source as added")
    evaluate.add_argument("--details", action="store_true", help="list entity misses and false positives")
    evaluate.add_argument("--format", choices=["table", "json"], default="table", help="output format")
    evaluate.set_defaults(run=_cmd_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except FileNotFoundError as exc:
        print(f"rapportkb {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rapportkb: interrupted; records written so far are kept", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
