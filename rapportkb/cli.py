"""The `rapportkb` command: a thin shell over library functions with the same names."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from rapportkb import __version__


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in the form YYYY-MM-DD") from exc


def _size(value: str) -> int:
    """Bytes from "512M", "2G", "1.5G" or a plain number of bytes."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    text = value.strip().upper().removesuffix("B").removesuffix("I")
    try:
        if text and text[-1] in units:
            return int(float(text[:-1]) * units[text[-1]])
        return int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a size such as 512M or 2G") from exc


def _cmd_add(args: argparse.Namespace) -> int:
    from nlp.stanza_backend import StanzaUnavailable
    from rapportkb.batch import add
    from rapportkb.lock import KnowledgeBaseLocked

    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        print(f"rapportkb add: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    if args.executor == "dask" and not args.scheduler:
        print("rapportkb add: --executor dask needs --scheduler ADDRESS", file=sys.stderr)
        return 2
    if args.stanza_dir and args.backend != "stanza":
        print("rapportkb add: --stanza-dir goes with --backend stanza", file=sys.stderr)
        return 2
    try:
        summary = add(
            args.paths,
            args.kb,
            report_date=args.report_date,
            progress=not args.quiet,
            workers=args.workers,
            reprocess=args.reprocess,
            retry_errors=args.retry_errors,
            timeout=args.timeout or None,
            max_memory=args.max_memory,
            max_pages=args.max_pages or None,
            reader=args.reader,
            executor=args.executor,
            scheduler=args.scheduler,
            explain_hyphens=args.explain_hyphens,
            backend=args.backend,
            stanza_dir=args.stanza_dir,
        )
    except KnowledgeBaseLocked as exc:
        print(f"rapportkb add: {exc}", file=sys.stderr)
        return 3
    except StanzaUnavailable as exc:
        print(f"rapportkb add: {exc}", file=sys.stderr)
        return 2
    for source, explanation in summary.hyphen_explanations:
        print(f"hyphens in {source}:\n{explanation}", file=sys.stderr)
    for note in summary.repaired:
        print(f"repaired: {note}", file=sys.stderr)
    for source, code, message in summary.errors:
        print(f"error: {source}: {code}: {message}", file=sys.stderr)
    print(summary.line())
    return 1 if summary.failed else 0


def _cmd_check(args: argparse.Namespace) -> int:
    from rapportkb.check import check
    from rapportkb.lock import KnowledgeBaseLocked

    try:
        result = check(args.kb, repair=not args.no_repair)
    except KnowledgeBaseLocked as exc:
        print(f"rapportkb check: {exc}", file=sys.stderr)
        return 3
    for note in result.repaired:
        print(f"repaired: {note}")
    for problem in result.problems:
        print(f"problem: {problem}")
    print("ok" if result.ok else f"{len(result.problems)} problem(s)")
    return 0 if result.ok else 1


def _register_add(commands: argparse._SubParsersAction) -> None:
    """The `add` and `check` commands: writing a knowledge base and checking what was written."""
    add = commands.add_parser(
        "add",
        help="add report files or folders to a knowledge base",
        description="Read .pdf and .txt reports (folders are searched recursively), structure and tag them, "
        "and append records to DIR/sections.jsonl and DIR/documents.jsonl. A file already recorded by "
        "this pipeline version is skipped, so an interrupted batch is resumed by running the same "
        "command again. A file that fails gets an error record and the batch goes on; the exit status "
        "is 1 when any file failed, 3 when another writer holds the knowledge base.",
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
    add.add_argument(
        "--workers", type=int, metavar="N", help="worker processes (default: one per core; 0: no workers)"
    )
    add.add_argument(
        "--reprocess", action="store_true", help="redo files recorded by an older pipeline version"
    )
    add.add_argument(
        "--retry-errors", action="store_true", help="retry files that failed with this pipeline version"
    )
    add.add_argument(
        "--timeout", type=float, default=600.0, metavar="SECONDS",
        help="time limit per document, recorded as 'timeout' past it (default 600; 0: none)",
    )
    add.add_argument(
        "--max-memory", type=_size, metavar="SIZE",
        help="memory one document may use in its worker, e.g. 2G; recorded as 'too_large' past it",
    )
    add.add_argument(
        "--max-pages", type=int, default=2000, metavar="N",
        help="longer PDFs are recorded as 'too_large' (default 2000; 0: no limit)",
    )
    add.add_argument(
        "--reader", choices=["pdfplumber", "pdfium"], default="pdfplumber",
        help="PDF reader: pdfplumber (reference) or pdfium (fast)",
    )
    add.add_argument(
        "--explain-hyphens", action="store_true",
        help="print every line-end hyphen decision (join, keep, suspended, dash) with its reason and page, "
        "and record them in documents.jsonl as hyphen_decisions",
    )
    add.add_argument(
        "--executor", choices=["process", "dask"], default="process",
        help="where documents are processed: local processes, or a Dask cluster "
        "(pip install 'rapportkb[dask]')",
    )
    add.add_argument(
        "--scheduler", metavar="ADDRESS", help="Dask scheduler address for --executor dask, e.g. tcp://host:8786"
    )
    add.add_argument(
        "--backend", choices=["spacy", "stanza"], default="spacy",
        help="NER backend: our spaCy model (models/ner), or Stanza's Swedish models "
        "(pip install -e '.[stanza]'; README, Backends). Rules, gazetteer and resolver run in both",
    )
    add.add_argument(
        "--stanza-dir", type=Path, metavar="DIR",
        help="Stanza resources folder holding resources.json and sv/ (default: $STANZA_RESOURCES_DIR, "
        "else ~/stanza_resources); nothing is downloaded",
    )
    add.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add.set_defaults(run=_cmd_add)

    check = commands.add_parser(
        "check",
        help="validate a knowledge base and repair what an interrupted run left",
        description="Repair a torn last line and sections of an unfinished document (what a crash or "
        "kill leaves), then check both files against the schema: every document once, every section "
        "with its document. Exit status 1 when problems remain.",
    )
    check.add_argument("--kb", type=Path, required=True, metavar="DIR", help="knowledge-base folder")
    check.add_argument("--no-repair", action="store_true", help="only report, change nothing")
    check.set_defaults(run=_cmd_check)


def _cmd_eval(args: argparse.Namespace) -> int:
    from rapportkb.evaluate import EvalError, compare_knowledge_bases, evaluate, format_comparison
    from rapportkb.gold import GoldFormatError

    try:
        if len(args.kb) > 1:
            compared = compare_knowledge_bases(args.kb, args.gold_md, args.gold_ents, args.source,
                                               details=args.details)  # fmt: skip
        else:
            result = evaluate(args.kb[0], args.gold_md, args.gold_ents, args.source, details=args.details)
    except (EvalError, GoldFormatError) as exc:
        print(f"rapportkb eval: {exc}", file=sys.stderr)
        return 2
    if len(args.kb) > 1:
        if args.format == "json":
            print(json.dumps([item.to_dict() for item in compared], ensure_ascii=False, indent=2))
        else:
            print(format_comparison(compared))
        return 0
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

    _register_add(commands)

    evaluate = commands.add_parser(
        "eval",
        help="score a knowledge base against gold structure and entities",
        description="Word error rate of section text, heading precision/recall/F1 and level accuracy, and "
        "entity precision/recall/F1 per type, for one source document in the knowledge base.",
    )
    evaluate.add_argument(
        "--kb", type=Path, required=True, metavar="DIR", action="append",
        help="knowledge-base folder; give it twice or more (e.g. one per --backend) for a side-by-side table",
    )
    evaluate.add_argument(
        "--gold-md", type=Path, required=True, metavar="FILE", help="gold structure (.gold.md)"
    )
    evaluate.add_argument("--gold-ents", type=Path, metavar="FILE", help="gold entities (.entities.jsonl)")
    evaluate.add_argument("--source", required=True, metavar="NAME", help="the document's source as added")
    evaluate.add_argument("--details", action="store_true", help="list entity misses and false positives")
    evaluate.add_argument("--format", choices=["table", "json"], default="table", help="output format")
    evaluate.set_defaults(run=_cmd_eval)

    from rapportkb.cli_query import register as register_queries

    register_queries(commands)

    from nlp.training.cli import register as register_training

    register_training(commands)
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
    except BrokenPipeError:
        # The reader of our output went away (`rapportkb search ... | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
