"""Compact syllable n-gram language model, keyed by skeletons.

Storage (one ``.npz`` file, see ``models/README.md``):

* ``vocab``: the syllable vocabulary (lower case, new tone style) and class tokens; each word has
  a *skeleton* (its letters with every diacritic removed). Words of one skeleton are listed
  together (``skel_members``), most frequent first: they are the candidates for a stripped token.
* unigrams: dense ``uni_lp`` / ``uni_bow`` (natural-log probability and back-off weight).
* for n = 2..N: the n-grams as columns of uint16 word ids, an 8-bit quantised log-probability
  (and back-off weight for n < N) with a 256-entry codebook per order, grouped into hash buckets
  of the *skeleton* n-gram. One bucket read gives every accented n-gram that a stripped (or
  otherwise known) skeleton sequence can be: the decoder needs three bucket reads per position.
  Bucket sizes are stored as uint8 and summed at load time; a read is verified against the
  skeletons of the entries, so hash collisions never give wrong scores.

The probabilities are interpolated modified Kneser-Ney written in back-off form: the score of
``w`` after ``h`` is the stored n-gram value when present, else ``bow(h) + score(w | h[1:])``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MIX = np.uint64(0x9E3779B97F4A7C15)


def skeleton_keys(skels: np.ndarray, n_skel: int) -> np.ndarray:
    """Exact uint64 key of skeleton n-grams (rows of ``skels``), n_skel < 2**16."""
    skels = np.asarray(skels, dtype=np.uint64)
    key = skels[:, 0].copy()
    base = np.uint64(n_skel)
    for i in range(1, skels.shape[1]):
        key = key * base + skels[:, i]
    return key


def bucket_of(keys: np.ndarray, bits: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        h = keys * MIX
    return (h >> np.uint64(64 - bits)).astype(np.int64)


@dataclass
class NgramTable:
    n: int
    words: np.ndarray  # (E, n) uint16, sorted by bucket
    lp_code: np.ndarray  # (E,) uint8
    lp_book: np.ndarray  # (256,) float32
    bow_code: np.ndarray | None  # (E,) uint8 (n < order)
    bow_book: np.ndarray | None
    offsets: np.ndarray  # (2**bits + 1,) int64
    bits: int

    def __len__(self) -> int:
        return int(self.words.shape[0])


class NgramLM:
    """Read-only n-gram model; see the module docstring for the layout."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        meta = json.loads(bytes(arrays["meta"]).decode("utf-8"))
        self.meta = meta
        self.order = int(meta["order"])
        self.vocab: list[str] = bytes(arrays["vocab"]).decode("utf-8").split("\n")
        self.word_id = {w: i for i, w in enumerate(self.vocab)}
        self.skels: list[str] = bytes(arrays["skels"]).decode("utf-8").split("\n")
        self.skel_id = {s: i for i, s in enumerate(self.skels)}
        self.n_skel = len(self.skels)
        self.wskel = arrays["wskel"].astype(np.int64)
        self.skel_off = arrays["skel_off"].astype(np.int64)
        self.skel_members = arrays["skel_members"].astype(np.int64)
        self.uni_lp = arrays["uni_lp"].astype(np.float32)
        self.uni_bow = arrays["uni_bow"].astype(np.float32)
        self.tables: dict[int, NgramTable] = {}
        for n in range(2, self.order + 1):
            counts = arrays[f"n{n}_bucket"]
            offsets = np.zeros(counts.shape[0] + 1, dtype=np.int64)
            np.cumsum(counts, out=offsets[1:])
            has_bow = n < self.order
            self.tables[n] = NgramTable(
                n=n,
                words=arrays[f"n{n}_words"],
                lp_code=arrays[f"n{n}_lp"],
                lp_book=arrays[f"n{n}_lp_book"].astype(np.float32),
                bow_code=arrays[f"n{n}_bow"] if has_bow else None,
                bow_book=arrays[f"n{n}_bow_book"].astype(np.float32) if has_bow else None,
                offsets=offsets,
                bits=int(round(np.log2(counts.shape[0]))),
            )
        self.abbr_marks: dict[str, str] = {}
        if "abbr_from" in arrays and arrays["abbr_from"].size:
            src = bytes(arrays["abbr_from"]).decode("utf-8").split("\n")
            dst = bytes(arrays["abbr_to"]).decode("utf-8").split("\n")
            self.abbr_marks = dict(zip(src, dst))
        if self.order < 3:
            raise ValueError("the restore decoder needs a model of order 3 or more")
        for special in ("<s>", "</s>", "<unk>", "<num>", "<oth>"):
            if special not in self.word_id:
                raise ValueError(f"model vocabulary lacks {special}")
        self.bos = self.word_id["<s>"]
        self.eos = self.word_id["</s>"]
        self.unk = self.word_id["<unk>"]

    @classmethod
    def load(cls, path: str | Path) -> "NgramLM":
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        return cls(arrays)

    # ------------------------------------------------------------------------------------
    def members(self, skel: int) -> np.ndarray:
        """Word ids with skeleton ``skel``, most probable first."""
        return self.skel_members[self.skel_off[skel]:self.skel_off[skel + 1]]

    def lookup(self, n: int, skel_ngrams: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """All stored n-grams whose skeletons equal the query rows.

        Returns (query index, entry index) pairs.
        """
        tab = self.tables[n]
        q = np.asarray(skel_ngrams, dtype=np.int64)
        if q.shape[0] == 0:
            e = np.zeros(0, dtype=np.int64)
            return e, e
        b = bucket_of(skeleton_keys(q, self.n_skel), tab.bits)
        lo = tab.offsets[b]
        lens = tab.offsets[b + 1] - lo
        total = int(lens.sum())
        qidx = np.repeat(np.arange(q.shape[0]), lens)
        starts = np.repeat(lo - (np.cumsum(lens) - lens), lens)
        eidx = starts + np.arange(total)
        words = tab.words[eidx].astype(np.int64)
        ok = np.ones(total, dtype=bool)
        for i in range(n):
            ok &= self.wskel[words[:, i]] == q[qidx, i]
        return qidx[ok], eidx[ok]

    def entry_lp(self, n: int, eidx: np.ndarray) -> np.ndarray:
        tab = self.tables[n]
        return tab.lp_book[tab.lp_code[eidx]]

    def entry_bow(self, n: int, eidx: np.ndarray) -> np.ndarray:
        tab = self.tables[n]
        return tab.bow_book[tab.bow_code[eidx]]

    def entry_words(self, n: int, eidx: np.ndarray) -> np.ndarray:
        return self.tables[n].words[eidx].astype(np.int64)

    def score_sequence(self, words: list[int]) -> float:
        """Log-probability of a word-id sequence (after its first word); slow, for tests."""
        total = 0.0
        for i in range(1, len(words)):
            total += self._score(words[max(0, i - self.order + 1):i + 1])
        return total

    def _score(self, gram: list[int]) -> float:
        n = len(gram)
        if n == 1:
            return float(self.uni_lp[gram[0]])
        skel = np.array([[self.wskel[w] for w in gram]])
        _, e = self.lookup(n, skel)
        words = self.entry_words(n, e)
        hit = np.nonzero((words == np.array(gram)).all(axis=1))[0]
        if hit.size:
            return float(self.entry_lp(n, e[hit[:1]])[0])
        return self._bow(gram[:-1]) + self._score(gram[1:])

    def _bow(self, ctx: list[int]) -> float:
        n = len(ctx)
        if n == 1:
            return float(self.uni_bow[ctx[0]])
        skel = np.array([[self.wskel[w] for w in ctx]])
        _, e = self.lookup(n, skel)
        words = self.entry_words(n, e)
        hit = np.nonzero((words == np.array(ctx)).all(axis=1))[0]
        return float(self.entry_bow(n, e[hit[:1]])[0]) if hit.size else 0.0
