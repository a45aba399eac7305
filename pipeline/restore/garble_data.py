"""English-model OCR garble: training pairs, alignment, and the learned channel tables.

    python -m pipeline.restore.garble_data --corpus ../shared/corpus

renders official training documents (never the dev documents of :mod:`.train`, never
``../shared/docs``) with the team's scan simulator (``simulate(text, preset, seed)``: clean, and thick print), reads
every page with ``tesseract -l eng`` (``OMP_THREAD_LIMIT=1``), aligns the OCR words with the
ground-truth words, and writes two documented tables into ``pipeline/data/restore/``:

* ``garble_eng_chars.tsv``: character channel counts, true letter (lower case) -> what the OCR
  wrote (a string of 0..2 characters, ``-`` for nothing), from Levenshtein alignments of aligned
  word pairs;
* ``garble_eng_words.tsv``: whole-word counts, OCR token (lower case) -> true syllable.

Pages are cached under ``--cache`` (default ``out/.cache/restore/garble``), so rerunning is
cheap. :func:`garble_text` gives the evaluation its garbled condition the same way.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from .candidates import char_alignment
from .syllable import DATA_DIR, Orthography, load_orthography

CHARS_FILE = "garble_eng_chars.tsv"
WORDS_FILE = "garble_eng_words.tsv"
DEFAULT_CACHE = Path("out/.cache/restore/garble")
# clean renderings of every training document, and thick print of 80 of them: real legacy scans are rarely as crisp
# as the simulator's clean page, and thick strokes bring confusions of their own ("nim" for "năm" 39 % of the time
# against 1.4 %, "cic" for "các")
DEFAULT_PASSES = ("80:5000", "0:8000", "80:5000:bold")
_EDGE = re.compile(r"^[\"'“”‘’(\[{,.;:!?…]+|[\"'“”‘’)\]},.;:!?…]+$")


# ------------------------------------------------------------------------------------------------
# rendering + OCR
def _ocr_doc(args: tuple[str, int, str]) -> list[tuple[str, str]]:
    text, seed, preset = args
    os.environ["OMP_THREAD_LIMIT"] = "1"
    import pytesseract

    from pipeline.simulate import simulate

    scan = simulate(text, preset, seed=seed)
    out = []
    for page in scan.pages:
        ocr = pytesseract.image_to_string(page.image, lang="eng")
        out.append((unicodedata.normalize("NFC", page.ground_truth), unicodedata.normalize("NFC", ocr)))
    return out


def _ocr_indexed(item):
    i, args = item
    return i, _ocr_doc(args)


def _key(text: str, seed: int, preset: str) -> str:
    return hashlib.sha1(f"{preset}|{seed}|eng|{text}".encode("utf-8")).hexdigest()[:16]


def ocr_documents(texts: list[str], seeds: list[int], cache: Path | None, preset: str = "clean",
                  workers: int = 2, log=None) -> list[list[tuple[str, str]]]:
    """(ground truth, OCR) per page for every document; cached per document."""
    results: list[list[tuple[str, str]] | None] = [None] * len(texts)
    todo = []
    for i, (t, s) in enumerate(zip(texts, seeds)):
        f = cache / f"{_key(t, s, preset)}.json" if cache else None
        if f is not None and f.exists():
            results[i] = [tuple(x) for x in json.loads(f.read_text(encoding="utf-8"))]
        else:
            todo.append(i)
    if todo:
        t0 = time.time()
        args = [(texts[i], seeds[i], preset) for i in todo]
        if workers > 1:
            with mp.get_context("fork").Pool(workers) as pool:
                it = pool.imap_unordered(_ocr_indexed, list(zip(todo, args)))
                for n, (i, pages) in enumerate(it):
                    results[i] = pages
                    _save(cache, texts[i], seeds[i], preset, pages)
                    if log:
                        log(f"  OCR {n + 1}/{len(todo)} documents ({time.time() - t0:.0f}s)")
        else:
            for n, i in enumerate(todo):
                results[i] = _ocr_doc(args[n])
                _save(cache, texts[i], seeds[i], preset, results[i])
                if log:
                    log(f"  OCR {n + 1}/{len(todo)} documents ({time.time() - t0:.0f}s)")
    return [r or [] for r in results]


def _save(cache: Path | None, text: str, seed: int, preset: str, pages) -> None:
    if cache is None:
        return
    cache.mkdir(parents=True, exist_ok=True)
    (cache / f"{_key(text, seed, preset)}.json").write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")


def garble_text(text: str, seed: int = 0, cache: Path | None = DEFAULT_CACHE, preset: str = "clean",
                workers: int = 1) -> tuple[str, str]:
    """(ground truth, English-model OCR) of ``text`` rendered by the simulator, pages joined by
    a line break. The ground truth is what the simulator drew (its own line breaks)."""
    pages = ocr_documents([text], [seed], cache, preset, workers)[0]
    gt = "\n".join(g for g, _ in pages)
    ocr = "\n".join(o.rstrip("\n\f ") for _, o in pages)
    return gt, ocr


# ------------------------------------------------------------------------------------------------
# alignment
def words(text: str) -> list[str]:
    out = []
    for w in text.split():
        w = _EDGE.sub("", w)
        if w:
            out.append(w)
    return out


def align_words(gt: list[str], ocr: list[str], ortho: Orthography) -> list[tuple[str, str]]:
    """1:1 word pairs (truth, OCR) from a Levenshtein alignment over rough skeletons."""
    gk = [ortho.strip(w.lower()) for w in gt]
    ok = [_rough(w) for w in ocr]
    pairs = []
    for op in Levenshtein.opcodes(gk, ok):
        if op.tag == "equal":
            pairs.extend(zip(gt[op.src_start:op.src_end], ocr[op.dest_start:op.dest_end]))
        elif op.tag == "replace" and op.src_end - op.src_start == op.dest_end - op.dest_start:
            for g, o in zip(gt[op.src_start:op.src_end], ocr[op.dest_start:op.dest_end]):
                if Levenshtein.normalized_distance(ortho.strip(g.lower()), _rough(o)) <= 0.6:
                    pairs.append((g, o))
    return pairs


_ROUGH = str.maketrans({"4": "a", "6": "o", "0": "o", "1": "l", "é": "e", "è": "e", "ê": "e", "ë": "e",
                        "ô": "o", "ö": "o", "ó": "o", "ò": "o", "á": "a", "à": "a", "â": "a", "ä": "a",
                        "í": "i", "ì": "i", "î": "i", "ï": "i", "ú": "u", "ù": "u", "û": "u", "ü": "u",
                        "w": "u", "€": "e", "¢": "c", "&": "e"})


def _rough(w: str) -> str:
    return w.lower().translate(_ROUGH)


def learn_tables(pages: list[tuple[str, str]], ortho: Orthography) -> tuple[Counter, Counter]:
    """Character and word channel counts from (truth, OCR) pages."""
    chars: Counter = Counter()
    wordc: Counter = Counter()
    for gt, ocr in pages:
        for g, o in align_words(words(gt), words(ocr), ortho):
            gl, ol = g.lower(), o.lower()
            if ortho.parse(gl) is None:
                continue  # numbers, codes, abbreviations: not syllables
            wordc[(ol, ortho.normalize(gl) or gl)] += 1
            for t, w in char_alignment(ortho.normalize(gl) or gl, ol):
                chars[(t, w)] += 1
    return chars, wordc


def write_tables(chars: Counter, wordc: Counter, data_dir: Path, meta: str) -> None:
    with (data_dir / CHARS_FILE).open("w", encoding="utf-8") as fh:
        fh.write("# English-model OCR channel, characters (learned; see README.md and garble_data.py).\n")
        fh.write(f"# {meta}\n")
        fh.write("# columns: true letter (lower case, new tone style), what the OCR wrote for it ('-' =\n")
        fh.write("# nothing; may be two characters when it inserted one), count.\n")
        fh.write("true\tocr\tcount\n")
        for (t, w), c in sorted(chars.items(), key=lambda x: (x[0][0], -x[1])):
            fh.write(f"{t}\t{w or '-'}\t{c}\n")
    with (data_dir / WORDS_FILE).open("w", encoding="utf-8") as fh:
        fh.write("# English-model OCR channel, whole words (learned; see README.md and garble_data.py).\n")
        fh.write(f"# {meta}\n")
        fh.write("# columns: OCR token (lower case), true syllable (lower case, new tone style), count.\n")
        fh.write("# Pairs seen once are left out.\n")
        fh.write("ocr\ttrue\tcount\n")
        for (o, t), c in sorted(wordc.items(), key=lambda x: (x[0][0], -x[1])):
            if c >= 2:
                fh.write(f"{o}\t{t}\t{c}\n")


def _head(text: str, max_chars: int) -> str:
    """The first lines of ``text`` up to about ``max_chars`` characters."""
    if len(text) <= max_chars:
        return text
    cut = text.rfind("\n", 0, max_chars)
    return text[: cut if cut > 0 else max_chars]


def _pass(spec: str) -> tuple[int, int, str]:
    """``DOCS:CHARS[:PRESET]`` -> (documents, characters, simulator preset)."""
    parts = spec.split(":")
    return int(parts[0]), int(parts[1]), parts[2] if len(parts) > 2 else "clean"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="../shared/corpus", type=Path)
    ap.add_argument("--out", default=str(DATA_DIR), type=Path, help="folder for the two tables")
    ap.add_argument("--passes", nargs="+", default=list(DEFAULT_PASSES),
                    help="renderings, each DOCS:CHARS[:PRESET]: that many official training documents spread over the "
                         "collection (0: all), the first CHARS characters of each, rendered with the simulator's PRESET "
                         "(default clean), seeds 1000, 1001, ... (the same text in two passes gets two renderings)")
    ap.add_argument("--cache", default=str(DEFAULT_CACHE), type=Path)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dev-docs", type=int, default=16)
    args = ap.parse_args(argv)
    from .train import OFFICIAL, official_split

    path = args.corpus / OFFICIAL
    if not path.exists():
        print(f"corpus not found: {path}", file=sys.stderr)
        return 2
    train_docs, _dev = official_split(path, args.dev_docs)
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    ortho = load_orthography()
    chars: Counter = Counter()
    wordc: Counter = Counter()
    n_pages = 0
    for spec in args.passes:
        n_docs, max_chars, preset = _pass(spec)
        n_docs = n_docs or len(train_docs)
        step = max(1, len(train_docs) // n_docs)  # spread over the collection: every k-th training document
        chosen = [_head(d, max_chars) for d in train_docs[::step][:n_docs]]
        seeds = [1000 + i for i in range(len(chosen))]
        log(f"rendering ({preset}) + OCR of {len(chosen)} official training documents, {max_chars} characters "
            f"(cache {args.cache})")
        pages = [p for doc in ocr_documents(chosen, seeds, args.cache, preset, args.workers, log) for p in doc]
        n_pages += len(pages)
        pass_chars, pass_words = learn_tables(pages, ortho)
        chars += pass_chars
        if preset == "clean":
            # whole words from clean pages only: thick print writes short syllables its own way ("tự" as "ty", the
            # usual writing of "ủy"), and counted here that pulled "Đảng ty" to "Đảng tự" (corpus development
            # documents' restored garble: 14 "ủy" became "tự", lead agency F1 0.835 -> 0.830); its letters still count
            wordc += pass_words
    meta = (f"{n_pages} pages (passes {' '.join(args.passes)} of the {len(train_docs)} official training documents), "
            f"simulate(text, preset, seed), tesseract -l eng; {sum(wordc.values())} aligned syllables in the word table "
            f"(clean passes)")
    write_tables(chars, wordc, Path(args.out), meta)
    log(f"wrote {args.out}/{CHARS_FILE} and {WORDS_FILE}: {meta}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
