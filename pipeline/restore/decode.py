"""Viterbi decoding of a candidate lattice under the n-gram model (order N >= 3).

The lattice is a chain of positions (one per token, plus ``<s>``/``</s>`` around every
segment); each position has a short list of candidate word ids and, optionally, channel
log-scores (how well each candidate explains what was read). The decoder maximises

    sum_t  log P_LM(w_t | w_{t-N+1} .. w_{t-1})  +  channel_t(w_t)

exactly, by Viterbi over states of the last N-1 candidates.

1. Look-ups: for every position, the stored n-grams (n = 2..N) whose *skeletons* match the
   skeletons of the candidates ending there (one bucket read per order and position when all
   candidates of a position share a skeleton, as for stripped text).
2. Pruning: a candidate is kept if it is among the ``keep_top`` most probable by unigram and
   channel score, or if it occurs in a stored trigram with candidates of its neighbours; at most
   ``max_keep`` per position. (On the development set this loses < 0.1 % of the right answers
   and divides the work by ~20.)
3. Segments are batched by (largest candidate count, length); per batch the score of every
   candidate combination is assembled densely (back-off default, stored n-grams overwrite) and
   the batch is decoded with one vectorised Viterbi step per position.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .lm import NgramLM

NEG = np.float32(-1e9)


@dataclass
class Decoded:
    choice: np.ndarray  # (P,) index into the position's candidate list
    confidence: np.ndarray  # (P,) probability of the choice given its chosen neighbours


def _query_rows(pos_skels: np.ndarray, seg: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Skeleton n-grams ending at each position, inside segments.

    ``pos_skels`` is (P, S): the skeletons worth querying at each position (-1 = none); with
    S > 1 every combination is queried.
    """
    P, S = pos_skels.shape
    ends = np.arange(n - 1, P)
    ends = ends[seg[ends] == seg[ends - n + 1]]
    if not len(ends):
        return ends, np.zeros((0, n), np.int64)
    if S == 1:
        return ends, np.stack([pos_skels[ends - n + 1 + j, 0] for j in range(n)], axis=1)
    grid = np.indices((S,) * n).reshape(n, -1)  # (n, S^n)
    rows = np.stack([pos_skels[ends - n + 1 + j][:, grid[j]] for j in range(n)], axis=2)  # (E, S^n, n)
    rows = rows.reshape(-1, n)
    ends = np.repeat(ends, S ** n)
    ok = (rows >= 0).all(axis=1)
    return ends[ok], rows[ok]


def _skeleton_table(lm: NgramLM, C: np.ndarray, valid: np.ndarray, prio: np.ndarray, S: int) -> np.ndarray:
    """(P, S) the skeletons of the S best candidates' skeletons per position, -1 padded."""
    SK = np.where(valid, lm.wskel[C], -1)
    P, K = C.shape
    order = np.argsort(-prio, axis=1, kind="stable")
    SKo = np.take_along_axis(SK, order, axis=1)
    out = np.full((P, S), -1, dtype=np.int64)
    cnt = np.zeros(P, dtype=np.int64)
    for k in range(K):
        col = SKo[:, k]
        new = col >= 0
        for j in range(S):
            new &= out[:, j] != col
        new &= cnt < S
        rows = np.flatnonzero(new)
        out[rows, cnt[rows]] = col[rows]
        cnt[rows] += 1
    return out


