"""Vietnamese-model OCR of simulated degraded scans, the way the pipeline reads them.

    python -m pipeline.restore.ocr_vie --dev 8 --presets moderate heavy

renders a text with the team's scan simulator (``simulate(text, preset, seed)``), runs every
page through :func:`pipeline.ocr.ocr_page` (OpenCV clean-up + ``tesseract -l vie``,
``OMP_THREAD_LIMIT=1``) and keeps, per page, the simulator's ground truth, the OCR text (lines
joined by a line break) and the word confidences (one per whitespace-separated token). Results
are cached per document under ``out/.cache/restore/ocr_vie/``. Used by the evaluation (condition
``ocr_moderate`` / ``ocr_heavy``) and, on the official development documents only, to tune the
"ocr" mode of :func:`pipeline.restore.restore_text`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import sys
import time
import unicodedata
from pathlib import Path

DEFAULT_CACHE = Path("out/.cache/restore/ocr_vie")


def _ocr_doc(args: tuple[str, int, str]) -> list[dict]:
    text, seed, preset = args
    os.environ["OMP_THREAD_LIMIT"] = "1"
    import numpy as np

    from pipeline.config import Config
    from pipeline.ocr import ocr_page
    from pipeline.render import PageImage
    from pipeline.simulate import simulate

    scan = simulate(text, preset, seed)
    cfg = Config()
    out = []
    for n, p in enumerate(scan.pages, start=1):
        page = ocr_page(PageImage(rgb=np.asarray(p.image), dpi=p.dpi), n, cfg)
        out.append({
            "gt": unicodedata.normalize("NFC", p.ground_truth),
            "text": page.text,
            "conf": [float(w.conf) for ln in page.lines for w in ln.words],
        })
    return out


def _ocr_indexed(item):
    i, args = item
    return i, _ocr_doc(args)


def _key(text: str, seed: int, preset: str) -> str:
    return hashlib.sha1(f"{preset}|{seed}|vie|{text}".encode("utf-8")).hexdigest()[:16]


def ocr_documents(texts: list[str], seeds: list[int], preset: str, cache: Path | None = DEFAULT_CACHE,
                  workers: int = 1, log=None) -> list[list[dict]]:
    """Pages ({gt, text, conf}) per document; cached per document."""
    results: list[list[dict] | None] = [None] * len(texts)
    todo = []
    for i, (t, s) in enumerate(zip(texts, seeds)):
        f = cache / f"{_key(t, s, preset)}.json" if cache else None
        if f is not None and f.exists():
            results[i] = json.loads(f.read_text(encoding="utf-8"))
        else:
            todo.append(i)
    t0 = time.time()

    def done(n: int, i: int, pages: list[dict]) -> None:
        results[i] = pages
        if cache is not None:
            cache.mkdir(parents=True, exist_ok=True)
            (cache / f"{_key(texts[i], seeds[i], preset)}.json").write_text(
                json.dumps(pages, ensure_ascii=False), encoding="utf-8")
        if log:
            log(f"  vie OCR ({preset}) {n + 1}/{len(todo)} documents ({time.time() - t0:.0f}s)")

    args = [(i, (texts[i], seeds[i], preset)) for i in todo]
    if workers > 1 and len(todo) > 1:
        with mp.get_context("fork").Pool(workers) as pool:
            for n, (i, pages) in enumerate(pool.imap_unordered(_ocr_indexed, args)):
                done(n, i, pages)
    else:
        for n, item in enumerate(args):
            done(n, *_ocr_indexed(item))
    return [r or [] for r in results]


def joined(pages: list[dict]) -> tuple[str, str, list[float]]:
    """(ground truth, OCR text, word confidences) of a document, pages joined by a line break."""
    gt = "\n".join(p["gt"].strip("\n") for p in pages)
    text = "\n".join(p["text"] for p in pages)
    conf = [c for p in pages for c in p["conf"]]
    return gt, text, conf


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="../shared/corpus", type=Path)
    ap.add_argument("--dev", type=int, default=8, help="official development documents to read")
    ap.add_argument("--dev-docs", type=int, default=16)
    ap.add_argument("--max-chars", type=int, default=5000)
    ap.add_argument("--presets", nargs="+", default=["moderate", "heavy"])
    ap.add_argument("--cache", default=str(DEFAULT_CACHE), type=Path)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args(argv)
    from .garble_data import _head
    from .train import OFFICIAL, official_split

    _, dev = official_split(args.corpus / OFFICIAL, args.dev_docs)
    texts = [_head(d.strip("\n"), args.max_chars) for d in dev[: args.dev]]
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    for preset in args.presets:
        ocr_documents(texts, [2000 + i for i in range(len(texts))], preset, args.cache, args.workers, log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
