"""Speed: the whole pipeline vs bare ``tesseract -l vie`` on the same pages, same parallelism, one run.

The project's own sample texts (samples/src) are rendered by the scan
simulator as clean and as heavily degraded scanned PDFs. The pipeline runs end
to end on each set (``run_batch``: PDF rendering, clean-up, OCR, JSON, tables);
bare Tesseract reads the same pages rendered with pdftoppm at the same dpi,
with as many processes as the pipeline has workers (its time is given with and
without the rendering).

    python -m pipeline.evaluate.bench --json out/bench.json
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from pdf2image import pdfinfo_from_path

from ..batch import run_batch
from ..config import Config
from ..simulate import read_text_file, save_pdf, simulate
from ..storage import atomic_write_json
from .shared import REPO_ROOT

SAMPLE_TEXTS = REPO_ROOT / "samples" / "src"
CONDITIONS = ["clean", "heavy"]


def make_inbox(texts: list[Path], condition: str, inbox: Path) -> int:
    inbox.mkdir(parents=True)
    pages = 0
    for i, path in enumerate(texts):
        scan = simulate(read_text_file(path), condition, seed=i)
        save_pdf(scan, inbox / f"{path.stem}.pdf")
        pages += len(scan.pages)
    return pages


def bare_tesseract(inbox: Path, workdir: Path, config: Config) -> tuple[float, float, int]:
    """Bare Tesseract on every page of the inbox's PDFs, ``config.workers`` pages at a time.

    Returns (seconds including rendering each page with pdftoppm at the pipeline's dpi,
    seconds of the Tesseract runs alone, pages): Tesseract cannot read a PDF, so the
    fair end-to-end baseline renders first.
    """
    pages = [(pdf, n) for pdf in sorted(inbox.glob("*.pdf")) for n in range(1, pdfinfo_from_path(str(pdf))["Pages"] + 1)]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def read(job: tuple[Path, int]) -> float:
        pdf, n = job
        stem = workdir / f"{pdf.stem}.p{n}"
        subprocess.run(["pdftoppm", "-r", str(config.dpi), "-f", str(n), "-l", str(n), "-singlefile", "-png",
                        str(pdf), str(stem)], check=True)
        start = time.perf_counter()
        subprocess.run(["tesseract", f"{stem}.png", "-", "-l", config.lang], env=env, capture_output=True, check=True)
        return time.perf_counter() - start

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=config.workers) as pool:
        ocr_seconds = sum(pool.map(read, pages))
    return time.perf_counter() - start, ocr_seconds / config.workers, len(pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, default=Path("out/bench.json"))
    parser.add_argument("--workers", type=int, default=Config().workers)
    parser.add_argument("--shared", type=Path, help="unused; accepted so every make target takes the same flags")
    args = parser.parse_args(argv)
    texts = sorted(SAMPLE_TEXTS.glob("*.txt"))
    if not texts:
        print(f"bench: no sample texts in {SAMPLE_TEXTS}", file=sys.stderr)
        return 2
    results = {"workers": args.workers, "conditions": {}}
    with tempfile.TemporaryDirectory(prefix="ketluan-bench-") as tmp:
        for condition in CONDITIONS:
            root = Path(tmp) / condition
            pages = make_inbox(texts, condition, root / "inbox")
            config = replace(Config(), inbox=root / "inbox", out=root / "out", workers=args.workers, quiet=True)
            start = time.perf_counter()
            batch = run_batch(config)
            pipeline_s = time.perf_counter() - start
            (root / "png").mkdir()
            bare_s, bare_ocr_s, bare_pages = bare_tesseract(config.inbox, root / "png", config)
            assert bare_pages == pages and not batch.failed, "benchmark pages did not all process"
            results["conditions"][condition] = {
                "pages": pages,
                "pipeline_seconds": round(pipeline_s, 2),
                "bare_tesseract_seconds": round(bare_s, 2),
                "bare_tesseract_ocr_only_seconds": round(bare_ocr_s, 2),
                "pipeline_pages_per_minute": round(60 * pages / pipeline_s, 1),
                "bare_pages_per_minute": round(60 * pages / bare_s, 1),
                "time_ratio_pipeline_to_bare": round(pipeline_s / bare_s, 3),
            }
    # Largest resident set of any finished child: a page worker or a Tesseract process.
    results["peak_worker_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    print(f"{'pages':<8} {'n':>3} {'pipeline s':>10} {'bare s':>8} {'ours p/min':>10} {'bare p/min':>10} {'ratio':>6}")
    for condition, r in results["conditions"].items():
        print(
            f"{condition:<8} {r['pages']:>3} {r['pipeline_seconds']:>10.1f} {r['bare_tesseract_seconds']:>8.1f} "
            f"{r['pipeline_pages_per_minute']:>10.1f} {r['bare_pages_per_minute']:>10.1f} "
            f"{r['time_ratio_pipeline_to_bare']:>6.2f}"
        )
    print(f"peak memory of a worker or Tesseract process: {results['peak_worker_rss_mb']} MB ({args.workers} workers)")
    atomic_write_json(args.json, results)
    print(f"written {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
