"""Candidate generation for tokens garbled by English-model OCR (noisy channel).

The channel ``P(OCR token | true syllable)`` combines two learned tables of
``pipeline/data/restore`` (made by :mod:`pipeline.restore.garble_data`):

* ``garble_eng_words.tsv``: whole-word counts, interpolated with the letter model by how often
  the true syllable was seen, at most ``word_trust`` (the simulator's scans are not the only
  scans: a writing never seen for a frequent word must stay possible);
* ``garble_eng_chars.tsv``: per-letter emissions (a true letter is written as 0, 1 or 2
  characters), combined over a monotone alignment by dynamic programming, for everything else.
  Emissions of a toned letter back off to its toneless letter and then to its skeleton letter.

Candidates for an OCR token are the syllables seen with it in the word table plus every
accented form of the ``neighbours`` vocabulary skeletons closest (Levenshtein <= 2) to a rough
de-garbled skeleton of the token; the best ``max_candidates`` by channel score and unigram
prior go to the decoder with their channel log-probabilities (times ``weight``). Candidate sets
and results are memoised per token.

:meth:`GarbleChannel.adapted` adds one document's confidently restored words to the letter
counts (the restore API does this between its two passes), so the channel learns the habits of
that document's font and scanner. Tuned on the official development documents only:
neighbours 10 -> 30 and 10 -> 16 candidates 97.42% -> 97.72%, adaptation and ``word_trust``
0.6 -> 97.92% syllable accuracy on their simulator garble.

Plugging in another channel (e.g. a Vietnamese-OCR confusion table) means writing another
object with the same ``candidates(text) -> (word ids, log-scores, spellings) | None`` method.
"""

from __future__ import annotations

import csv
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

CHARS_FILE = "garble_eng_chars.tsv"
WORDS_FILE = "garble_eng_words.tsv"
GARBLE_CHARS = "€¢&@©§$|"  # characters English OCR writes for Vietnamese letters


def char_alignment(true: str, ocr: str) -> list[tuple[str, str]]:
    """(true letter, written string) pairs: substitutions, deletions ('') and insertions
    (attached to the preceding true letter, so a letter may be written as two characters)."""
    ops = Levenshtein.editops(true, ocr)
    written = [[c] for c in true]  # default: copied
    ins_after: dict[int, str] = {}
    for op in ops:
        if op.tag == "replace":
            written[op.src_pos] = [ocr[op.dest_pos]]
        elif op.tag == "delete":
            written[op.src_pos] = [""]
        elif op.tag == "insert":
            ins_after[op.src_pos - 1] = ins_after.get(op.src_pos - 1, "") + ocr[op.dest_pos]
    out = []
    for i, c in enumerate(true):
        w = written[i][0] + ins_after.get(i, "")
        out.append((c, w))
    if -1 in ins_after and out:
        out[0] = (out[0][0], ins_after[-1] + out[0][1])
    return out


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


