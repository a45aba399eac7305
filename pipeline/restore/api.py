"""Public API of the restore stage: :func:`load_model` and :func:`restore_text`."""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .candidates import GarbleChannel, load_garble_channel
from .decode import decode
from .lm import NgramLM
from .syllable import DATA_DIR, Orthography, load_orthography, transfer_case
from .tokenize import Token, Tokenizer, load_abbreviations, misread_roman, segment_bounds

MODEL_DIR = Path(__file__).resolve().parents[2] / "models"
MODEL_FILE = "restore_lm.npz"
MODES = ("auto", "stripped", "garbled", "ocr", "unchanged")


@dataclass
class Change:
    start: int  # character span in the (NFC) input text
    end: int
    original: str
    replacement: str
    score: float  # 0..1: the decoder's confidence in the replacement (1.0 for restyling)


@dataclass
class Restoration:
    text: str
    mode: str  # "stripped" | "garbled" | "ocr" | "unchanged"
    changes: list[Change] = field(default_factory=list)


@dataclass
class OcrParams:
    """The "ocr" mode (Vietnamese OCR output with word confidences); tuned on the official
    development documents only (``python -m pipeline.restore.ocr_vie --tune``)."""

    conf_max: float = 96.0  # words read with at least this confidence are never changed
    base: float = 2.0  # channel cost (natural log) of changing a word read with confidence 0 ...
    slope: float = 4.0  # ... plus this times confidence / 100 (a word read at 90 needs e^5.6)
    unit: float = 2.0  # extra cost per additional differing mark
    max_units: int = 2  # candidates differ by at most this many marks
    edge: float = 0.0  # extra cost for the first / last word of a segment (one-sided context)
    min_score: float = 0.0  # a change is applied only if the decoder's confidence reaches this


@dataclass
class CacheParams:
    """Document cache for garbled text: a second decoding pass in which a word that the first
    pass restored confidently elsewhere in the document gets a channel bonus (names and
    recurring terms are garbled differently each time they occur). Tuned on the official
    development documents only: garbled syllable accuracy 97.10% -> 97.42%, CER 1.99% -> 1.91%
    (weight 0.5-1.0 all help; 2.0 hurts); the word-pair bonus and min_conf 0.75 -> 0.6 took it
    from 98.05% to 98.15% ("Đảng tự" -> "Đảng ủy": pair weight 0.4, 0.7, 1.0, 1.5 gave 98.12%,
    98.15%, 98.15%, 98.14%)."""

    weight: float = 0.7  # bonus (natural log) per log(1 + other confident occurrences); 0 turns it off
    min_conf: float = 0.6  # first-pass confidence from which an occurrence counts
    # ... divided by this share of the occurrences the language model's unigrams expect in a document of this
    # length (when that is more than one): "có" read 40 times in a document vouched for "có" against "cơ bản"
    # ("Thủ tướng Chính phủ có bản đồng ý"); a rare name read twice still counts in full. Without it, with 0.1,
    # 0.3, 1 and 3: garble 98.48, 98.50, 98.55, 98.56, 98.52 %; thick print 97.91, 97.94, 97.99, 97.99, 97.96 %
    expected_share: float = 1.0
    pair_weight: float = 1.0  # the same, for occurrences after the same word as here


@dataclass
class AdaptParams:
    """Channel adaptation for garbled text: the letter emissions of the words the first pass
    restored confidently are added to the English-OCR channel before the second pass, so that a
    document's own habits (its font writes ă as "i", ề as "&") count for its other words."""

    weight: float = 10.0  # count added per aligned letter; 0 turns it off
    min_conf: float = 0.8  # first-pass confidence from which a word teaches the channel


@dataclass
class AsShownParams:
    """Tokens of garbled lines that are either what they show or a syllable English-model OCR
    misread: a short number ("6" for "ở", "16" for "lộ": "tiến 6 thi công", "16 trình") and a
    capitalised misreading that looks like an abbreviation ("Lãnh đạo SG" for "Sở"). They get
    the channel's syllables as candidates beside themselves; the language model decides. Tuned
    on the official development documents only (``python -m pipeline.restore.evaluate --dev``):
    keep -1.5, -3, -5, -7 gave 98.00, 98.01, 98.01, 98.01 % before the cache was re-tuned, and at
    -7 fourteen numbers of the reference became words (none at -3)."""

    max_digits: int = 2  # longer numbers are always numbers
    keep: float = -3.0  # channel log-score of reading the token as it is shown


