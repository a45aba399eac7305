"""``ketluan``: a thin command line over the library API.

Exit status: 0 when every document succeeded, 1 when some failed, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import logging
import signal
import sys
import threading
from pathlib import Path

from . import __version__
from .config import Config
from .schema import TABLE_NAMES


def _add_processing_options(p: argparse.ArgumentParser) -> None:
    defaults = Config()
    p.add_argument("inbox", nargs="?", type=Path, default=defaults.inbox, help="folder of scans (default: samples)")
    p.add_argument("--out", type=Path, default=defaults.out, help="output folder (default: out)")
    p.add_argument("--dpi", type=int, default=defaults.dpi, help="PDF rendering resolution (default: 300)")
    p.add_argument("--lang", default=defaults.lang, help="Tesseract language (default: vie)")
    p.add_argument("--workers", type=int, default=defaults.workers, help="page worker processes (default: one per core)")
    p.add_argument("--recursive", action="store_true", help="also read subfolders of INBOX")
    p.add_argument("--no-clean", dest="clean", action="store_false", help="OCR the pages without OpenCV clean-up")
    p.add_argument("--no-restore", dest="restore", action="store_false", help="keep the text as read, no restoration")
    p.add_argument("--no-extract", dest="extract", action="store_false",
                   help="skip extraction of metadata, tasks, deadlines and metrics")
    p.add_argument("--no-page-images", dest="page_images", action="store_false",
                   help="do not keep page images for the report's review pages")
    p.add_argument("--tone-style", choices=("new", "old"), default=defaults.tone_style,
                   help="tone-mark placement of restored text: new 'hòa, ủy' (default) or old 'hoà, uỷ'")
    p.add_argument("--force", action="store_true", help="reprocess documents whose output is already current")
    p.add_argument("--max-pages", type=int, default=defaults.max_pages, help="reject documents with more pages")
    p.add_argument("--max-file-mb", type=float, default=defaults.max_file_mb, help="reject larger files")


def _add_run(sub: argparse._SubParsersAction) -> None:
    _add_processing_options(sub.add_parser("run", help="process the documents in INBOX into tables in OUT"))


def _add_watch(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("watch", help="process files dropped into INBOX as they arrive, until Ctrl-C")
    _add_processing_options(p)
    p.add_argument("--interval", type=float, default=1.0, help="seconds between looks at INBOX (default: 1)")
    p.add_argument("--settle", type=float, default=2.0,
                   help="seconds a file must stop growing before it is read (default: 2)")


def _add_restore(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "restore",
        help="restore diacritics / correct OCR in a text file (or stdin) and print it",
        add_help=False,  # pipeline.restore's own parser answers --help
    )
    p.add_argument("args", nargs=argparse.REMAINDER, help="FILE|- [--mode …] [--tone-style new|old] [--changes FILE]")


def _add_query(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("query", help="run SQL (DuckDB) over the tables in OUT",
                       description="Tables are views by name: " + ", ".join(TABLE_NAMES) + ".")
    p.add_argument("sql", help='e.g. "SELECT agency, count(*) FROM task_agencies GROUP BY 1 ORDER BY 2 DESC"')
    p.add_argument("--out", type=Path, default=Config().out, help="output folder holding the tables (default: out)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format (default: table)")


def _add_report(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write OUT/report.html and a review page per document")
    p.add_argument("--out", type=Path, default=Config().out, help="output folder (default: out)")
    p.add_argument("--as-of", type=_iso_date, default=None,
                   help="date against which tasks are overdue, YYYY-MM-DD (default: today)")


def _iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {value!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ketluan",
        description="Scanned Vietnamese official conclusions → per-document JSON and CSV tables.",
    )
    parser.add_argument("--version", action="version", version=f"ketluan {__version__}")
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors, no progress bar")
    verbosity.add_argument("-v", "--verbose", action="store_true", help="log every document and page")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_run(sub)
    _add_watch(sub)
    _add_restore(sub)
    _add_query(sub)
    _add_report(sub)
    return parser


def _config_from(args: argparse.Namespace) -> Config:
    fields = {f.name for f in dataclasses.fields(Config)}
    return Config(**{k: v for k, v in vars(args).items() if k in fields})


def _setup_logging(args: argparse.Namespace) -> None:
    level = logging.WARNING if args.quiet else logging.DEBUG if args.verbose else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(message)s", stream=sys.stderr)


def _checked_config(args: argparse.Namespace) -> Config | None:
    config = _config_from(args)
    if not config.inbox.is_dir():
        print(f"ketluan: inbox folder not found: {config.inbox}", file=sys.stderr)
        return None
    if config.workers < 1 or config.dpi < 50:
        print("ketluan: --workers must be ≥ 1 and --dpi ≥ 50", file=sys.stderr)
        return None
    return config


def cmd_run(args: argparse.Namespace) -> int:
    from .batch import run_batch

    config = _checked_config(args)
    if config is None:
        return 2
    result = run_batch(config)
    print(
        f"{len(result.processed)} processed, {len(result.skipped)} already current, "
        f"{len(result.failed)} failed ({result.pages_ocr} pages OCR'd in {result.seconds:.1f} s) → {config.out}",
        file=sys.stderr,
    )
    if result.failed:
        print(f"see {config.out / 'errors.csv'} for the reasons", file=sys.stderr)
    return result.exit_code


def cmd_watch(args: argparse.Namespace) -> int:
    from .watch import watch

    config = _checked_config(args)
    if config is None:
        return 2
    if args.interval <= 0 or args.settle < 0:
        print("ketluan: --interval must be > 0 and --settle ≥ 0", file=sys.stderr)
        return 2
    stop = threading.Event()

    def finish_then_stop(signum: int, _frame) -> None:
        # Ctrl-C or a service manager's SIGTERM: the current batch finishes, then the watch ends; an interrupt
        # landing anywhere (in table writing, say) could leave a library's lock held. A second Ctrl-C stops at once.
        stop.set()
        if signum == signal.SIGINT:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            print("ketluan: stopping after the current batch (Ctrl-C again to stop now)", file=sys.stderr)

    signal.signal(signal.SIGINT, finish_then_stop)
    signal.signal(signal.SIGTERM, finish_then_stop)
    try:
        watch(config, interval=args.interval, settle=args.settle, stop=stop)
    except KeyboardInterrupt:
        # a second Ctrl-C inside a batch: finished documents are saved; bring the tables up to date
        from .tables import build_tables

        if config.json_dir.is_dir():
            build_tables(config.out)
    print(f"ketluan: stopped watching {config.inbox}; tables in {config.out}", file=sys.stderr)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from .restore.__main__ import main as restore_main

    return restore_main(args.args)


def cmd_query(args: argparse.Namespace) -> int:
    from .query import QueryError, format_result, run_query

    try:
        result = run_query(args.sql, args.out)
    except QueryError as exc:
        print(f"ketluan query: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(format_result(result, args.format))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .report import build_report

    try:
        result = build_report(args.out, args.as_of)
    except FileNotFoundError as exc:
        print(f"ketluan report: {exc}", file=sys.stderr)
        return 2
    print(f"{result.documents} documents, {result.review_pages} review pages in {result.seconds:.1f} s → {result.path}",
          file=sys.stderr)
    return 0


COMMANDS = {"run": cmd_run, "watch": cmd_watch, "restore": cmd_restore, "query": cmd_query, "report": cmd_report}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["restore"]:
        # Handed over whole, so that `ketluan restore --help` shows the restorer's own options.
        return cmd_restore(argparse.Namespace(args=argv[1:]))
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    _setup_logging(args)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("ketluan: interrupted; finished documents are saved, run again to continue", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
