"""Evaluate the restore stage on held-out documents.

    python -m pipeline.restore.evaluate --docs ../shared/docs --json out/eval_restore.json

Conditions (each document of ``--docs``; the first lines starting with ``#`` are metadata):

* ``stripped``: every diacritic removed (case kept) -> restore (mode "auto").
* ``garbled``: rendered with the scan simulator and read by ``tesseract -l eng`` (needs
  ``pipeline.simulate`` and Tesseract; skipped with a message otherwise). ``garbled_bold``: the
  same from the simulator's thick print (``garbled_PRESET`` for any other preset, e.g. moderate).
* ``seeds``: the real legacy English-model OCR of ``samples/seed_*.txt``, the opening lines of
  each against a reference typed by hand (``pipeline/evaluate/seed_reference/``, one file per
  seed, as many lines as were transcribed; blank lines of the seed are skipped).
* ``ocr_moderate``, ``ocr_heavy``: rendered with the scan simulator at that degradation and read
  the way the pipeline reads a page (:func:`pipeline.ocr.ocr_page`: OpenCV clean-up +
  ``tesseract -l vie``), restored with the word confidences (mode "auto", which picks "ocr" for
  accented text). Only the documents of ``--ocr-docs`` (short ones: OCR costs 2-5 s a page); pages
  are cached under ``out/.cache/restore/ocr_vie``. The table adds, per condition, how many
  documents' CER went up and the mean of the per-document CERs before/after.

For each condition: syllable accuracy and CER of the damaged text (before), of our restoration
(after) and of pyvi's ``ViUtils.add_accents`` on the same damaged text (baseline). The reference
is the document with its tone marks normalised to the new style (hòa, ủy), the output convention.

Syllable accuracy: the reference words that are Vietnamese syllables, aligned with the output
words (Levenshtein alignment over diacritic-free lower-case words), counted right when the
aligned word is identical ignoring case. CER: character edit distance / reference length, on the
full text (case, punctuation and spacing included).

``--dev`` evaluates instead on the official documents held out from training (the development
set used for tuning), so that the held-out ``docs`` are never used to tune anything.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from ..simulate.scan import seed_for
from .api import RestoreModel, load_model, restore_text
from .syllable import Orthography, transfer_case

_WORD = re.compile(r"\w+")


# ------------------------------------------------------------------------------------------------
def read_doc(path: Path) -> str:
    lines = path.read_text(encoding="utf-8").split("\n")
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return unicodedata.normalize("NFC", "\n".join(lines).strip("\n"))


def normalize_reference(text: str, ortho: Orthography) -> str:
    """Reference text with every syllable's tone placed in the new style."""
    return _WORD.sub(lambda m: ortho.restyle(m.group(), "new"), text)


def syllable_accuracy(ref: str, hyp: str, ortho: Orthography) -> tuple[int, int]:
    """(right, total) over the reference words that are Vietnamese syllables."""
    rw = _WORD.findall(ref)
    hw = _WORD.findall(hyp)
    rk = [ortho.strip(w.lower()) for w in rw]
    hk = [ortho.strip(w.lower()) for w in hw]
    is_syl = [ortho.parse(w.lower()) is not None and not w.isdigit() for w in rw]
    total = sum(is_syl)
    right = 0
    for op in Levenshtein.opcodes(rk, hk):
        if op.tag == "equal" or (op.tag == "replace" and op.src_end - op.src_start == op.dest_end - op.dest_start):
            for i, j in zip(range(op.src_start, op.src_end), range(op.dest_start, op.dest_end)):
                if is_syl[i] and rw[i].lower() == ortho.restyle(hw[j], "new").lower():
                    right += 1
    return right, total


def cer(ref: str, hyp: str) -> tuple[int, int]:
    return Levenshtein.distance(ref, hyp), len(ref)


def pyvi_restore(text: str) -> str | None:
    try:
        from pyvi import ViUtils
    except ImportError:
        return None
    def accents(s: str) -> str:
        if not s.strip():
            return s
        try:
            return ViUtils.add_accents(s)
        except Exception:  # pyvi fails on some characters: retry on smaller pieces
            parts = re.split(r"(?<=[,.;:])(?=\s)", s)
            if len(parts) == 1:
                return s
            return "".join(accents(x) for x in parts)

    out = []
    for line in text.split("\n"):
        r = unicodedata.normalize("NFC", accents(line))
        # pyvi lower-cases some words; give its output the input's case where lengths agree
        out.append(transfer_case(line, r.lower()) if len(r) == len(line) else r)
    return "\n".join(out)