def decode(lm: NgramLM, cands: list[np.ndarray], seg: np.ndarray, chan: list[np.ndarray | None] | None = None,
           keep_top: int = 1, max_keep: int = 6, beam: float = 2.0, max_cells: int = 3_000_000) -> Decoded:
    """Best candidate per position. ``cands[p]``: word ids; ``seg[p]``: segment id (contiguous,
    every segment starting with ``<s>`` and ending with ``</s>``)."""
    N = lm.order
    P = len(cands)
    K0 = max(len(c) for c in cands)
    V = len(lm.vocab)
    lens = np.fromiter(map(len, cands), dtype=np.int64, count=P)
    rows = np.repeat(np.arange(P), lens)
    cols = np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens)
    C = np.zeros((P, K0), dtype=np.int64)
    valid = np.zeros((P, K0), dtype=bool)
    CH = np.zeros((P, K0), dtype=np.float32)
    C[rows, cols] = np.concatenate(cands)
    valid[rows, cols] = True
    if chan is not None:
        for p, ch in enumerate(chan):
            if ch is not None:
                CH[p, :len(ch)] = ch
    pk_p, pk_k = np.nonzero(valid)
    pk_key = pk_p * V + C[pk_p, pk_k]
    srt = np.argsort(pk_key)
    pk_key, pk_k = pk_key[srt], pk_k[srt]

    def cand_index(positions: np.ndarray, words: np.ndarray) -> np.ndarray:
        key = positions * V + words
        i = np.minimum(np.searchsorted(pk_key, key), len(pk_key) - 1)
        return np.where(pk_key[i] == key, pk_k[i], -1)

    SK = lm.wskel[C]
    same = ((SK == SK[:, :1]) | ~valid).all(axis=1)
    prio = np.where(valid, lm.uni_lp[C] + CH, -np.inf)
    if same.all():
        tables = {n: SK[:, :1] for n in range(2, N + 1)}
    else:  # several skeletons per position (garbled text): query the most promising ones
        tables = {n: _skeleton_table(lm, C, valid, prio, s_n)
                  for n, s_n in zip(range(2, N + 1), (6, 4, 3, 2, 2))}

    # 1. look-ups: entries[n] = (end position, candidate indices (E, n), lp, bow)
    entries = {}
    for n in range(2, N + 1):
        ends, rows = _query_rows(tables[n], seg, n)
        q, e = lm.lookup(n, rows)
        p = ends[q]
        w = lm.entry_words(n, e)
        idx = np.stack([cand_index(p - n + 1 + j, w[:, j]) for j in range(n)], axis=1) if len(e) else \
            np.zeros((0, n), np.int64)
        ok = (idx >= 0).all(axis=1)
        e = e[ok]
        entries[n] = (p[ok], idx[ok], lm.entry_lp(n, e), lm.entry_bow(n, e) if n < N else None)

    # 2. pruning
    rank = np.argsort(np.argsort(-prio, axis=1, kind="stable"), axis=1, kind="stable")
    keep = valid & (rank < keep_top)
    p3, i3, lp3 = entries[3][0], entries[3][1], entries[3][2]
    support = np.full((P, K0), -np.inf, dtype=np.float32)  # best stored trigram using it
    for j in range(3):
        np.maximum.at(support, (p3 - 2 + j, i3[:, j]), lp3)
    keep |= valid & (support > -np.inf)
    if beam > 0:
        # local bigram score of each candidate: best bigram with the left neighbour plus best
        # with the right one (a stored bigram, or back-off + unigram), plus the channel
        Uo = np.where(valid, lm.uni_lp[C], NEG).astype(np.float32)
        Bo = np.where(valid, lm.uni_bow[C], NEG).astype(np.float32)
        first = np.r_[True, seg[1:] != seg[:-1]]
        left = np.zeros((P, K0), dtype=np.float32)
        left[1:] = Bo[:-1].max(axis=1, keepdims=True) + Uo[1:]
        right = np.zeros((P, K0), dtype=np.float32)
        right[:-1] = np.where(valid[:-1], lm.uni_bow[C[:-1]], 0) + Uo[1:].max(axis=1, keepdims=True)
        p2, i2, lp2 = entries[2][0], entries[2][1], entries[2][2].astype(np.float32)
        np.maximum.at(left, (p2, i2[:, 1]), lp2)
        np.maximum.at(right, (p2 - 1, i2[:, 0]), lp2)
        left[first] = 0
        right[np.r_[first[1:], True]] = 0
        local = np.where(valid, left + right + CH, -np.inf)
        keep |= valid & (local >= local.max(axis=1, keepdims=True) - beam)
    over = keep.sum(axis=1) > max_keep
    if over.any():
        # too many: the unigram top ones, then the best supported
        sup = np.where(keep[over], support[over], -np.inf)
        sup = np.where(rank[over] < keep_top, np.inf, sup)
        r2 = np.argsort(np.argsort(-sup, axis=1, kind="stable"), axis=1, kind="stable")
        keep[over] &= r2 < max_keep
    nk = keep.sum(axis=1)
    newidx = np.where(keep, np.cumsum(keep, axis=1) - 1, -1)
    K = int(nk.max())
    Ck = np.zeros((P, K), dtype=np.int64)
    CHk = np.zeros((P, K), dtype=np.float32)
    validk = np.zeros((P, K), dtype=bool)
    rr, cc = np.nonzero(keep)
    Ck[rr, newidx[rr, cc]] = C[rr, cc]
    CHk[rr, newidx[rr, cc]] = CH[rr, cc]
    validk[rr, newidx[rr, cc]] = True
    oldidx = np.zeros((P, K), dtype=np.int64)
    oldidx[rr, newidx[rr, cc]] = cc
    for n in range(2, N + 1):
        p, idx, lp, bw = entries[n]
        nidx = np.stack([newidx[p - n + 1 + j, idx[:, j]] for j in range(n)], axis=1) if len(p) else idx
        ok = (nidx >= 0).all(axis=1)
        entries[n] = (p[ok], nidx[ok], lp[ok], bw[ok] if bw is not None else None)

    # 3. pieces: a segment is cut where N-1 consecutive positions have a single candidate
    #    (the chain decouples exactly there); neighbouring pieces share those positions.
    single_k = nk == 1
    ok = single_k.copy()
    for j in range(1, N - 1):
        ok[j:] &= single_k[:-j] & (seg[j:] == seg[:-j])
        ok[:j] = False
    nxt_multi = np.r_[~single_k[1:], False]
    seg_last = np.r_[seg[1:] != seg[:-1], True]
    cut = np.flatnonzero(ok & nxt_multi & ~seg_last)
    seg_starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
    seg_ends = np.r_[seg_starts[1:], P]
    pa = np.sort(np.r_[seg_starts, cut - (N - 2)])
    pb = np.sort(np.r_[seg_ends, cut + 1])
    plen = pb - pa
    prim = np.searchsorted(pb, np.arange(P), side="right")  # earliest piece holding p
    lead = np.full(P, -1, dtype=np.int64)
    cut_piece = np.searchsorted(pa, cut - (N - 2))
    for j in range(N - 1):
        lead[cut - (N - 2) + j] = cut_piece
    # entries of each piece: (piece, t, idx, lp, bow)
    pent = {}
    for n in range(2, N + 1):
        p, idx, lp, bw = entries[n]
        k1 = prim[p]
        k2 = lead[p]
        dup = (k2 >= 0) & (p - n + 1 >= pa[np.maximum(k2, 0)])
        pieces = np.r_[k1, k2[dup]]
        pp = np.r_[p, p[dup]]
        sel = np.r_[np.arange(len(p)), np.flatnonzero(dup)]
        pent[n] = (pieces, pp - pa[pieces], idx[sel], lp[sel], bw[sel] if bw is not None else None)
    pk = np.maximum.reduceat(nk, pa)
    order = np.lexsort((plen, pk))
    batches = []
    i = 0
    while i < len(order):
        kb, lb = int(pk[order[i]]), int(plen[order[i]])
        j = i + 1
        while j < len(order):
            kk, ll = max(kb, int(pk[order[j]])), max(lb, int(plen[order[j]]))
            if kk != kb or ll > max(1.25 * plen[order[i]], plen[order[i]] + 4) or \
                    (j + 1 - i) * ll * kk ** N > max_cells:
                break
            kb, lb = kk, ll
            j += 1
        batches.append((order[i:j], kb, lb))
        i = j
    batch_of_piece = np.zeros(len(pa), dtype=np.int64)
    row_of_piece = np.zeros(len(pa), dtype=np.int64)
    for bi, (pcs, _kb, _lb) in enumerate(batches):
        batch_of_piece[pcs] = bi
        row_of_piece[pcs] = np.arange(len(pcs))
    ent_by_batch = {}
    for n in range(2, N + 1):
        bo = batch_of_piece[pent[n][0]]
        o = np.argsort(bo, kind="stable")
        ent_by_batch[n] = (o, np.searchsorted(bo[o], np.arange(len(batches) + 1)))

    choice = np.zeros(P, dtype=np.int64)
    conf = np.ones(P, dtype=np.float32)
    for bi, (pcs, kb, L) in enumerate(batches):
        G = pa[pcs][:, None] + np.arange(L)[None, :]
        pad = np.arange(L)[None, :] >= plen[pcs][:, None]
        G = np.where(pad, P, G)
        Gc = np.minimum(G, P - 1)
        Cb = Ck[Gc, :kb]
        vb = validk[Gc, :kb] & ~pad[..., None]
        vb[pad, 0] = True
        CHb = np.where(pad[..., None], 0, CHk[Gc, :kb]).astype(np.float32)
        sub = {}
        for n in range(2, N + 1):
            o, bounds = ent_by_batch[n]
            sel = o[bounds[bi]:bounds[bi + 1]]
            pcs_e, t_e, idx, lp, bw = pent[n]
            sub[n] = (row_of_piece[pcs_e[sel]], t_e[sel], idx[sel], lp[sel], bw[sel] if bw is not None else None)
        F = _scores(lm, Cb, vb, CHb, pad, sub, N)
        path = _viterbi(F, N)
        cf = _confidence(F, path, vb, N)
        m = ~pad & (prim[Gc] == pcs[:, None])
        choice[G[m]] = oldidx[G[m], path[m]]
        conf[G[m]] = cf[m]
    return Decoded(choice=choice, confidence=conf)


