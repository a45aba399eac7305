"""``ketluan``: a thin command line over the library API.

Exit status: 0 when every document succeeded, 1 when some failed, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
from pathlib import Path

from . import __version__
from .config import Config


def _add_run(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="process the documents in INBOX into tables in OUT")
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
    p.add_argument("--tone-style", choices=("new", "old"), default=defaults.tone_style,
                   help="tone-mark placement of restored text: new 'hòa, ủy' (default) or old 'hoà, uỷ'")
    p.add_argument("--force", action="store_true", help="reprocess documents whose output is already current")
    p.add_argument("--max-pages", type=int, default=defaults.max_pages, help="reject documents with more pages")
    p.add_argument("--max-file-mb", type=float, default=defaults.max_file_mb, help="reject larger files")


def _add_restore(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "restore",
        help="restore diacritics / correct OCR in a text file (or stdin) and print it",
        add_help=False,  # pipeline.restore's own parser answers --help
    )
    p.add_argument("args", nargs=argparse.REMAINDER, help="FILE|- [--mode …] [--tone-style new|old] [--changes FILE]")


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
    _add_restore(sub)
    return parser


def _config_from(args: argparse.Namespace) -> Config:
    fields = {f.name for f in dataclasses.fields(Config)}
    return Config(**{k: v for k, v in vars(args).items() if k in fields})


def _setup_logging(args: argparse.Namespace) -> None:
    level = logging.WARNING if args.quiet else logging.DEBUG if args.verbose else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(message)s", stream=sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    from .batch import run_batch

    config = _config_from(args)
    if not config.inbox.is_dir():
        print(f"ketluan: inbox folder not found: {config.inbox}", file=sys.stderr)
        return 2
    if config.workers < 1 or config.dpi < 50:
        print("ketluan: --workers must be ≥ 1 and --dpi ≥ 50", file=sys.stderr)
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


def cmd_restore(args: argparse.Namespace) -> int:
    from .restore.__main__ import main as restore_main

    return restore_main(args.args)


COMMANDS = {"run": cmd_run, "restore": cmd_restore}


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