@dataclass
class Score:
    right: int = 0
    total: int = 0
    edits: int = 0
    chars: int = 0

    def add(self, acc: tuple[int, int], c: tuple[int, int]) -> None:
        self.right += acc[0]
        self.total += acc[1]
        self.edits += c[0]
        self.chars += c[1]

    @property
    def acc(self) -> float:
        return self.right / self.total if self.total else float("nan")

    @property
    def cer(self) -> float:
        return self.edits / self.chars if self.chars else float("nan")

    def as_dict(self) -> dict:
        return {"syllable_accuracy": round(self.acc, 5), "cer": round(self.cer, 5),
                "syllables": self.total, "chars": self.chars}


@dataclass
class Condition:
    name: str
    before: Score = field(default_factory=Score)
    after: Score = field(default_factory=Score)
    pyvi: Score = field(default_factory=Score)
    docs: list[dict] = field(default_factory=list)
    seconds: float = 0.0  # CPU seconds in restore_text
    wall_seconds: float = 0.0
    syllables_in: int = 0
    modes: dict[str, int] = field(default_factory=dict)


def evaluate_pair(cond: Condition, name: str, ref: str, damaged: str, model: RestoreModel,
                  with_pyvi: bool = True, mode: str = "auto", word_confidences: list[float] | None = None) -> None:
    ortho = model.ortho
    t0, c0 = time.perf_counter(), time.process_time()
    r = restore_text(damaged, model, mode=mode, word_confidences=word_confidences)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    cond.seconds += dc  # CPU time of this process: one core
    cond.wall_seconds += dt
    cond.syllables_in += sum(1 for t in model.tokenizer.tokenize(damaged) if t.kind == "syl")
    cond.modes[r.mode] = cond.modes.get(r.mode, 0) + 1
    b = (syllable_accuracy(ref, damaged, ortho), cer(ref, damaged))
    a = (syllable_accuracy(ref, r.text, ortho), cer(ref, r.text))
    cond.before.add(*b)
    cond.after.add(*a)
    row = {"doc": name, "mode": r.mode, "changes": len(r.changes), "seconds": round(dt, 3),
           "before": {"acc": _ratio(b[0]), "cer": _ratio(b[1])},
           "after": {"acc": _ratio(a[0]), "cer": _ratio(a[1])}}
    if with_pyvi:
        pv = pyvi_restore(damaged)
        if pv is not None:
            p = (syllable_accuracy(ref, pv, ortho), cer(ref, pv))
            cond.pyvi.add(*p)
            row["pyvi"] = {"acc": _ratio(p[0]), "cer": _ratio(p[1])}
    cond.docs.append(row)


def _ratio(x: tuple[int, int]) -> float:
    return round(x[0] / x[1], 5) if x[1] else float("nan")


# ------------------------------------------------------------------------------------------------
def load_texts(args) -> list[tuple[str, str]]:
    """(name, raw text) of the documents to evaluate."""
    if args.dev:
        from .train import OFFICIAL, official_split

        path = Path(args.corpus) / OFFICIAL
        if not path.exists():
            return []
        _, dev = official_split(path, args.dev_docs)
        return [(f"dev{i:02d}", d.strip("\n")) for i, d in enumerate(dev)]
    files = sorted(Path(args.docs).glob("*.txt"))
    if args.limit:
        files = files[: args.limit]
    return [(f.stem, read_doc(f)) for f in files]


def run_stripped(texts, model, with_pyvi=True) -> Condition:
    cond = Condition("stripped")
    for name, raw in texts:
        ref = normalize_reference(raw, model.ortho)
        evaluate_pair(cond, name, ref, model.ortho.strip(ref), model, with_pyvi)
    return cond


def garbled_inputs(texts, cache: Path | None, max_chars: int = 0, workers: int = 2, log=None, preset: str = "clean"):
    """(name, simulator ground truth, English-OCR text) per document (rendered once, cached)."""
    from .garble_data import _head, ocr_documents

    raws = [_head(raw, max_chars) if max_chars else raw for _, raw in texts]
    pages = ocr_documents(raws, [seed_for(n) for n, _ in texts], cache, preset, workers, log)
    out = []
    for (name, _), pp in zip(texts, pages):
        out.append((name, "\n".join(g for g, _ in pp), "\n".join(o.rstrip("\n\f ") for _, o in pp)))
    return out