@dataclass
class RestoreModel:
    """Everything restore needs, loaded once and passed around (no module-level state)."""

    lm: NgramLM
    ortho: Orthography
    tokenizer: Tokenizer
    garble: GarbleChannel | None = None
    ocr: OcrParams = field(default_factory=OcrParams)
    cache: CacheParams = field(default_factory=CacheParams)
    adapt: AdaptParams = field(default_factory=AdaptParams)
    as_shown: AsShownParams = field(default_factory=AsShownParams)
    max_candidates: int = 12  # stripped tokens: the most frequent accented forms of a skeleton
    load_seconds: float = 0.0
    path: str = ""
    _skel_cache: dict = field(default_factory=dict, repr=False)
    _fixed: dict = field(default_factory=dict, repr=False)

    def fixed(self, wid: int) -> np.ndarray:
        """A one-candidate array for word ``wid`` (shared; never written to)."""
        a = self._fixed.get(wid)
        if a is None:
            a = self._fixed[wid] = np.array([wid], dtype=np.int64)
        return a

    def skeleton_candidates(self, skel: str) -> tuple[np.ndarray, list[str]] | None:
        """Accented forms of a stripped syllable (word ids, most frequent first, and spellings)."""
        hit = self._skel_cache.get(skel)
        if hit is None:
            sid = self.lm.skel_id.get(skel)
            if sid is None:
                hit = False
            else:
                members = self.lm.members(sid)[: self.max_candidates]
                hit = (members, [self.lm.vocab[w] for w in members])
            self._skel_cache[skel] = hit
        return hit or None


def load_model(path: str | Path | None = None, data_dir: str | Path | None = None) -> RestoreModel:
    """Load the committed model (``models/restore_lm.npz`` by default)."""
    t0 = time.perf_counter()
    p = Path(path) if path is not None else MODEL_DIR / MODEL_FILE
    if p.is_dir():
        p = p / MODEL_FILE
    if not p.exists():
        raise FileNotFoundError(f"restore model not found: {p} (train it: python -m pipeline.restore.train)")
    ddir = Path(data_dir) if data_dir is not None else DATA_DIR
    ortho = load_orthography(str(ddir))
    lm = NgramLM.load(p)
    tok = Tokenizer(ortho, load_abbreviations(ddir))
    garble = load_garble_channel(ddir, lm, ortho)
    return RestoreModel(lm=lm, ortho=ortho, tokenizer=tok, garble=garble,
                        load_seconds=time.perf_counter() - t0, path=str(p))


# ------------------------------------------------------------------------------------------------
# mode detection
@dataclass
class TextStats:
    syllables: int = 0  # tokens that are Vietnamese syllables (or skeletons of one)
    marked: int = 0  # ... of which carry diacritics
    odd: int = 0  # lower-case letter tokens that are not syllables, letter+digit tokens

    def add(self, t: Token, abbr: frozenset[str]) -> None:
        if t.kind == "syl":
            self.syllables += 1
            self.marked += t.marked
        elif t.kind == "word" and t.text not in abbr and any(c.islower() for c in t.text):
            self.odd += 1
        elif t.kind == "code" and len(t.text) <= 4 and any(c.isalpha() for c in t.text):
            self.odd += 1

    def mode(self, have_conf: bool) -> str | None:
        n = self.syllables + self.odd
        if n < 3:
            return None
        odd_ratio = self.odd / n
        marked_ratio = self.marked / max(self.syllables, 1)
        if odd_ratio > 0.12 and marked_ratio < 0.5:
            return "garbled"
        if marked_ratio < 0.08:
            return "stripped"
        return "ocr" if have_conf else "unchanged"


