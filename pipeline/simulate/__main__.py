"""python -m pipeline.simulate INPUT.txt --degradation heavy --seed 1 --out scan.pdf [--gt scan.gt.txt]"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import PRESETS, read_text_file, save_pdf, save_pngs, save_tiff, simulate
from ..storage import atomic_write_text

FORMATS = {".pdf": "pdf", ".tif": "tiff", ".tiff": "tiff", ".png": "png"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.simulate", description=__doc__)
    ap.add_argument("input", type=Path, help="document text (leading '# ' metadata lines are skipped)")
    ap.add_argument("--degradation", default="clean", choices=sorted(PRESETS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, required=True, help="scan file; PNG pages are written as <stem>-<n>.png")
    ap.add_argument("--gt", type=Path, help="write the ground truth here (pages separated by form feeds)")
    ap.add_argument("--format", choices=sorted(set(FORMATS.values())), help="default: from the --out suffix")
    args = ap.parse_args(argv)
    fmt = args.format or FORMATS.get(args.out.suffix.lower())
    if fmt is None:
        ap.error(f"cannot tell the format from {args.out.name!r}; give --format")
    if args.seed < 0:
        ap.error("--seed must be non-negative")

    scan = simulate(read_text_file(args.input), args.degradation, args.seed)
    if fmt == "pdf":
        save_pdf(scan, args.out)
    elif fmt == "tiff":
        save_tiff(scan, args.out)
    else:
        save_pngs(scan, args.out)
    if args.gt:
        atomic_write_text(args.gt, scan.ground_truth + "\n")
    print(f"{args.out}: {len(scan.pages)} page(s), {args.degradation}, seed {args.seed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
