"""OCR accuracy: the pipeline vs bare ``tesseract -l vie`` on simulated scans of real documents.

Each document of ../shared/docs in ``EVAL_DOCS`` is rendered by the scan
simulator in three conditions, saved as a scanned PDF, and rendered back to
page images the way the pipeline reads a PDF. Both systems then read the same
page images: bare Tesseract as it is, the pipeline with its clean-up. The
character error rate is taken against the simulator's ground truth, for the
pipeline twice: its OCR, and the text it writes (the OCR after the restore
stage, run on the whole document with the word confidences, as a batch does).

    python -m pipeline.evaluate.ocr --shared ../shared --json out/eval_ocr.json
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from pdf2image import convert_from_path

from ..batch import restore_document
from ..config import Config
from ..model import Document, Page
from ..ocr import ocr_page
from ..render import PageImage
from ..simulate import read_text_file, save_pdf, simulate
from ..storage import atomic_write_json
from .metrics import char_errors
from .shared import find_shared

# Held out: the clean-up was tuned on corpus text and the project's own samples, never on these.
EVAL_DOCS = [
    "CD_224-CD-TTg.txt",
    "CD_226-CD-TTg.txt",
    "CD_228-CD-TTg.txt",
    "CD_230-CD-TTg.txt",
    "CD_232-CD-TTg.txt",
    "KH_172-KH-UBND.txt",
    "KH_308-KH-UBND.txt",
    "TBKL_631-TB-VPCP.txt",
    "TBKL_636-TB-VPCP.txt",
    "TBKL_81-TB-TW.txt",
]
CONDITIONS = ["clean", "moderate", "heavy"]
# Bars of issue 2 (CER, whitespace-normalised).
BARS = {"clean": 0.003, "moderate": 0.006, "heavy": 0.03}


@dataclass
class PageScore:
    doc: str
    condition: str
    page: int
    ref_chars: int
    errors_bare: int
    errors_pipeline: int
    seconds_bare: float
    seconds_pipeline: float
    errors_restored: int | None = None  # the pipeline's OCR after the restore stage


def _bare_tesseract(png: Path, lang: str) -> str:
    return subprocess.run(
        ["tesseract", str(png), "-", "-l", lang], capture_output=True, text=True, check=True
    ).stdout


def _score_page(job: tuple[str, str, int, str, int, str]) -> tuple[PageScore, Page]:
    doc, condition, page, png, dpi, truth = job
    os.environ["OMP_THREAD_LIMIT"] = "1"
    config = Config()
    t0 = time.perf_counter()
    bare = _bare_tesseract(Path(png), config.lang)
    t1 = time.perf_counter()
    from PIL import Image

    with Image.open(png) as img:
        rgb = np.asarray(img.convert("RGB"))
    t2 = time.perf_counter()
    read = ocr_page(PageImage(rgb=rgb, dpi=dpi), page, config)
    t3 = time.perf_counter()
    e_bare, n = char_errors(truth, bare)
    e_ours, _ = char_errors(truth, read.text)
    return PageScore(doc, condition, page, n, e_bare, e_ours, t1 - t0, t3 - t2), read


def score_restored(scores: list[PageScore], pages: list[Page], truths: list[str], restorer) -> None:
    """Fill ``errors_restored``: each document's pages restored together, as the batch restores a document. The
    restore stage writes one tone style (new: "hóa", "ủy"), so its text is scored against the ground truth in that
    style: where the source was printed in the old one ("hoá"), that is the convention chosen, not an error."""
    from ..restore.evaluate import normalize_reference

    by_doc: dict[tuple[str, str], list[int]] = {}
    for i, s in enumerate(scores):
        by_doc.setdefault((s.doc, s.condition), []).append(i)
    for (name, condition), rows in by_doc.items():
        rows.sort(key=lambda i: scores[i].page)
        doc = Document(doc_id=f"{name}.{condition}", source_path=name, sha256="", text_source="ocr")
        doc.pages = [pages[i] for i in rows]
        doc.assemble_text()
        restore_document(doc, restorer, Config())
        for i, text in zip(rows, doc.text.split("\f"), strict=True):
            scores[i].errors_restored = char_errors(normalize_reference(truths[i], restorer.ortho), text)[0]


def prepare_pages(docs: list[Path], conditions: list[str], workdir: Path, dpi: int) -> list[tuple]:
    """Simulated scans → PDFs → page PNGs at the pipeline's dpi, with their ground truth."""
    jobs = []
    for doc_index, path in enumerate(docs):
        text = read_text_file(path)
        for condition in conditions:
            scan = simulate(text, condition, seed=1000 + doc_index)
            pdf = workdir / f"{path.stem}.{condition}.pdf"
            save_pdf(scan, pdf)
            images = convert_from_path(str(pdf), dpi=dpi, thread_count=2)
            for number, (image, sim_page) in enumerate(zip(images, scan.pages, strict=True), start=1):
                png = workdir / f"{path.stem}.{condition}.p{number}.png"
                image.convert("RGB").save(png)
                jobs.append((path.name, condition, number, str(png), dpi, sim_page.ground_truth))
    return jobs


def _restored(rows: list[PageScore]) -> int:
    return sum(s.errors_pipeline if s.errors_restored is None else s.errors_restored for s in rows)


