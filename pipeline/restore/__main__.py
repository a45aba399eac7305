"""Command line: ``python -m pipeline.restore [FILE|-]`` prints the restored text to stdout.

Options: ``--mode auto|stripped|garbled|ocr|unchanged``, ``--tone-style new|old``,
``--model PATH`` (default models/restore_lm.npz), ``--changes FILE`` (write the list of changes as
JSON), ``--quiet`` (no summary on stderr).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from .api import MODES, load_model, restore_text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.restore",
                                 description="Restore Vietnamese diacritics in stripped or damaged text.")
    ap.add_argument("file", nargs="?", default="-", help="text file, or - for stdin (default)")
    ap.add_argument("--mode", default="auto", choices=MODES)
    ap.add_argument("--tone-style", default="new", choices=("new", "old"),
                    help="tone placement of the output: new = hòa, ủy (default); old = hoà, uỷ")
    ap.add_argument("--model", default=None, help="model file or folder (default models/)")
    ap.add_argument("--changes", default=None, help="write the changes as JSON to this file")
    ap.add_argument("--quiet", action="store_true", help="no summary on stderr")
    args = ap.parse_args(argv)
    text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    try:
        model = load_model(args.model)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    r = restore_text(text, model, mode=args.mode, tone_style=args.tone_style)
    sys.stdout.write(r.text)
    sys.stdout.flush()
    if args.changes:
        Path(args.changes).write_text(
            json.dumps({"mode": r.mode, "changes": [dataclasses.asdict(c) for c in r.changes]},
                       ensure_ascii=False, indent=1), encoding="utf-8")
    if not args.quiet:
        print(f"[restore] mode={r.mode} changes={len(r.changes)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
