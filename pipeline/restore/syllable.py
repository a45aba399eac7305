"""Vietnamese syllable model: onset + rhyme + tone, read from ``pipeline/data/restore``.

The inventory is closed: a token is a Vietnamese syllable when it splits into an onset from
``onsets.tsv`` (possibly empty) and a rhyme from ``rhymes.tsv`` carrying at most one tone mark,
with the spelling constraints of those files (k/gh/ngh only before i, y, e, ê; c/g/ng never;
stop rhymes only take sắc or nặng; qu only before the rhymes marked for it; gi + i merged).

:class:`Orthography` does not change after construction (it memoises parses); build it once with
:func:`load_orthography` and pass it around (the restore model holds one).
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "restore"

STYLES = ("new", "old")


@dataclass(frozen=True)
class Syllable:
    """A parsed syllable, lower case: ``onset`` + ``rhyme`` (spelling without tone) + ``tone``."""

    onset: str
    rhyme: str
    tone: int  # 0 ngang, 1 huyền, 2 sắc, 3 hỏi, 4 ngã, 5 nặng

    @property
    def toneless(self) -> str:
        return self.onset + self.rhyme


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


class Orthography:
    """Tables and rules of Vietnamese spelling used by the restore stage."""

    def __init__(self, data_dir: Path = DATA_DIR):
        self.data_dir = Path(data_dir)
        # vowels: (base, tone) <-> precomposed letter
        self.compose: dict[tuple[str, int], str] = {}
        self.decompose: dict[str, tuple[str, int]] = {}
        tones = sorted(_read_tsv(self.data_dir / "tones.tsv"), key=lambda r: int(r["index"]))
        self.tone_names = tuple(r["name"] for r in tones)
        for row in _read_tsv(self.data_dir / "vowels.tsv"):
            base = row["base"]
            for t, name in enumerate(self.tone_names):
                ch = row[name]
                self.compose[(base, t)] = ch
                self.decompose[ch] = (base, t)
        self.vowel_bases = frozenset(b for (b, _t) in self.compose)
        self.strip_map: dict[str, str] = {}
        for row in _read_tsv(self.data_dir / "strip.tsv"):
            self.strip_map[row["letter"]] = row["skeleton"]
        self.onsets: dict[str, str] = {}
        for row in _read_tsv(self.data_dir / "onsets.tsv"):
            self.onsets[row["onset"]] = row["context"]
        self._onsets_by_len = sorted(self.onsets, key=len, reverse=True)
        self.rhymes: dict[str, dict] = {}
        for row in _read_tsv(self.data_dir / "rhymes.tsv"):
            self.rhymes[row["rhyme"]] = {
                "pos": {"new": int(row["pos_new"]), "old": int(row["pos_old"])},
                "stop": row["stop"] == "1",
                "qu": int(row["qu"]),
            }
        # letters allowed anywhere in a syllable (lower case)
        self.letters = frozenset("bcdđghklmnpqrstvx") | frozenset(self.decompose)
        # per-character skeleton (lower and upper case), tone and shape removed
        self.char_skeleton: dict[str, str] = {}
        for ch, (base, _t) in self.decompose.items():
            sk = self.strip_map.get(base, base)
            self.char_skeleton[ch] = sk
            self.char_skeleton[ch.upper()] = sk.upper()
        for letter, sk in self.strip_map.items():
            self.char_skeleton[letter] = sk
            self.char_skeleton[letter.upper()] = sk.upper()
        self.char_skeleton["Ð"] = "D"  # U+00D0
        self._strip_table = str.maketrans(self.char_skeleton)
        # letters that carry any Vietnamese diacritic (tone or shape), lower + upper
        marked = {ch for ch, sk in self.char_skeleton.items() if ch != sk}
        self.marked_chars = frozenset(marked)
        self._memo: dict[str, Syllable | None] = {}
        self.skeletons = frozenset(self._all_skeletons())

    def _all_skeletons(self):
        """Stripped spellings of every valid onset + rhyme (e.g. "nguyen", "thuong")."""
        for onset in list(self.onsets) + [""]:
            for rhyme, info in self.rhymes.items():
                if self._rhyme_ok(onset, rhyme, 2 if info["stop"] else 0):
                    yield self.strip(onset + rhyme)

    # -- character level -------------------------------------------------------------------
    def strip(self, text: str) -> str:
        """Remove every Vietnamese diacritic (tones, shapes, đ) keeping case and length."""
        return text.translate(self._strip_table)

    def has_marks(self, token: str) -> bool:
        return any(ch in self.marked_chars for ch in token)

    # -- syllable level ---------------------------------------------------------------------
    def parse(self, token: str) -> Syllable | None:
        """Parse a lower-case NFC token; ``None`` if it is not a Vietnamese syllable."""
        return _parse_cached(self, token)

    def _parse(self, token: str) -> Syllable | None:
        if not token or len(token) > 8:
            return None
        tone = 0
        plain = []
        for ch in token:
            if ch in self.decompose:
                base, t = self.decompose[ch]
                if t:
                    if tone:
                        return None  # two tone marks
                    tone = t
                plain.append(base)
            elif ch in self.letters:
                plain.append("d" if ch == "ð" else ch)
            else:
                return None
        word = "".join(plain)
        for onset in self._onsets_by_len + [""]:
            if not word.startswith(onset):
                continue
            rhyme = word[len(onset):]
            if self._rhyme_ok(onset, rhyme, tone):
                return Syllable(onset, rhyme, tone)
        return None

    def _rhyme_ok(self, onset: str, rhyme: str, tone: int) -> bool:
        info = self.rhymes.get(rhyme)
        if info is None:
            return False
        if info["stop"] and tone not in (2, 5):
            return False
        ctx = self.onsets.get(onset, "any") if onset else "any"
        first = rhyme[0]
        front = first in "iyeê"
        if ctx == "qu":
            return info["qu"] >= 1
        if info["qu"] == 2:
            return False
        if ctx == "front" and not front:
            return False
        if ctx == "nonfront" and front:
            # g + i... is the merged spelling of gi + i (gì, gìn, giếng)
            return onset == "g" and first == "i"
        if onset == "gi" and first in "iy":
            return False
        return True

    def is_skeleton(self, token: str) -> bool:
        """True if lower-case ``token`` is a syllable with its diacritics stripped."""
        return token in self.skeletons

    def is_syllable(self, token: str) -> bool:
        """True if ``token`` (any case) is a Vietnamese syllable."""
        return self.parse(unicodedata.normalize("NFC", token).lower()) is not None

    def render(self, syl: Syllable, style: str = "new") -> str:
        """Spell a parsed syllable (lower case) with the tone mark placed in ``style``."""
        rhyme = syl.rhyme
        if syl.tone:
            pos = self.rhymes[rhyme]["pos"][style]
            letters = list(rhyme)
            letters[pos] = self.compose[(letters[pos], syl.tone)]
            rhyme = "".join(letters)
        return syl.onset + rhyme

    def normalize(self, token: str, style: str = "new") -> str | None:
        """Lower-case syllable with tone placement of ``style``; ``None`` if not a syllable."""
        syl = self.parse(token)
        return None if syl is None else self.render(syl, style)

    def restyle(self, token: str, style: str = "new") -> str:
        """Move the tone mark of ``token`` (any case) to ``style``; keep everything else.

        Tokens that are not syllables, and syllables whose spelling does not change, come back
        as they are.
        """
        low = token.lower()
        norm = self.normalize(low, style)
        if norm is None or norm == low or len(norm) != len(token):
            return token
        return transfer_case(token, norm)


def transfer_case(pattern: str, text: str) -> str:
    """Give ``text`` (lower case) the case of ``pattern``.

    A pattern in capitals but for one letter is in capitals (OCR reads "Í" as "i": "CHiNH" is
    "CHÍNH"). Otherwise, same length: letter by letter; else capitalised or lower as ``pattern``.
    """
    if pattern.islower():
        return text
    letters = [p for p in pattern if p.isalpha()]
    upper = sum(p.isupper() for p in letters)
    if upper >= 3 and upper >= len(letters) - 1:
        return text.upper()
    if len(pattern) == len(text):
        return "".join(c.upper() if p.isupper() else c for p, c in zip(pattern, text))
    if letters and letters[0].isupper():
        return text[:1].upper() + text[1:]
    return text


def _parse_cached(ortho: Orthography, token: str) -> Syllable | None:
    cache = ortho._memo  # memo of pure results; does not change behaviour
    try:
        return cache[token]
    except KeyError:
        res = ortho._parse(token)
        if len(cache) < 500_000:
            cache[token] = res
        return res


@lru_cache(maxsize=4)
def load_orthography(data_dir: str | None = None) -> Orthography:
    """Read the spelling tables (cached per folder; the object is never mutated)."""
    return Orthography(Path(data_dir) if data_dir else DATA_DIR)