def summarise(scores: list[PageScore]) -> dict:
    """Per condition and per document: CER of bare Tesseract, the pipeline's OCR and its restored text (errors summed
    over pages / characters; the restored text counts as the OCR where it was not scored)."""
    summary: dict = {"conditions": {}, "documents": {}}
    for condition in sorted({s.condition for s in scores}, key=CONDITIONS.index):
        rows = [s for s in scores if s.condition == condition]
        chars = sum(s.ref_chars for s in rows)
        per_doc = {}
        for doc in sorted({s.doc for s in rows}):
            d = [s for s in rows if s.doc == doc]
            n = sum(s.ref_chars for s in d)
            per_doc[doc] = {
                "pages": len(d),
                "cer_bare": sum(s.errors_bare for s in d) / n,
                "cer_pipeline": sum(s.errors_pipeline for s in d) / n,
                "cer_restored": _restored(d) / n,
            }
        summary["documents"][condition] = per_doc
        summary["conditions"][condition] = {
            "documents": len(per_doc),
            "pages": len(rows),
            "cer_bare": sum(s.errors_bare for s in rows) / chars,
            "cer_pipeline": sum(s.errors_pipeline for s in rows) / chars,
            "bar": BARS[condition],
            "meets_bar": sum(s.errors_pipeline for s in rows) / chars <= BARS[condition],
            "cer_restored": _restored(rows) / chars,
            "docs_worse_than_bare": sorted(
                doc for doc, v in per_doc.items() if v["cer_pipeline"] > v["cer_bare"]
            ),
            "docs_restored_worse_than_bare": sorted(
                doc for doc, v in per_doc.items() if v["cer_restored"] > v["cer_bare"]
            ),
            "seconds_per_page_bare": sum(s.seconds_bare for s in rows) / len(rows),
            "seconds_per_page_pipeline": sum(s.seconds_pipeline for s in rows) / len(rows),
        }
    return summary


def print_report(summary: dict) -> None:
    print(f"{'condition':<10} {'docs':>4} {'pages':>5} {'bare CER':>9} {'pipeline OCR':>13} {'bar':>6}  "
          f"{'met':<4} {'+ restore':>9} {'s/page bare':>11} {'s/page ours':>11}  worse than bare on (OCR; + restore)")
    for condition, c in summary["conditions"].items():
        print(
            f"{condition:<10} {c['documents']:>4} {c['pages']:>5} {c['cer_bare']:>8.2%} {c['cer_pipeline']:>12.2%} "
            f"{c['bar']:>6.1%}  {'yes' if c['meets_bar'] else 'NO':<4} {c['cer_restored']:>9.2%} "
            f"{c['seconds_per_page_bare']:>11.2f} {c['seconds_per_page_pipeline']:>11.2f}  "
            f"{', '.join(c['docs_worse_than_bare']) or '-'}; {', '.join(c['docs_restored_worse_than_bare']) or '-'}"
        )
    print()
    print(f"{'document':<24} " + " ".join(f"{c + ' bare/OCR/+restore':>30}" for c in summary["documents"]))
    docs = sorted({d for per in summary["documents"].values() for d in per})
    for doc in docs:
        cells = []
        for per in summary["documents"].values():
            v = per.get(doc)
            cells.append(f"{v['cer_bare']:>10.2%} /{v['cer_pipeline']:>8.2%} /{v['cer_restored']:>8.2%}"
                         if v else f"{'-':>30}")
        print(f"{doc:<24} " + " ".join(cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=None, help="the shared folder (default: ../shared)")
    parser.add_argument("--json", type=Path, default=Path("out/eval_ocr.json"))
    parser.add_argument("--docs", type=int, default=len(EVAL_DOCS), help="how many of the evaluation documents")
    parser.add_argument("--names", nargs="+", default=None,
                        help="other documents of the shared folder instead (file names), e.g. to develop on")
    parser.add_argument("--conditions", nargs="+", default=CONDITIONS, choices=CONDITIONS)
    parser.add_argument("--workers", type=int, default=Config().workers)
    parser.add_argument("--no-restore", action="store_true", help="score the OCR only, not the restored text")
    args = parser.parse_args(argv)
    shared = find_shared(args.shared)
    if shared is None:
        print("eval: ../shared/docs not found; the OCR evaluation needs the shared documents, skipped")
        return 0
    docs = [shared / "docs" / name for name in (args.names or EVAL_DOCS[: args.docs])]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ketluan-eval-") as tmp:
        jobs = prepare_pages(docs, args.conditions, Path(tmp), Config().dpi)
        print(f"OCR of {len(jobs)} pages, bare Tesseract and pipeline, {args.workers} workers…", file=sys.stderr)
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            scores, pages = zip(*pool.map(_score_page, jobs)) if jobs else ((), ())
    scores = list(scores)
    if not args.no_restore:
        from ..restore import load_model

        score_restored(scores, list(pages), [job[5] for job in jobs], load_model(Config().restore_model))
    summary = summarise(scores)
    summary["seconds"] = round(time.perf_counter() - started, 1)
    summary["pages"] = [asdict(s) for s in scores]
    print_report(summary)
    atomic_write_json(args.json, summary)
    print(f"\nwritten {args.json} ({summary['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