def run_garbled(texts, model, with_pyvi=True, cache: Path | None = None, max_chars: int = 0,
                preset: str = "clean") -> Condition | str:
    try:
        import pytesseract  # noqa: F401

        from pipeline.simulate import simulate  # noqa: F401
    except Exception as exc:  # pragma: no cover - depends on the simulator
        return f"garbled condition skipped: scan simulator / tesseract not available ({exc})"
    if model.garble is None:
        return "garbled condition skipped: no English-OCR channel tables in pipeline/data/restore"
    cond = Condition("garbled" if preset == "clean" else f"garbled_{preset}")
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    for name, gt, ocr in garbled_inputs(texts, cache, max_chars, log=log, preset=preset):
        evaluate_pair(cond, name, normalize_reference(gt, model.ortho), ocr, model, with_pyvi)
    return cond


SEED_REFERENCE = Path(__file__).resolve().parents[1] / "evaluate" / "seed_reference"
SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def run_seeds(model, with_pyvi=True) -> Condition | str:
    refs = sorted(SEED_REFERENCE.glob("seed_*.txt"))
    if not refs:
        return f"seeds condition skipped: no references in {SEED_REFERENCE}"
    cond = Condition("seeds")
    for ref_file in refs:
        ref = ref_file.read_text(encoding="utf-8").rstrip("\n").split("\n")
        seed = SAMPLES / ref_file.name
        lines = [ln for ln in seed.read_text(encoding="utf-8").split("\n") if ln.strip()][: len(ref)]
        evaluate_pair(cond, ref_file.stem, normalize_reference("\n".join(ref), model.ortho), "\n".join(lines),
                      model, with_pyvi)
    return cond


OCR_DOCS = "CD_224,CD_226,CD_228,CD_230,CD_232,KH_172,TBKL_631,TBKL_636"


def run_ocr_vie(texts, model, preset: str, with_pyvi=True, cache: Path | None = None) -> Condition | str:
    try:
        import pytesseract  # noqa: F401

        from pipeline.ocr import ocr_page  # noqa: F401
        from pipeline.simulate import simulate  # noqa: F401
    except Exception as exc:  # pragma: no cover - depends on the simulator
        return f"ocr_{preset} condition skipped: scan simulator / OCR not available ({exc})"
    from .ocr_vie import DEFAULT_CACHE, joined, ocr_documents

    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    pages = ocr_documents([raw for _, raw in texts], [seed_for(n) for n, _ in texts], preset,
                          cache or DEFAULT_CACHE, log=log)
    cond = Condition(f"ocr_{preset}")
    for (name, _), pp in zip(texts, pages):
        gt, ocr, confs = joined(pp)
        evaluate_pair(cond, name, normalize_reference(gt, model.ortho), ocr, model, with_pyvi,
                      word_confidences=confs)
    return cond


def cer_summary(c: Condition) -> dict:
    """Documents whose CER went up / down, and the mean of the per-document CERs."""
    b = [d["before"]["cer"] for d in c.docs]
    a = [d["after"]["cer"] for d in c.docs]
    n = max(len(b), 1)
    return {"docs_cer_up": sum(x > y for x, y in zip(a, b)), "docs_cer_down": sum(x < y for x, y in zip(a, b)),
            "mean_cer_before": round(sum(b) / n, 5), "mean_cer_after": round(sum(a) / n, 5)}


