"""Train the restore language model.

    python -m pipeline.restore.train --corpus ../shared/corpus --out models/

Reads ``corpus.viwiki.txt`` (Vietnamese Wikipedia, CC BY-SA) and
``tln_official_docs_nov2025.txt`` (real official documents), tokenises them with the restore
tokeniser (syllables normalised to lower case and the new tone style), counts n-grams, estimates
an interpolated modified Kneser-Ney model on each corpus, mixes the two linearly (the official
documents weighted up: ``--official-lambda`` 0.5 against their 3 % share of the tokens) into one
back-off model, prunes rare Wikipedia n-grams, quantises to 8 bits and writes
``restore_lm.npz`` (layout in :mod:`pipeline.restore.lm`). About 2-3 minutes and 1.4 GB of
memory on two cores.

The last ``--dev-docs`` official documents are held out (never counted) as the development set
used for tuning; :func:`official_split` reproduces the split.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import re
import sys
import time
import unicodedata
import zlib
from collections import Counter
from pathlib import Path

import numpy as np

from .lm import bucket_of, skeleton_keys
from .syllable import DATA_DIR, load_orthography
from .tokenize import BOS, EOS, NUM, OTH, PUNCT_TOKENS, UNK, Tokenizer, load_abbreviations, segment_bounds

WIKI = "corpus.viwiki.txt"
OFFICIAL = "tln_official_docs_nov2025.txt"
DOC_MARK = "Độc lập - Tự do - Hạnh phúc"
SPECIALS = [BOS, EOS, UNK, NUM, OTH, *PUNCT_TOKENS]
MODEL_FILE = "restore_lm.npz"


# ---------------------------------------------------------------------------------------------
# corpus
def official_split(path: Path, dev_docs: int = 16) -> tuple[list[str], list[str]]:
    """Split the official-documents corpus into documents; return (train, dev) texts.

    A document starts on the line before each "Độc lập - Tự do - Hạnh phúc" line.
    """
    lines = [unicodedata.normalize("NFC", ln.rstrip("\n")) for ln in path.open(encoding="utf-8")]
    starts = [0]
    for i, ln in enumerate(lines):
        if ln.strip() == DOC_MARK and i - 1 > starts[-1]:
            starts.append(i - 1)
    starts.append(len(lines))
    docs = ["\n".join(lines[a:b]) for a, b in zip(starts, starts[1:]) if b > a]
    if dev_docs <= 0:
        return docs, []
    return docs[:-dev_docs], docs[-dev_docs:]


DOMAIN_NAMES = DATA_DIR / "domain_names.txt"


def domain_names(path: Path = DOMAIN_NAMES) -> list[str]:
    """The names of Party and State bodies that the official documents' side of the model also counts (one
    sentence each; see the file)."""
    lines = (ln.strip() for ln in path.read_text(encoding="utf-8").splitlines())
    return [ln for ln in lines if ln and not ln.startswith("#")]


_TOK: Tokenizer | None = None


def _init_worker() -> None:
    global _TOK
    _TOK = Tokenizer(load_orthography(), load_abbreviations())


_RUN = re.compile(r"[^\W\d_]{2,}")


def _encode_block(text: str) -> tuple[list[str], np.ndarray, Counter]:
    """Tokenise a block of lines; return (local vocab, flat ids with <s>/</s> per segment,
    counts of the letter runs inside non-syllable tokens)."""
    assert _TOK is not None
    text = unicodedata.normalize("NFC", text)
    toks = _TOK.tokenize(text)
    lines = text.split("\n")
    vocab: dict[str, int] = {BOS: 0, EOS: 1}
    out: list[int] = []
    runs: Counter = Counter()
    for a, b in segment_bounds(toks, lines):
        out.append(0)
        for t in toks[a:b]:
            i = vocab.get(t.lm)
            if i is None:
                i = vocab[t.lm] = len(vocab)
            out.append(i)
            if t.kind in ("code", "word"):
                runs.update(_RUN.findall(t.text))
        out.append(1)
    return list(vocab), np.array(out, dtype=np.int32), runs


def _blocks(texts: list[str], lines_per_block: int = 2000):
    for text in texts:
        lines = text.split("\n")
        for i in range(0, len(lines), lines_per_block):
            yield "\n".join(lines[i:i + lines_per_block])


def encode_corpus(texts: list[str], workers: int, log) -> tuple[dict[str, int], np.ndarray, Counter]:
    vocab: dict[str, int] = {}
    parts = []
    runs: Counter = Counter()
    blocks = list(_blocks(texts))
    if workers > 1:
        pool = mp.get_context("fork").Pool(workers, initializer=_init_worker)
        it = pool.imap(_encode_block, blocks, chunksize=4)
    else:
        _init_worker()
        pool = None
        it = map(_encode_block, blocks)
    for k, (local, ids, r) in enumerate(it):
        runs.update(r)
        remap = np.empty(len(local), dtype=np.int32)
        for j, w in enumerate(local):
            g = vocab.get(w)
            if g is None:
                g = vocab[w] = len(vocab)
            remap[j] = g
        parts.append(remap[ids])
        if k % 200 == 0:
            log(f"  block {k}/{len(blocks)}")
    if pool is not None:
        pool.close()
        pool.join()
    return vocab, (np.concatenate(parts) if parts else np.zeros(0, np.int32)), runs


def _vocab_array(v: dict[str, int]) -> np.ndarray:
    return np.frombuffer("\n".join(v).encode("utf-8"), dtype=np.uint8)


def _vocab_dict(a: np.ndarray) -> dict[str, int]:
    return {w: i for i, w in enumerate(bytes(a).decode("utf-8").split("\n"))}


def abbreviation_marks(runs: Counter, ortho, min_count: int = 3) -> dict[str, str]:
    """Stripped upper-case abbreviation -> its marked spelling (QD -> QĐ, HDND -> HĐND).

    Learned from the upper-case letter runs of non-syllable tokens (runs that are syllables or
    syllable skeletons, or only vowels, are left out): a marked run seen ``min_count`` times
    or more is kept when it makes at least 3/4 of the marked runs of its skeleton and the
    unmarked spelling is at most a third as frequent. The marked entries of
    ``abbreviations.txt`` are added when they do not conflict.
    """
    by_skel: dict[str, Counter] = {}
    vowels = set("aăâeêioôơuưy")
    for r, c in runs.items():
        if not (ortho.has_marks(r) and r.isupper()):
            continue
        low = ortho.strip(r).lower()
        if not set(low) <= vowels and not ortho.is_skeleton(low) and ortho.parse(r.lower()) is None:
            by_skel.setdefault(ortho.strip(r), Counter())[r] += c
    out: dict[str, str] = {}
    for sk, cnt in by_skel.items():
        (best, c), = cnt.most_common(1)
        if c >= min_count and c >= 0.75 * sum(cnt.values()) and runs.get(sk, 0) * 3 <= c:
            out[sk] = best
    for a in load_abbreviations():
        if ortho.has_marks(a) and a.isupper():
            sk = ortho.strip(a)
            if sk not in out and runs.get(sk, 0) * 3 <= runs.get(a, 0) + 3:
                out[sk] = a
    return dict(sorted(out.items()))


# ---------------------------------------------------------------------------------------------
# counting and Kneser-Ney
def ngram_keys(seq: np.ndarray, n: int, eos: int, bos: int = 0) -> np.ndarray:
    """uint64 keys (16 bits per word) of all n-grams inside segments of ``seq``."""
    m = len(seq) - n + 1
    if m <= 0:
        return np.zeros(0, np.uint64)
    valid = np.ones(m, dtype=bool)
    is_eos = seq == eos
    for j in range(n - 1):
        valid &= ~is_eos[j:j + m]
    if n == 1:
        valid &= seq[:m] != bos  # <s> is never predicted
    key = np.zeros(m, dtype=np.uint64)
    for j in range(n):
        key = (key << np.uint64(16)) | seq[j:j + m].astype(np.uint64)
    return key[valid]


def count(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    u, c = np.unique(keys, return_counts=True)
    return u, c.astype(np.float64)


def discounts(adj: np.ndarray) -> tuple[float, float, float]:
    r = np.rint(adj).astype(np.int64)
    n1, n2, n3, n4 = (max(int((r == k).sum()), 1) for k in (1, 2, 3, 4))
    y = n1 / (n1 + 2 * n2)
    d1 = 1 - 2 * y * n2 / n1
    d2 = 2 - 3 * y * n3 / n2
    d3 = 3 - 4 * y * n4 / n3
    return (float(np.clip(d1, 0.05, 0.95)), float(np.clip(d2, 0.1, 1.9)), float(np.clip(d3, 0.2, 2.9)))


def mask_bits(n: int) -> np.uint64:
    return np.uint64((1 << (16 * n)) - 1) if n < 4 else np.uint64(0xFFFFFFFFFFFFFFFF)


def kneser_ney(counts: dict[int, tuple[np.ndarray, np.ndarray]], raw: dict[int, np.ndarray],
               order: int, vocab_size: int, bos: int, log):
    """Interpolated modified Kneser-Ney.

    ``counts[n]`` = (sorted keys, counts); ``raw[n]`` = the counts the discounts of the highest
    order are estimated from. Returns (ln p per order, ln back-off weight per order, discounts);
    ``ln p["uni_floor"]`` is the unigram probability of a word never seen, ``bow["bos"]`` the back-off weight of
    the context ``<s>``.
    """
    adj: dict[int, np.ndarray] = {}
    adj[order] = counts[order][1]
    for n in range(order - 1, 0, -1):
        keys_hi = counts[n + 1][0]
        suf, cont = np.unique(keys_hi & mask_bits(n), return_counts=True)
        keys = counts[n][0]
        pos = np.searchsorted(suf, keys)
        pos_c = np.minimum(pos, len(suf) - 1)
        found = suf[pos_c] == keys
        a = np.where(found, cont[pos_c], 0).astype(np.float64)
        first = (keys >> np.uint64(16 * (n - 1))).astype(np.int64)
        starts_bos = first == bos
        a[starts_bos] = counts[n][1][starts_bos]
        adj[n] = a
    lp: dict[int, np.ndarray] = {}
    bow: dict[int, np.ndarray] = {n: np.zeros(len(counts[n][0])) for n in counts}
    disc: dict[int, tuple[float, float, float]] = {}
    for n in range(1, order + 1):
        keys = counts[n][0]
        a = adj[n]
        d = discounts(raw[n] if n == order else a)
        disc[n] = d
        dv = np.where(a >= 3, d[2], np.where(a >= 2, d[1], np.where(a >= 1, d[0], 0.0)))
        dv = np.minimum(dv, a)
        if n == 1:
            denom = a.sum()
            gamma = (dv.sum()) / denom
            p = (a - dv) / denom + gamma / vocab_size
            lp[1] = np.log(p)
            lp["uni_floor"] = float(np.log(gamma / vocab_size))
            continue
        ctx = keys >> np.uint64(16)
        uctx, inv = np.unique(ctx, return_inverse=True)
        denom = np.bincount(inv, weights=a, minlength=len(uctx))
        gam = np.bincount(inv, weights=dv, minlength=len(uctx)) / denom
        lower_keys = counts[n - 1][0]
        sidx = np.searchsorted(lower_keys, keys & mask_bits(n - 1))
        if not np.all(lower_keys[np.minimum(sidx, len(lower_keys) - 1)] == (keys & mask_bits(n - 1))):
            raise RuntimeError(f"order {n}: suffix missing from order {n - 1}")
        p_low = np.exp(lp[n - 1][sidx])
        p = (a - dv) / denom[inv] + gam[inv] * p_low
        lp[n] = np.log(p)
        cidx = np.minimum(np.searchsorted(lower_keys, uctx), len(lower_keys) - 1)
        stored = lower_keys[cidx] == uctx
        bow[n - 1][cidx[stored]] = np.log(gam[stored])
        if n == 2:  # <s> is a context but no unigram (never predicted): its back-off weight is kept apart
            at_bos = uctx == bos
            bow["bos"] = float(np.log(gam[at_bos][0])) if at_bos.any() else 0.0
        log(f"  order {n}: {len(keys):,} n-grams, discounts {tuple(round(x, 3) for x in d)}")
    return lp, bow, disc


class KNModel:
    """A Kneser-Ney model in back-off form over sorted uint64 keys (16 bits per word)."""

    def __init__(self, keys: dict[int, np.ndarray], lp: dict[int, np.ndarray], bow: dict[int, np.ndarray],
                 uni: np.ndarray, ubow: np.ndarray):
        self.keys, self.lp, self.bow, self.uni, self.ubow = keys, lp, bow, uni, ubow

    @classmethod
    def estimate(cls, counts, order: int, vocab_size: int, bos: int, log) -> "KNModel":
        lp, bow, _disc = kneser_ney(counts, {n: counts[n][1] for n in counts}, order, vocab_size, bos, log)
        uni = np.full(vocab_size, lp["uni_floor"], dtype=np.float64)
        ubow = np.zeros(vocab_size, dtype=np.float64)
        k1 = counts[1][0].astype(np.int64)
        uni[k1] = lp[1]
        ubow[k1] = bow[1]
        ubow[bos] = bow.get("bos", 0.0)
        keys = {n: counts[n][0] for n in counts if n >= 2}
        return cls(keys, {n: lp[n] for n in keys}, {n: bow[n] for n in keys}, uni, ubow)

    def _find(self, n: int, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keys = self.keys[n]
        if len(keys) == 0:
            return np.zeros(len(q), np.int64), np.zeros(len(q), bool)
        i = np.minimum(np.searchsorted(keys, q), len(keys) - 1)
        return i, keys[i] == q

    def context_bow(self, n: int, h: np.ndarray) -> np.ndarray:
        """ln back-off weight of order-n contexts (0 when the context is not stored)."""
        if n == 1:
            return self.ubow[h.astype(np.int64)]
        i, found = self._find(n, h)
        return np.where(found, self.bow[n][i], 0.0)

    def logp(self, n: int, q: np.ndarray) -> np.ndarray:
        """ln P(last word | preceding words) for order-n keys ``q``."""
        if n == 1:
            return self.uni[q.astype(np.int64)]
        i, found = self._find(n, q)
        out = np.empty(len(q), dtype=np.float64)
        out[found] = self.lp[n][i[found]]
        miss = ~found
        if miss.any():
            qm = q[miss]
            out[miss] = self.context_bow(n - 1, qm >> np.uint64(16)) + self.logp(n - 1, qm & mask_bits(n - 1))
        return out


def union_counts(a, b):
    """Union of two (keys, counts) tables: keys, total counts, counts of ``b``."""
    keys = np.concatenate([a[0], b[0]])
    u, inv = np.unique(keys, return_inverse=True)
    tot = np.bincount(inv, weights=np.concatenate([a[1], b[1]]), minlength=len(u))
    cb = np.bincount(inv[len(a[0]):], weights=b[1], minlength=len(u))
    return u, tot, cb


def mix_models(ma: KNModel, mb: KNModel, lam: float, keep_keys: dict[int, np.ndarray], order: int,
               vocab_size: int) -> KNModel:
    """Linear interpolation (1 - lam) * A + lam * B, written as one back-off model over
    ``keep_keys``; back-off weights are renormalised exactly for the kept n-grams."""
    la, lb = np.log(1 - lam), np.log(lam)
    uni = np.logaddexp(la + ma.uni, lb + mb.uni)
    mixed = KNModel({}, {}, {}, uni, np.zeros(vocab_size))
    for n in range(2, order + 1):
        q = keep_keys[n]
        lp = np.logaddexp(la + ma.logp(n, q), lb + mb.logp(n, q))
        mixed.keys[n] = q
        mixed.lp[n] = lp
        mixed.bow[n] = np.zeros(len(q))
        ctx = q >> np.uint64(16)
        uctx, inv = np.unique(ctx, return_inverse=True)
        s_hi = np.bincount(inv, weights=np.exp(lp), minlength=len(uctx))
        s_lo = np.bincount(inv, weights=np.exp(mixed.logp(n - 1, q & mask_bits(n - 1))), minlength=len(uctx))
        b = np.log(np.maximum(1 - s_hi, 1e-9)) - np.log(np.maximum(1 - s_lo, 1e-9))
        if n - 1 == 1:
            mixed.ubow[uctx.astype(np.int64)] = b
        else:
            i, found = mixed._find(n - 1, uctx)
            if not found.all():
                raise RuntimeError(f"order {n}: a context is missing from order {n - 1}")
            mixed.bow[n - 1][i] = b
    return mixed


# ---------------------------------------------------------------------------------------------
# quantisation and packing
def codebook(values: np.ndarray, levels: int = 256, iters: int = 8, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = values if len(values) <= 2_000_000 else rng.choice(values, 2_000_000, replace=False)
    book = np.unique(np.quantile(v, np.linspace(0, 1, levels)))
    for _ in range(iters):
        code = quantise(v, book)
        sums = np.bincount(code, weights=v, minlength=len(book))
        cnt = np.bincount(code, minlength=len(book))
        book = np.where(cnt > 0, sums / np.maximum(cnt, 1), book)
        book = np.unique(book)
    out = np.full(levels, book[-1], dtype=np.float32)
    out[:len(book)] = book
    return np.sort(out)


def quantise(values: np.ndarray, book: np.ndarray) -> np.ndarray:
    mid = (book[1:] + book[:-1]) / 2
    return np.searchsorted(mid, values).astype(np.uint8)


def unpack(keys: np.ndarray, n: int) -> np.ndarray:
    cols = [((keys >> np.uint64(16 * (n - 1 - j))) & np.uint64(0xFFFF)).astype(np.uint16) for j in range(n)]
    return np.stack(cols, axis=1)


# ---------------------------------------------------------------------------------------------
def train(corpus: Path, out: Path, order: int = 4, official_lambda: float = 0.5,
          min_count: int = 2, prune: tuple[int, ...] = (0, 0, 2, 2, 2), dev_docs: int = 16,
          wiki_lines: int | None = None, workers: int = 2, cache_dir: Path | None = None,
          domain_repeats: int = 3, log=print) -> Path:
    t0 = time.time()
    ortho = load_orthography()
    wiki_path, off_path = corpus / WIKI, corpus / OFFICIAL
    off_train, off_dev = official_split(off_path, dev_docs)
    log(f"official documents: {len(off_train)} train, {len(off_dev)} dev (held out)")
    names = domain_names()
    off_train = off_train + names * domain_repeats  # each name a text of its own: a sentence
    log(f"domain names: {len(names)}, counted {domain_repeats} times")
    cache_file = None
    if cache_dir is not None:
        st = [wiki_path.stat(), off_path.stat()]
        names_crc = zlib.crc32("\n".join(names).encode("utf-8"))  # an edited names file is tokenised anew
        tag = (f"{st[0].st_size}-{int(st[0].st_mtime)}-{st[1].st_size}-{int(st[1].st_mtime)}-{dev_docs}-{wiki_lines}"
               f"-{domain_repeats}x{names_crc:08x}")
        cache_file = Path(cache_dir) / f"restore_tokens_{tag}.npz"
    if cache_file is not None and cache_file.exists():
        with np.load(cache_file) as z:
            v_wiki = _vocab_dict(z["v_wiki"])
            v_off = _vocab_dict(z["v_off"])
            seq_wiki, seq_off = z["seq_wiki"], z["seq_off"]
            runs = Counter(dict(zip(_vocab_dict(z["runs"]), z["run_counts"].tolist())))
        log(f"tokenised corpora read from {cache_file}")
    else:
        with wiki_path.open(encoding="utf-8") as fh:
            wiki_text = fh.read() if wiki_lines is None else "".join(next(fh, "") for _ in range(wiki_lines))
        wiki_chunks = wiki_text.split("\n")
        wiki_texts = ["\n".join(wiki_chunks[i:i + 50_000]) for i in range(0, len(wiki_chunks), 50_000)]
        del wiki_text, wiki_chunks
        log("tokenising Wikipedia ...")
        v_wiki, seq_wiki, runs = encode_corpus(wiki_texts, workers, log)
        log(f"  {len(seq_wiki):,} tokens ({time.time() - t0:.0f}s)")
        log("tokenising official documents ...")
        v_off, seq_off, runs_off = encode_corpus(off_train, workers, log)
        runs.update(runs_off)
        log(f"  {len(seq_off):,} tokens ({time.time() - t0:.0f}s)")
        if cache_file is not None:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            np.savez(cache_file, v_wiki=_vocab_array(v_wiki), v_off=_vocab_array(v_off),
                     seq_wiki=seq_wiki, seq_off=seq_off, runs=_vocab_array(dict.fromkeys(runs)),
                     run_counts=np.array(list(runs.values()), dtype=np.int64))

    # vocabulary: class tokens + syllables seen >= min_count times
    freq: dict[str, float] = {}
    for v, seq, wgt in ((v_wiki, seq_wiki, 1.0), (v_off, seq_off, 1.0)):
        inv = list(v)
        bc = np.bincount(seq, minlength=len(inv))
        for i, w in enumerate(inv):
            freq[w] = freq.get(w, 0.0) + bc[i] * wgt
    words = [w for w, f in freq.items() if w not in SPECIALS and f >= min_count and ortho.parse(w) is not None]
    words.sort(key=lambda w: -freq[w])
    vocab = SPECIALS + words
    if len(vocab) >= 65535:
        vocab = vocab[:65535]
    wid = {w: i for i, w in enumerate(vocab)}
    unk = wid[UNK]
    log(f"vocabulary: {len(vocab):,} ({len(words):,} syllables)")

    def remap(v: dict[str, int], seq: np.ndarray) -> np.ndarray:
        oth = wid[OTH]
        table = np.array([wid.get(w, unk if ortho.parse(w) is not None else oth) for w in v], dtype=np.int32)
        return table[seq]

    seq_wiki = remap(v_wiki, seq_wiki)
    seq_off = remap(v_off, seq_off)
    bos, eos = wid[BOS], wid[EOS]

    cw, co = {}, {}
    for n in range(1, order + 1):
        cw[n] = count(ngram_keys(seq_wiki, n, eos, bos))
        co[n] = count(ngram_keys(seq_off, n, eos, bos))
        log(f"  counted order {n}: {len(cw[n][0]):,} + {len(co[n][0]):,} ({time.time() - t0:.0f}s)")
    del seq_wiki, seq_off
    log("Kneser-Ney, Wikipedia:")
    m_wiki = KNModel.estimate(cw, order, len(vocab), bos, log)
    log("Kneser-Ney, official documents:")
    m_off = KNModel.estimate(co, order, len(vocab), bos, log)

    # pruning: keep every n-gram of the official documents, and those of Wikipedia seen at least
    # prune[n] times; a kept n-gram keeps its context
    keep_keys: dict[int, np.ndarray] = {}
    for n in range(order, 1, -1):
        keys, tot, c_off = union_counts(cw[n], co[n])
        k = (tot >= max(prune[n], 1)) | (c_off > 0)
        if n < order:
            ctx = keep_keys[n + 1] >> np.uint64(16)
            k[np.searchsorted(keys, ctx)] = True
        keep_keys[n] = keys[k]
    log(f"mixing (official lambda {official_lambda}) ...")
    mixed = mix_models(m_wiki, m_off, official_lambda, keep_keys, order, len(vocab))
    del m_wiki, m_off
    uni_lp = mixed.uni.astype(np.float32)
    uni_bow = mixed.ubow.astype(np.float32)
    uni_lp[bos] = 0.0

    # skeletons
    skel_of = []
    for w in vocab:
        skel_of.append(w if w in SPECIALS else ortho.strip(w))
    skels = sorted(set(skel_of))
    sid = {s: i for i, s in enumerate(skels)}
    wskel = np.array([sid[s] for s in skel_of], dtype=np.int32)
    order_idx = np.lexsort((-uni_lp, wskel))
    skel_off = np.zeros(len(skels) + 1, dtype=np.int64)
    np.cumsum(np.bincount(wskel, minlength=len(skels)), out=skel_off[1:])

    abbr = abbreviation_marks(runs, ortho)
    log(f"abbreviations with marks: {len(abbr)} (e.g. {', '.join(list(abbr.values())[:8])})")
    arrays: dict[str, np.ndarray] = {
        "abbr_from": np.frombuffer("\n".join(abbr).encode("utf-8"), dtype=np.uint8),
        "abbr_to": np.frombuffer("\n".join(abbr.values()).encode("utf-8"), dtype=np.uint8),
        "vocab": np.frombuffer("\n".join(vocab).encode("utf-8"), dtype=np.uint8),
        "skels": np.frombuffer("\n".join(skels).encode("utf-8"), dtype=np.uint8),
        "wskel": wskel.astype(np.uint16),
        "skel_off": skel_off.astype(np.uint32),
        "skel_members": order_idx.astype(np.uint16),
        "uni_lp": uni_lp,
        "uni_bow": uni_bow,
    }
    sizes = {}
    for n in range(2, order + 1):
        keys = mixed.keys[n]
        words_n = unpack(keys, n)
        lpn = mixed.lp[n]
        book = codebook(lpn)
        code = quantise(lpn, book)
        skey = skeleton_keys(wskel[words_n.astype(np.int64)], len(skels))
        bits = max(8, int(np.ceil(np.log2(max(len(keys), 1) / 2))))
        while True:
            b = bucket_of(skey, bits)
            bc = np.bincount(b, minlength=1 << bits)
            if bc.max() <= 255:
                break
            bits += 1
        srt = np.argsort(b, kind="stable")
        arrays[f"n{n}_words"] = words_n[srt]
        arrays[f"n{n}_lp"] = code[srt]
        arrays[f"n{n}_lp_book"] = book
        arrays[f"n{n}_bucket"] = bc.astype(np.uint8)
        if n < order:
            bw = mixed.bow[n]
            bbook = codebook(bw)
            arrays[f"n{n}_bow"] = quantise(bw, bbook)[srt]
            arrays[f"n{n}_bow_book"] = bbook
        sizes[n] = int(len(keys))
        log(f"  packed order {n}: {len(keys):,} n-grams, {1 << bits:,} buckets (max {bc.max()})")
    meta = {
        "format": "ketluan-restore-lm/1",
        "order": order,
        "smoothing": ("interpolated modified Kneser-Ney per corpus, linearly mixed (official_lambda), "
                      "back-off form, 8-bit quantised"),
        "vocab_size": len(vocab),
        "skeletons": len(skels),
        "ngrams": {str(k): v for k, v in sizes.items()},
        "official_lambda": official_lambda,
        "min_count": min_count,
        "prune": list(prune[:order + 1]),
        "dev_docs_held_out": dev_docs,
        "domain_repeats": domain_repeats,
        "corpora": [WIKI + " (Vietnamese Wikipedia, CC BY-SA 4.0)", OFFICIAL],
        "wiki_lines": wiki_lines,
        "tone_style": "new",
        "trained_seconds": round(time.time() - t0, 1),
    }
    arrays["meta"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
    out.mkdir(parents=True, exist_ok=True)
    path = out / MODEL_FILE
    tmp = out / (MODEL_FILE + ".tmp.npz")
    np.savez(tmp, **arrays)  # uncompressed: loads in a fraction of a second
    tmp.replace(path)
    log(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.time() - t0:.0f}s")
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="../shared/corpus", type=Path)
    ap.add_argument("--out", default="models", type=Path)
    ap.add_argument("--order", type=int, default=4)
    ap.add_argument("--official-lambda", dest="official_lambda", type=float, default=0.5,
                    help="interpolation weight of the official-documents model")
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--prune", type=int, nargs="+", default=[0, 0, 2, 2, 2],
                    help="minimum (weighted) count per order, index = order")
    ap.add_argument("--dev-docs", type=int, default=16)
    ap.add_argument("--wiki-lines", type=int, default=None, help="use only the first N Wikipedia lines")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--cache", type=Path, default=None, help="keep the tokenised corpora here (faster retraining)")
    ap.add_argument("--domain-repeats", type=int, default=3,
                    help="count each line of domain_names.txt this many times as an official sentence")
    args = ap.parse_args(argv)
    if not (args.corpus / WIKI).exists() or not (args.corpus / OFFICIAL).exists():
        print(f"corpus not found under {args.corpus} (need {WIKI} and {OFFICIAL})", file=sys.stderr)
        return 2
    prune = tuple(args.prune) + (2,) * 5
    train(args.corpus, args.out, args.order, args.official_lambda, args.min_count, prune,
          args.dev_docs, args.wiki_lines, args.workers, args.cache, args.domain_repeats,
          log=lambda m: print(m, file=sys.stderr, flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