def _shift(x: np.ndarray, fill: float = 0.0) -> np.ndarray:
    """x[:, t-1] aligned at t (axis 1), ``fill`` at t = 0."""
    out = np.empty_like(x)
    out[:, 0] = fill
    out[:, 1:] = x[:, :-1]
    return out


def _scores(lm: NgramLM, Cb, vb, CHb, pad, sub, N: int) -> np.ndarray:
    """F[s, t, k_{t-N+1}, ..., k_t]: log P(k_t | previous N-1) + channel(k_t), dense."""
    S, L, K = Cb.shape
    U = np.where(vb, lm.uni_lp[Cb] + CHb, NEG).astype(np.float32)
    U[pad] = np.where(np.arange(K) == 0, 0, NEG)
    U[:, 0] = np.where(vb[:, 0], 0, NEG)  # <s>
    F = U
    bow_prev = np.where(vb, lm.uni_bow[Cb], 0).astype(np.float32)  # BO1 at t
    for n in range(2, N + 1):
        # extend with the context dimension: F_n = BO_{n-1}[t-1] (broadcast) + F_{n-1}
        bo = _shift(bow_prev)  # (S, L, K^(n-1)) of the (n-1)-gram ending at t-1
        F = bo[..., None] + F[:, :, None]
        s, t, idx, lp, bw = sub[n]
        F[(s, t) + tuple(idx[:, j] for j in range(n))] = lp + CHb[s, t, idx[:, -1]]
        if n < N:
            nb = np.zeros((S, L) + (K,) * n, dtype=np.float32)
            nb[(s, t) + tuple(idx[:, j] for j in range(n))] = bw
            bow_prev = nb
    # <s> and padding: candidate 0, no dependence on the (non-existent) context
    fix = pad.copy()
    fix[:, 0] = True
    F[fix] = np.where(np.arange(K) == 0, 0, NEG).astype(np.float32)
    return F