def table(conds: list[Condition]) -> str:
    head = (f"{'condition':<12} {'docs':>4} {'syll':>7} | {'acc before':>10} {'acc after':>9} {'acc pyvi':>8} | "
            f"{'CER before':>10} {'CER after':>9} {'CER pyvi':>8} | {'syll/cpu-s':>10}")
    lines = [head, "-" * len(head)]
    for c in conds:
        speed = c.syllables_in / c.seconds if c.seconds else float("nan")
        lines.append(
            f"{c.name:<12} {len(c.docs):>4} {c.after.total:>7} | {c.before.acc:>10.2%} {c.after.acc:>9.2%} "
            f"{c.pyvi.acc:>8.2%} | {c.before.cer:>10.2%} {c.after.cer:>9.2%} {c.pyvi.cer:>8.2%} | {speed:>10.0f}")
    for c in conds:
        if c.name.startswith("ocr_"):
            s = cer_summary(c)
            lines.append(f"{c.name}: per-document CER went up in {s['docs_cer_up']} of {len(c.docs)} documents "
                         f"(down in {s['docs_cer_down']}); mean per-document CER {s['mean_cer_before']:.3%} -> "
                         f"{s['mean_cer_after']:.3%}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", default="../shared/docs")
    ap.add_argument("--json", default=None, help="write the results here")
    ap.add_argument("--model", default=None, help="model file or folder (default models/)")
    ap.add_argument("--conditions", nargs="+", default=["stripped,garbled,garbled_bold,ocr_moderate,ocr_heavy,seeds"],
                    help="stripped, garbled, garbled_PRESET (a scan-simulator preset: bold, moderate, ...), "
                         "ocr_moderate, ocr_heavy, seeds (comma- or space-separated)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents")
    ap.add_argument("--no-pyvi", action="store_true")
    ap.add_argument("--dev", action="store_true", help="evaluate on the held-out official dev documents")
    ap.add_argument("--corpus", default="../shared/corpus")
    ap.add_argument("--dev-docs", type=int, default=16)
    ap.add_argument("--cache", default="out/.cache/restore/garble", help="cache of simulated OCR outputs")
    ap.add_argument("--ocr-docs", default=OCR_DOCS,
                    help="ocr_* conditions: these documents of --docs (name prefixes; 'all' for every one)")
    ap.add_argument("--ocr-cache", default="out/.cache/restore/ocr_vie")
    ap.add_argument("--max-chars", type=int, default=0,
                    help="garbled condition: render only the first lines of each document (0: all)")
    args = ap.parse_args(argv)
    src = Path(args.corpus) if args.dev else Path(args.docs)
    if not src.exists():
        print(f"restore evaluation skipped: {src} not found (the shared documents live in ../shared)")
        return 0
    model = load_model(args.model)
    texts = load_texts(args)
    if not texts:
        print(f"restore evaluation skipped: no documents under {src}")
        return 0
    print(f"model {model.path} (loaded in {model.load_seconds:.2f}s); {len(texts)} documents from {src}")
    conds: list[Condition] = []
    notes: list[str] = []
    wanted = [c.strip() for c in ",".join(args.conditions).split(",") if c.strip()]
    if "stripped" in wanted:
        conds.append(run_stripped(texts, model, not args.no_pyvi))
    for name in wanted:
        if name == "garbled" or name.startswith("garbled_"):
            preset = name.partition("_")[2] or "clean"
            g = run_garbled(texts, model, not args.no_pyvi, Path(args.cache), args.max_chars, preset)
            (notes if isinstance(g, str) else conds).append(g)
    for preset in ("moderate", "heavy"):
        if f"ocr_{preset}" in wanted:
            sel = texts
            if args.ocr_docs != "all" and not args.dev:
                pre = [x.strip() for x in args.ocr_docs.split(",") if x.strip()]
                sel = [(n, t) for n, t in texts if any(n == p or n.startswith(p + "-") for p in pre)]
            o = run_ocr_vie(sel, model, preset, not args.no_pyvi, Path(args.ocr_cache))
            if isinstance(o, str):
                notes.append(o)
            else:
                conds.append(o)
    if "seeds" in wanted and not args.dev:
        sd = run_seeds(model, not args.no_pyvi)
        (notes if isinstance(sd, str) else conds).append(sd)
    print(table(conds))
    for n in notes:
        print(n)
    if args.json:
        out = {
            "model": model.path,
            "load_seconds": round(model.load_seconds, 3),
            "documents": [n for n, _ in texts],
            "source": str(src),
            "conditions": {
                c.name: {
                    "before": c.before.as_dict(), "after": c.after.as_dict(), "pyvi": c.pyvi.as_dict(),
                    "syllables_per_cpu_second": round(c.syllables_in / c.seconds, 1) if c.seconds else None,
                    "syllables_per_wall_second": round(c.syllables_in / c.wall_seconds, 1) if c.wall_seconds else None,
                    "modes": c.modes, "per_document": c.docs,
                    **(cer_summary(c) if c.name.startswith("ocr_") else {}),
                } for c in conds
            },
            "notes": notes,
        }
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