class GarbleChannel:
    """Noisy channel of English-model OCR over Vietnamese syllables."""

    def __init__(self, chars: dict[tuple[str, str], int], words: dict[tuple[str, str], int], lm, ortho,
                 weight: float = 1.0, max_candidates: int = 16, floor: float = 1e-4, neighbours: int = 30,
                 word_trust: float = 0.6, min_misreading: int = 5, insertion_share: float = 0.01):
        self.lm, self.ortho = lm, ortho
        self._chars, self._words = chars, words
        self.weight = weight
        self.max_candidates = max_candidates
        self.neighbours = neighbours
        self.word_trust = word_trust
        self.min_misreading = min_misreading
        self.insertion_share = insertion_share
        self.floor = floor
        # per-letter emission distributions with back-off: toned -> toneless -> skeleton letter
        emit: dict[str, dict[str, float]] = defaultdict(dict)
        tot: dict[str, float] = defaultdict(float)
        for (t, w), c in chars.items():
            emit[t][w] = emit[t].get(w, 0) + c
            tot[t] += c
        self._emit_counts, self._emit_tot = emit, tot
        # an unseen two-character writing ("ộ" as "G6" in "NG6i" for "Nội") is scored as the letter's one-character
        # writing plus an insertion, not as two unseen events: the insertion costs a share of how often any letter is
        # written with one character too many (chosen on the dev documents: share 1.0 98.29 %, 0.1 and 0.01 98.38 %;
        # 0.1 read "UBND huyén triển khai" as "huyền")
        inserted = sum(c for (t, w), c in chars.items() if len(w) == 2)
        self.insertion = insertion_share * inserted / max(1.0, sum(tot.values()))
        self._emit_cache: dict[str, dict[str, float]] = {}
        # whole words
        self.word_pairs: dict[str, dict[str, int]] = defaultdict(dict)
        self.word_tot: dict[str, int] = defaultdict(int)
        for (o, t), c in words.items():
            self.word_pairs[o][t] = c
            self.word_tot[t] += c
        # rough de-garbling: OCR character -> most likely skeleton letter
        best: dict[str, tuple[int, str]] = {}
        for (t, w), c in chars.items():
            if len(w) == 1 and w != t:
                sk = ortho.strip(t)
                if c > best.get(w, (0, ""))[0]:
                    best[w] = (c, sk)
        self.rough_map = {w: sk for w, (c, sk) in best.items() if not w.isalpha() or w not in "abcdeghiklmnopqrstuvxy"}
        # OCR character -> plausible skeleton letters with probabilities (é -> e or o, 6 -> o)
        by_ocr: dict[str, dict[str, float]] = defaultdict(dict)
        for (t, w), c in chars.items():
            if len(w) == 1:
                sk = ortho.strip(t)
                by_ocr[w][sk] = by_ocr[w].get(sk, 0) + c
        self.rough_alts: dict[str, list[tuple[str, float]]] = {}
        for w, d in by_ocr.items():
            n = sum(d.values())
            alts = sorted(((sk, c / n) for sk, c in d.items() if c / n >= 0.05), key=lambda x: -x[1])[:3]
            self.rough_alts[w] = alts
        # two-character writings of one letter (ư -> "tr", "iv"): rough skeleton variants
        best2: dict[str, tuple[int, str]] = {}
        for (t, w), c in chars.items():
            if len(w) == 2 and c >= 5 and c > best2.get(w, (0, ""))[0]:
                best2[w] = (c, ortho.strip(t))
        self.rough_pairs = {w: sk for w, (c, sk) in best2.items()}
        self.skeletons = [s for s in lm.skels if not s.startswith("<") and s.isalpha()]
        self._memo: dict[str, tuple | None] = {}
        self._sets: dict[str, set[str]] = {}

    @cached_property
    def misreadings(self) -> frozenset[str]:
        """Letter runs that are no syllable but were seen often enough for one ("sg" for "sở"): written in
        capitals in running text they are misreadings, not abbreviations. Only the tokenizer asks, of the
        model's own channel, so a document's adapted copy never works them out."""
        return frozenset(o for o, d in self.word_pairs.items()
                         if o.isalpha() and sum(d.values()) >= self.min_misreading and self.ortho.parse(o) is None)

    def adapted(self, pairs: Iterable[tuple[str, str]], weight: float) -> GarbleChannel:
        """This channel with the letter emissions of ``(OCR token, restored syllable)`` pairs
        added, ``weight`` times each (unsupervised adaptation to one document's font and scanner:
        a document whose "năm" comes out as "nim" in its dates also writes "văn" as "vin")."""
        chars = Counter(self._chars)
        for ocr, true in pairs:
            for t, w in char_alignment(true, ocr):
                chars[(t, w)] += weight
        out = GarbleChannel(chars, self._words, self.lm, self.ortho, weight=self.weight,
                            max_candidates=self.max_candidates, floor=self.floor, neighbours=self.neighbours,
                            word_trust=self.word_trust, min_misreading=self.min_misreading,
                            insertion_share=self.insertion_share)
        out._sets = self._sets  # the candidate sets stay; only their scores change
        return out

    # -- channel ----------------------------------------------------------------------------------
    def emission(self, t: str) -> dict[str, float]:
        """P(written | true letter t) as a dict (lower case)."""
        hit = self._emit_cache.get(t)
        if hit is not None:
            return hit
        chain = [t]
        dec = self.ortho.decompose.get(t)
        if dec is not None and dec[1]:
            chain.append(dec[0])  # toneless letter
        sk = self.ortho.strip(t)
        if sk not in chain:
            chain.append(sk)
        dist: dict[str, float] = {}
        mass = 1.0
        for i, c in enumerate(chain):
            n = self._emit_tot.get(c, 0.0)
            if n <= 0:
                continue
            share = n / (n + 20.0) if i < len(chain) - 1 else 1.0
            for w, k in self._emit_counts[c].items():
                dist[w] = dist.get(w, 0.0) + mass * share * k / n
            mass *= 1 - share
            if mass < 1e-6:
                break
        if mass > 1e-6:  # nothing learned: copy, or the skeleton letter
            dist[t] = dist.get(t, 0.0) + mass * 0.5
            dist[sk] = dist.get(sk, 0.0) + mass * 0.5
        self._emit_cache[t] = dist
        return dist

    def char_logprobs(self, trues: list[str], ocr: str) -> np.ndarray:
        """For each true syllable: max over monotone alignments with ``ocr`` of the summed
        log P(piece | letter), every letter written as a piece of 0..2 characters. One dynamic
        programme for all syllables at once (letters x pieces scored first, then vectorised)."""
        m, C = len(ocr), len(trues)
        NEG = -1e9
        lf = math.log(self.floor)
        letters = sorted({c for t in trues for c in t})
        index = {c: i for i, c in enumerate(letters)}
        # score[l, j, k]: letter l written as ocr[j:j+k] (k = 0: deleted)
        score = np.full((len(letters), m + 1, 3), NEG)
        for li, c in enumerate(letters):
            em = self.emission(c)
            p = em.get("", 0.0)
            score[li, :, 0] = math.log(p) if p > 0 else lf * 1.5
            for k in (1, 2):
                for j in range(m - k + 1):
                    p = em.get(ocr[j:j + k], 0.0)
                    if p <= 0 and k == 2:
                        p = max(em.get(ocr[j], 0.0), em.get(ocr[j + 1], 0.0)) * self.insertion
                    score[li, j, k] = math.log(p) if p > 0 else lf * k
        n_max = max(map(len, trues))
        lens = np.fromiter(map(len, trues), dtype=np.int64, count=C)
        seq = np.zeros((C, n_max), dtype=np.int64)
        for r, t in enumerate(trues):
            seq[r, :len(t)] = [index[c] for c in t]
        prev = np.full((C, m + 1), NEG)
        prev[:, 0] = 0.0
        for i in range(n_max):
            sc = score[seq[:, i]]  # (C, m+1, 3)
            cur = prev + sc[:, :, 0]
            for k in (1, 2):
                if k <= m:
                    cur[:, k:] = np.maximum(cur[:, k:], prev[:, :m + 1 - k] + sc[:, :m + 1 - k, k])
            live = (i < lens)[:, None]
            prev = np.where(live, np.maximum(cur, NEG), prev)
        return prev[:, m]

    def logprobs(self, trues: list[str], ocr: str) -> np.ndarray:
        """log P(ocr | true) for each true syllable: the letter model, interpolated with the
        whole-word table where the syllable was seen."""
        out = np.exp(self.char_logprobs(trues, ocr))
        seen = self.word_pairs.get(ocr, {})
        for r, t in enumerate(trues):
            nt = self.word_tot.get(t, 0)
            if nt:
                lam = min(nt / (nt + 5.0), self.word_trust)
                out[r] = lam * seen.get(t, 0) / nt + (1 - lam) * out[r]
        return np.log(out + 1e-30)

    # -- candidates -------------------------------------------------------------------------------
    def rough(self, ocr: str) -> str:
        return "".join(self.rough_map.get(c, self.ortho.strip(c)) for c in ocr)

    def roughs(self, ocr: str, beam: int = 8) -> list[str]:
        """Rough skeletons of an OCR token, most probable first: each character read as its
        likely skeleton letters (é as e or o), and known two-character writings of one letter
        folded (ư written "tr": "str" -> "su")."""
        hyps = [("", 0.0)]
        for c in ocr:
            alts = self.rough_alts.get(c) or [(self.ortho.strip(c), 1.0)]
            hyps = sorted(((h + a, lp + math.log(p)) for h, lp in hyps for a, p in alts),
                          key=lambda x: -x[1])[:beam]
        out = [h for h, _ in hyps]
        for i in range(len(ocr) - 1):
            sk = self.rough_pairs.get(ocr[i:i + 2])
            if sk is not None:
                out.append(self.rough(ocr[:i]) + sk + self.rough(ocr[i + 2:]))
        seen: set[str] = set()
        return [r for r in out if r and not (r in seen or seen.add(r))]

    def candidate_set(self, g: str) -> set[str]:
        """Vocabulary syllables worth scoring for the lower-case OCR token ``g`` (memoised;
        shared with the adapted channels made from this one)."""
        hit = self._sets.get(g)
        if hit is not None:
            return hit
        lm = self.lm
        cand: set[str] = set(self.word_pairs.get(g, {}))
        skels: set[str] = set()
        for k, r in enumerate(self.roughs(g)):
            if r in lm.skel_id:
                skels.add(r)
            if k < 3:
                for sk, _score, _i in process.extract(r, self.skeletons, scorer=Levenshtein.distance,
                                                      limit=self.neighbours, score_cutoff=1 if len(r) <= 2 else 2):
                    skels.add(sk)
        for sk in skels:
            cand.update(lm.vocab[w] for w in lm.members(lm.skel_id[sk])[:12])
        cand = {c for c in cand if c in lm.word_id}
        if len(self._sets) < 200_000:
            self._sets[g] = cand
        return cand

    def candidates(self, text: str):
        """(word ids, weighted channel log-scores, spellings) for an OCR token, or None."""
        g = text.lower()
        if g in self._memo:
            return self._memo[g]
        lm = self.lm
        cand = self.candidate_set(g)
        if not cand:
            self._memo[g] = None
            return None
        uni = lm.uni_lp
        trues = sorted(cand)
        scored = list(zip(self.logprobs(trues, g).tolist(), trues))
        # keep the most probable by channel x prior; the decoder gets the channel score only
        scored.sort(key=lambda x: x[0] + float(uni[lm.word_id[x[1]]]), reverse=True)
        scored = scored[: self.max_candidates]
        best = max(s for s, _ in scored)
        scored = [(s, c) for s, c in scored if s >= best - 12.0]
        ids = np.array([lm.word_id[c] for _, c in scored], dtype=np.int64)
        ch = np.array([self.weight * s for s, _ in scored], dtype=np.float32)
        res = (ids, ch, [c for _, c in scored])
        if len(self._memo) < 200_000:
            self._memo[g] = res
        return res


def load_garble_channel(data_dir: Path, lm, ortho, weight: float = 1.0) -> GarbleChannel | None:
    """The English-OCR channel from ``data_dir``; ``None`` when the tables are absent."""
    cf, wf = Path(data_dir) / CHARS_FILE, Path(data_dir) / WORDS_FILE
    if not cf.exists() or not wf.exists():
        return None
    chars = {}
    for row in _read(cf):
        w = "" if row["ocr"] == "-" else row["ocr"]
        chars[(row["true"], w)] = int(row["count"])
    words = {(row["ocr"], row["true"]): int(row["count"]) for row in _read(wf)}
    return GarbleChannel(chars, words, lm, ortho, weight=weight)