def _viterbi(F: np.ndarray, N: int) -> np.ndarray:
    """Best path per row of F (S, L, K^N), states = last N-1 candidates."""
    S, L = F.shape[:2]
    K = F.shape[2]
    # layout: move k_{t-N+1} (axis 2) last so that the max runs over contiguous memory
    FT = np.ascontiguousarray(np.moveaxis(F, 2, -1))  # (S, L, k_{t-N+2}..k_t, k_{t-N+1})
    delta = np.full((S,) + (K,) * (N - 1), NEG, dtype=np.float32)
    delta[(slice(None),) + (0,) * (N - 1)] = 0
    bp = np.zeros((S, L) + (K,) * (N - 1), dtype=np.int8 if K < 128 else np.int16)
    for t in range(L):
        dT = np.moveaxis(delta, 1, -1)  # (S, k_{t-N+2}..k_{t-1}, k_{t-N+1})
        x = dT[..., None, :] + FT[:, t]  # (S, k_{t-N+2}..k_t, k_{t-N+1})
        am = x.argmax(axis=-1)
        bp[:, t] = am
        delta = np.take_along_axis(x, am[..., None], axis=-1)[..., 0]
    flat = delta.reshape(S, -1).argmax(axis=1)
    last = np.unravel_index(flat, (K,) * (N - 1))
    path = np.zeros((S, L + N), dtype=np.int64)  # offset N: path[:, N + t] = k_t
    for j in range(N - 1):
        path[:, N + L - (N - 1) + j] = last[j]
    rows = np.arange(S)
    for t in range(L - 1, -1, -1):
        # k_{t-N+1} = bp[t][k_{t-N+2}..k_t]
        idx = tuple(path[:, N + t - N + 2 + j] for j in range(N - 1))
        path[:, N + t - N + 1] = bp[(rows, np.full(S, t)) + idx]
    return path[:, N:]


def _confidence(F: np.ndarray, path: np.ndarray, vb: np.ndarray, N: int) -> np.ndarray:
    """P(k_t = chosen | chosen neighbours) from the N terms that involve position t."""
    S, L, K = vb.shape
    score = np.zeros((S, L, K), dtype=np.float64)
    padded = np.concatenate([np.zeros((S, N), np.int64), path, np.zeros((S, N), np.int64)], axis=1)
    s_idx = np.arange(S)[:, None, None]
    kk = np.arange(K)[None, None, :]
    for d in range(N):
        # term at u = t + d; its axes are positions u-N+1 .. u; t is axis N-1-d
        T = L - d
        if T <= 0:
            break
        t = np.arange(T)[None, :, None]
        idx = []
        for a in range(N):
            posn = t + d - N + 1 + a
            if a == N - 1 - d:
                idx.append(np.broadcast_to(kk, (S, T, K)))
            else:
                idx.append(np.broadcast_to(padded[:, N + posn[0, :, 0]][:, :, None], (S, T, K)))
        score[:, :T] += F[(s_idx, t + d) + tuple(idx)]
    score = np.where(vb, score, -np.inf)
    score -= score.max(axis=2, keepdims=True)
    prob = np.exp(score)
    prob /= prob.sum(axis=2, keepdims=True)
    return np.take_along_axis(prob, path[..., None], axis=2)[..., 0].astype(np.float32)