def detect_modes(tokens: list[Token], n_lines: int, abbr: frozenset[str], have_conf: bool) -> tuple[str, list[str]]:
    """Mode of the whole text, and per line (a line with enough evidence may differ)."""
    doc = TextStats()
    lines = [TextStats() for _ in range(n_lines)]
    for t in tokens:
        doc.add(t, abbr)
        lines[t.line].add(t, abbr)
    doc_mode = doc.mode(have_conf) or "unchanged"
    per_line = []
    for st in lines:
        m = doc_mode
        if st.syllables + st.odd >= 6:
            lm_ = st.mode(have_conf)
            # a stripped line inside an accented document, or an accented line in a stripped one
            if lm_ == "stripped" and doc_mode in ("unchanged", "ocr"):
                m = "stripped"
            elif lm_ in ("unchanged", "ocr") and doc_mode == "stripped":
                m = lm_
        per_line.append(m)
    return doc_mode, per_line


# ------------------------------------------------------------------------------------------------
def restore_text(text: str, model: RestoreModel, mode: str = "auto",
                 word_confidences: list[float] | None = None, tone_style: str = "new") -> Restoration:
    """Restore Vietnamese diacritics in ``text``.

    Only syllable tokens change; case, punctuation, spacing, line breaks, numbers, codes,
    abbreviations, foreign words and URLs are kept exactly (the text is put in Unicode NFC
    first; spans in ``changes`` refer to the NFC text, which is the input itself when it was
    NFC already). On stripped text the marks of known abbreviations come back too
    (211/QD-TTg -> 211/QĐ-TTg). ``mode`` is "auto" (decide per
    document, and per line where a line clearly differs), "stripped", "garbled", "ocr" or
    "unchanged" (only the tone placement is normalised to ``tone_style``: "new" = hòa, ủy,
    thủy; "old" = hoà, uỷ, thuỷ). ``word_confidences`` (0..100, one per whitespace-separated
    word, as Tesseract gives them) turn on the "ocr" mode for accented text: a syllable read
    with confidence below ``model.ocr.conf_max`` may change to another syllable of the same
    letters differing by one or two marks (kiếm -> kiểm) when the language model prefers it by a
    margin that grows with the confidence (:class:`OcrParams`); confident words stay as read.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    if tone_style not in ("new", "old"):
        raise ValueError("tone_style must be 'new' or 'old'")
    text = unicodedata.normalize("NFC", text)
    tokens = model.tokenizer.tokenize(text)
    lines = text.split("\n")
    if mode == "auto":
        doc_mode, line_modes = detect_modes(tokens, len(lines), model.tokenizer.abbr, word_confidences is not None)
    else:
        doc_mode, line_modes = mode, [mode] * len(lines)
    if "garbled" in line_modes:
        misreadings = model.garble.misreadings if model.garble is not None else frozenset()
        tokens = _retokenize_garbled(text, lines, tokens, line_modes, model.tokenizer, misreadings)
    conf_of_token = _token_confidences(text, tokens, word_confidences)

    lm, ortho = model.lm, model.ortho
    cands: list[np.ndarray] = []
    chan: list[np.ndarray | None] = []
    seg_ids: list[int] = []
    tok_at: list[int] = []  # token index per position (-1 for <s>, </s>)
    cand_text: list[list[str] | None] = []
    any_open = False
    for s, (a, b) in enumerate(segment_bounds(tokens, lines)):
        cands.append(model.fixed(lm.bos))
        chan.append(None)
        seg_ids.append(s)
        tok_at.append(-1)
        cand_text.append(None)
        for ti in range(a, b):
            t = tokens[ti]
            if t.kind == "mark":
                continue  # no punctuation of the sentence: the language model reads "sử dụng", not "sử ? dụng"
            c, ch, ct = _candidates(t, line_modes[t.line], model, conf_of_token[ti], ti in (a, b - 1))
            if len(c) > 1:
                any_open = True
            cands.append(c)
            chan.append(ch)
            seg_ids.append(s)
            tok_at.append(ti)
            cand_text.append(ct)
        cands.append(model.fixed(lm.eos))
        chan.append(None)
        seg_ids.append(s)
        tok_at.append(-1)
        cand_text.append(None)

    choice = np.zeros(len(cands), dtype=np.int64)
    confidence = np.ones(len(cands), dtype=np.float32)
    if any_open:
        seg = np.array(seg_ids, dtype=np.int64)
        for lo, hi in _blocks(cands, seg_ids):
            d = decode(lm, cands[lo:hi], seg[lo:hi], chan[lo:hi])
            choice[lo:hi] = d.choice
            confidence[lo:hi] = d.confidence
        garbled = [p for p, ti in enumerate(tok_at)
                   if ti >= 0 and len(cands[p]) > 1 and line_modes[tokens[ti].line] == "garbled"]
        if garbled and (model.cache.weight or model.adapt.weight):
            chosen = np.array([int(c[k]) for c, k in zip(cands, choice)], dtype=np.int64)
            if model.adapt.weight and model.garble is not None:
                _adapt_candidates(model, tokens, tok_at, garbled, cands, chan, cand_text, choice, confidence)
            if model.cache.weight:
                chan = _with_document_cache(cands, chan, chosen, confidence, tok_at, garbled, model.cache, lm.uni_lp)
            for lo, hi in _blocks(cands, seg_ids):
                if not any(lo <= p < hi for p in garbled):
                    continue  # nothing garbled in this block: the first pass stands
                d = decode(lm, cands[lo:hi], seg[lo:hi], chan[lo:hi])
                choice[lo:hi] = d.choice
                confidence[lo:hi] = d.confidence

    changes: list[Change] = [Change(t.start, t.end, t.text, "", 1.0) for t in tokens if t.kind == "mark"]
    # lines of running text among the garbled ones, worked out once per line (see the case rule below)
    running = [mode == "garbled" and _mostly_lower(line) for line, mode in zip(lines, line_modes)]
    for p, ti in enumerate(tok_at):
        if ti < 0:
            continue
        t = tokens[ti]
        ct = cand_text[p]
        if t.kind == "roman":
            changes.append(Change(t.start, t.end, t.text, misread_roman(t.text), 1.0))
            continue
        if t.kind not in ("syl", "garb", "misread") and ct is None:
            if t.kind in ("word", "code") and not t.marked and line_modes[t.line] in ("stripped", "garbled"):
                new = _restore_abbreviation(t.text, lm.abbr_marks)
                if new is not None:
                    changes.append(Change(t.start, t.end, t.text, new, 1.0))
            continue
        if ct is not None:
            low = ct[choice[p]]
            new_low = low if tone_style == "new" else (ortho.normalize(low, tone_style) or low)
            score = float(confidence[p])
        elif t.kind == "syl" and t.syl is not None:
            new_low = ortho.render(t.syl, tone_style)
            score = 1.0
        else:
            continue
        if new_low == t.text.lower():
            continue
        if line_modes[t.line] == "ocr" and score < model.ocr.min_score and ct is not None:
            continue
        new = transfer_case(t.text, new_low)
        if running[t.line] and new[1:] != new[1:].lower():
            # English-model OCR reads "ộ" as "O": "BO Quốc phòng" is "Bộ", not "BỘ", in a line of running text
            new = new_low[:1].upper() + new_low[1:] if t.text[:1].isupper() else new_low
        if new != t.text:
            changes.append(Change(t.start, t.end, t.text, new, score))
    return Restoration(text=_apply(text, changes), mode=doc_mode, changes=changes)


def _mostly_lower(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return sum(c.islower() for c in letters) > 0.6 * len(letters)


def _adapt_candidates(model: RestoreModel, tokens, tok_at, garbled, cands, chan, cand_text, choice, confidence) -> None:
    """Candidates of the garbled positions again, from the channel adapted to this document
    (:class:`AdaptParams`); the lists are updated in place."""
    p_min = model.adapt.min_conf
    pairs = [(tokens[tok_at[p]].text.lower(), cand_text[p][choice[p]]) for p in garbled
             if confidence[p] >= p_min and tokens[tok_at[p]].kind != "num"]
    if not pairs:
        return
    channel = model.garble.adapted(pairs, model.adapt.weight)
    for p in garbled:
        g = _channel_candidates(tokens[tok_at[p]], channel, model)
        if g is not None:
            cands[p], chan[p], cand_text[p] = g


def _with_document_cache(cands, chan, chosen, confidence, tok_at, garbled, params: CacheParams, uni_lp: np.ndarray):
    """Channel scores of the garbled positions plus the cache bonus of each candidate:
    ``chosen`` is the first pass's word per position; ``uni_lp`` the language model's unigram log-probabilities,
    of which a share of the expected occurrences does not count."""
    sure = [p for p, ti in enumerate(tok_at) if ti >= 0 and confidence[p] >= params.min_conf]
    expected_per_prob = params.expected_share * len(sure)
    counts = Counter(int(chosen[p]) for p in sure)
    # word pairs: "Đảng ủy" read clearly elsewhere vouches for "ủy" after "Đảng" more than for "tự"
    sure_set = set(sure)
    pairs = Counter((int(chosen[p - 1]), int(chosen[p])) for p in sure if p - 1 in sure_set)
    out = list(chan)
    for p in garbled:
        others = np.array([counts[int(w)] for w in cands[p]], dtype=np.float32)
        if p > 0:
            prev = int(chosen[p - 1])
            others2 = np.array([pairs[(prev, int(w))] for w in cands[p]], dtype=np.float32)
        else:  # the first position has no word before it (chosen[-1] would be the document's last)
            others2 = np.zeros(len(cands[p]), np.float32)
        if confidence[p] >= params.min_conf:
            others[cands[p] == chosen[p]] -= 1  # a position does not vouch for itself
            if p - 1 in sure_set:
                others2[cands[p] == chosen[p]] -= 1
        others /= np.maximum(1.0, expected_per_prob * np.exp(uni_lp[cands[p]]))
        base = chan[p] if chan[p] is not None else np.zeros(len(cands[p]), np.float32)
        out[p] = base + params.weight * np.log1p(others) + params.pair_weight * np.log1p(others2)
    return out


def _retokenize_garbled(text: str, lines: list[str], tokens: list[Token], line_modes: list[str],
                        tok: Tokenizer, misreadings: frozenset[str]) -> list[Token]:
    out: list[Token] = []
    by_line: dict[int, list[Token]] = {}
    for t in tokens:
        by_line.setdefault(t.line, []).append(t)
    pos = 0
    for li, line in enumerate(lines):
        if line_modes[li] == "garbled":
            out.extend(tok.tokenize_garbled_line(line, pos, li, misreadings))
        else:
            out.extend(by_line.get(li, []))
        pos += len(line) + 1
    return out


def _candidates(t: Token, mode: str, model: RestoreModel, conf: float | None, edge: bool = False
                ) -> tuple[np.ndarray, np.ndarray | None, list[str] | None]:
    """Candidate word ids, channel scores and candidate spellings (lower case) for a token.

    A fixed token returns one candidate and ``None`` spellings (it is left as it is, apart from
    tone-style normalisation of syllables).
    """
    lm = model.lm
    if t.kind in ("garb", "misread") or (t.kind == "num" and mode == "garbled"):
        if model.garble is not None:
            g = _channel_candidates(t, model.garble, model)
            if g is not None:
                return g
        return model.fixed(lm.word_id[t.lm]), None, None
    if t.kind != "syl":
        return model.fixed(lm.word_id.get(t.lm, lm.word_id["<oth>"])), None, None
    if mode == "stripped" and not t.marked:
        hit = model.skeleton_candidates(t.lm)
        if hit is not None and (len(hit[0]) > 1 or hit[1][0] != t.lm):
            return hit[0], None, hit[1]
    elif mode == "garbled":
        if model.garble is not None:
            g = model.garble.candidates(t.text)
            if g is not None:
                return g
        hit = model.skeleton_candidates(model.ortho.strip(t.lm))
        if hit is not None and (len(hit[0]) > 1 or hit[1][0] != t.lm):
            return hit[0], None, hit[1]
    elif mode == "ocr" and conf is not None and conf < model.ocr.conf_max:
        g = _ocr_candidates(t, model, conf, edge)
        if g is not None:
            return g
    return model.fixed(lm.word_id.get(t.lm, lm.unk)), None, None


def _channel_candidates(t: Token, channel: GarbleChannel, model: RestoreModel):
    """Candidates of a garbled-line token from ``channel`` (None: keep the token as it is)."""
    d, p = t.text, model.as_shown
    if t.kind == "num":
        if (len(d) > p.max_digits or not d.isdigit() or (len(d) > 1 and d[0] == "0")
                or any(c not in channel.rough_map for c in d)):
            return None  # a date part, a count with a leading zero, or digits OCR never writes for letters
        keep = model.lm.word_id["<num>"]
    elif t.kind == "misread":
        keep = model.lm.word_id["<oth>"]
    else:
        return channel.candidates(d)
    g = channel.candidates(d)
    if g is None:
        return None
    ids, ch, spell = g
    return (np.concatenate([model.fixed(keep), ids]),
            np.concatenate([np.array([p.keep], np.float32), ch]), [d.lower(), *spell])


def _ocr_candidates(t: Token, model: RestoreModel, conf: float, edge: bool = False
                    ) -> tuple[np.ndarray, np.ndarray, list[str]] | None:
    """Other forms of a low-confidence syllable read by Vietnamese OCR.

    Candidates are the vocabulary syllables with the same skeleton that differ from what was
    read by at most ``max_units`` marks (a different tone counts 1, every letter with a
    different shape mark, e.g. o/ô/ơ, u/ư, d/đ, counts 1). What was read scores 0; another form
    ``-(base + slope * conf / 100 + unit * (marks - 1))`` (natural log), plus ``edge`` for the
    first or last word of a segment (context on one side only), so that a change needs both a
    low confidence and a clear margin of the language model.
    """
    lm, ortho, p = model.lm, model.ortho, model.ocr
    own = lm.word_id.get(t.lm)
    if own is None:
        return None
    mine = ortho.parse(t.lm)
    if mine is None:
        return None
    hit = model.skeleton_candidates(ortho.strip(t.lm))
    if hit is None:
        return None
    ids, spell = hit
    keep_ids, keep_ch, keep_sp = [own], [np.float32(0)], [t.lm]
    base = p.base + p.slope * max(conf, 0.0) / 100.0 + (p.edge if edge else 0.0)
    for w, sp in zip(ids, spell):
        if w == own:
            continue
        units = _mark_units(mine, ortho.parse(sp))
        if units is None or units > p.max_units:
            continue
        keep_ids.append(int(w))
        keep_ch.append(np.float32(-(base + p.unit * (units - 1))))
        keep_sp.append(sp)
    if len(keep_ids) == 1:
        return None
    return np.array(keep_ids, dtype=np.int64), np.array(keep_ch, dtype=np.float32), keep_sp


def _mark_units(a, b) -> int | None:
    """Marks that differ between two parsed syllables of the same skeleton."""
    if b is None:
        return None
    x, y = a.toneless, b.toneless
    if len(x) != len(y):
        return None
    return sum(1 for c, d in zip(x, y) if c != d) + (a.tone != b.tone)


_UPPER_RUN = re.compile(r"[^\W\d_]{2,}")


def _restore_abbreviation(text: str, marks: dict[str, str]) -> str | None:
    """Put the marks back into stripped upper-case abbreviations (211/QD-TTg -> 211/QĐ-TTg)."""
    if not marks:
        return None
    out = _UPPER_RUN.sub(lambda m: marks.get(m.group(), m.group()) if m.group().isupper() else m.group(), text)
    return out if out != text else None


def _token_confidences(text: str, tokens: list[Token], confs: list[float] | None) -> list[float | None]:
    if confs is None:
        return [None] * len(tokens)
    spans = [m.span() for m in re.finditer(r"\S+", text)]
    out: list[float | None] = []
    j = 0
    for t in tokens:
        while j < len(spans) and spans[j][1] <= t.start:
            j += 1
        out.append(float(confs[j]) if j < len(spans) and j < len(confs) and spans[j][0] <= t.start else None)
    return out


def _blocks(cands: list[np.ndarray], seg_ids: list[int], budget: int = 60_000):
    """Split the lattice at segment starts into blocks of about ``budget`` positions."""
    lo = 0
    P = len(cands)
    for p in range(1, P):
        if p - lo >= budget and seg_ids[p] != seg_ids[p - 1]:
            yield lo, p
            lo = p
    if lo < P:
        yield lo, P


def _apply(text: str, changes: list[Change]) -> str:
    if not changes:
        return text
    parts = []
    pos = 0
    for c in sorted(changes, key=lambda c: c.start):
        parts.append(text[pos:c.start])
        parts.append(c.replacement)
        pos = c.end
    parts.append(text[pos:])
    return "".join(parts)
