"""Tokeniser shared by training and decoding.

Text is cut into tokens with exact character spans. Only tokens of kind ``syl`` (a letter run
that is a Vietnamese syllable, or the stripped skeleton of one) may ever be changed by the
restore stage; everything else (numbers, dates, document codes, abbreviations, foreign words,
URLs, punctuation) passes through and is seen by the language model as a class token:

``<num>``   numbers, dates, percentages                 (12, 20/3/2024, 60%, 17,03)
``<oth>``   any other non-syllable (codes, abbreviations, foreign words, URLs)
punctuation classes ``,`` ``.`` ``:`` ``(`` ``)`` ``"`` ``-`` ``/`` ``<p>``

Syllables are given to the language model in lower case with the tone placed in the "new"
style (see :mod:`pipeline.restore.syllable`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .syllable import DATA_DIR, Orthography, Syllable

NUM, OTH, UNK, BOS, EOS = "<num>", "<oth>", "<unk>", "<s>", "</s>"

PUNCT_CLASS = {
    ",": ",", ".": ".", "!": ".", "?": ".", "…": ".",
    ":": ":", ";": ":",
    "(": "(", "[": "(", "{": "(", ")": ")", "]": ")", "}": ")",
    '"': '"', "“": '"', "”": '"', "'": '"', "‘": '"', "’": '"', "«": '"', "»": '"',
    "-": "-", "–": "-", "—": "-", "/": "/",
}
PUNCT_TOKENS = tuple(sorted(set(PUNCT_CLASS.values()))) + ("<p>",)
SENTENCE_END = frozenset(".!?…:;")

_CHUNK = re.compile(r"\S+")
_URL = re.compile(r"(?i)(://|^www\.|@|\.(vn|com|org|net|gov|edu|int|info)(/|$))")
_NUMBER = re.compile(r"^[\d.,/:%+\-–]*\d[\d.,/:%+\-–]*$")
_PIECES = re.compile(r"[^\W\d_]+|\d+|_|[^\w\s]")
_ITEM_LETTER = re.compile(r"^[a-zđ]\s*[).]\s")
_ROMAN = re.compile(r"^(I{1,3}|IV|VI{0,3}|IX|XI{0,3}|XIV|XVI{0,3}|XIX|XX)$")
_MARKER_TRAIL = (".", ")", "-", "–")
# letters English-model OCR puts in a Roman numeral that opens a heading: "Il." (II), "Ill." (III), "Iv." (IV), "Vv." (V)
_MISREAD_ROMAN = re.compile(r"^[IVXlv1|]{1,5}$")
_ROMAN_MISREADINGS = str.maketrans("lv1|", "IVII")
_G_LEAD = "\"'“”‘’([{«"
_G_TRAIL = "\"'“”‘’)]}».,;:!?…/"  # "/" for the closing "./." ("thực hién./.")
# the English model often writes the hook of ư/ơ ("sử", "dữ", "cơ") as a mark after the word: "st? dung", "sv’ dung",
# "di? liéu". Before a small letter such a mark is no punctuation of running text: a token of kind "mark", left out
# of the language model's context and dropped from the output.
_HOOK_MARKS = "?’'"
_G_WORD = re.compile(r"^[\w€¢&@©§$|][\w€¢&@©§$|?’']*$")
_LEAD = re.compile(r"^[^\w]+")
_TRAIL = re.compile(r"[^\w]+$")


@dataclass(slots=True)
class Token:
    start: int  # span in the text
    end: int
    text: str
    kind: str  # "syl" | "word" | "num" | "code" | "punct" | "garb" (garbled-OCR word) | "misread" (a capital
    # letter run in running text that may be an abbreviation or a misread syllable, "SG" for "Sở") | "roman" (a
    # heading's misread Roman numeral, "Ill" for "III") | "mark" (a hook written after a garbled word, "st?")
    lm: str  # language-model token (class token unless kind == "syl")
    syl: Syllable | None = None  # parse of the lower-cased token (None for a bare skeleton)
    marked: bool = False  # token carries Vietnamese diacritics
    line: int = 0  # line index in the text


def misread_roman(core: str) -> str | None:
    """The Roman numeral that a heading's misread marker stands for ("Ill" → "III"), None for a marker read right or
    no numeral at all."""
    if _ROMAN.match(core) or not _MISREAD_ROMAN.match(core) or not any(c in "IV" for c in core):
        return None
    numeral = core.translate(_ROMAN_MISREADINGS).replace("VV", "V")  # a doubled stroke: "Vv" is V
    return numeral if _ROMAN.match(numeral) else None


def load_abbreviations(data_dir: Path = DATA_DIR) -> frozenset[str]:
    out = set()
    with (Path(data_dir) / "abbreviations.txt").open(encoding="utf-8") as fh:
        for ln in fh:
            ln = ln.strip()
            if ln and not ln.startswith("#"):
                out.add(ln)
    return frozenset(out)


class Tokenizer:
    """Cuts text into :class:`Token` s. Holds the orthography and pass-through lists."""

    def __init__(self, ortho: Orthography, abbreviations: frozenset[str]):
        self.ortho = ortho
        self.abbr = abbreviations
        self._word_memo: dict[tuple[str, bool], tuple[str, str, Syllable | None, bool]] = {}

    # ------------------------------------------------------------------------------------
    def _word(self, w: str, line_has_lower: bool) -> tuple[str, str, Syllable | None, bool]:
        """Classify a pure letter run: (kind, lm token, parse, marked)."""
        key = (w, line_has_lower)
        hit = self._word_memo.get(key)
        if hit is not None:
            return hit
        ortho = self.ortho
        marked = ortho.has_marks(w)
        res: tuple[str, str, Syllable | None, bool]
        if line_has_lower and (w in self.abbr or (len(w) > 1 and w.isupper() and _ROMAN.match(w))):
            res = ("word", OTH, None, marked)
        elif w in self.abbr and not ortho.is_syllable(w):
            res = ("word", OTH, None, marked)
        else:
            low = w.lower()
            syl = ortho.parse(low)
            if syl is not None:
                res = ("syl", ortho.render(syl, "new"), syl, marked)
            elif not marked and ortho.is_skeleton(low):
                # a stripped syllable ("nguyen", "thuong"): restorable, not itself a syllable
                res = ("syl", low, None, marked)
            else:
                res = ("word", OTH, None, marked)
        if len(self._word_memo) < 300_000:
            self._word_memo[key] = res
        return res

    def tokenize(self, text: str) -> list[Token]:
        """Tokens of ``text`` (NFC expected), with spans and line numbers."""
        out: list[Token] = []
        pos = 0
        for li, line in enumerate(text.split("\n")):
            self._line(line, pos, li, out)
            pos += len(line) + 1
        return out

    def _line(self, line: str, base: int, li: int, out: list[Token]) -> None:
        has_lower = any(c.islower() for c in line)
        for ci, m in enumerate(_CHUNK.finditer(line)):
            chunk = m.group()
            s0 = base + m.start()
            if ci == 0 and self._marker(chunk, s0, li, out, self.ortho.has_marks):
                continue
            if chunk.isalpha():
                kind, lm, syl, marked = self._word(chunk, has_lower)
                out.append(Token(s0, s0 + len(chunk), chunk, kind, lm, syl, marked, li))
                continue
            lead = _LEAD.match(chunk)
            a = lead.end() if lead else 0
            if a == len(chunk):  # punctuation only
                self._punct(chunk, s0, li, out)
                continue
            trail = _TRAIL.search(chunk)
            b = trail.start() if trail else len(chunk)
            if a:
                self._punct(chunk[:a], s0, li, out)
            self._core(chunk[a:b], s0 + a, li, has_lower, out)
            if b < len(chunk):
                self._punct(chunk[b:], s0 + b, li, out)

    def _marker(self, chunk: str, s0: int, li: int, out: list[Token], marked) -> bool:
        """A list marker or heading number opening a line ("a)", "b.", "I.", "IV-", "đ)"): kept as is."""
        if len(chunk) < 2 or not chunk.endswith(_MARKER_TRAIL):
            return False
        core = chunk.rstrip(".)-–")
        if not (core and core.isalpha() and (len(core) == 1 or _ROMAN.match(core))):
            return False
        out.append(Token(s0, s0 + len(core), core, "word", OTH, None, marked(core), li))
        self._punct(chunk[len(core):], s0 + len(core), li, out)
        return True

    # -- garbled text (English-model OCR) ---------------------------------------------------------
    def tokenize_garbled_line(self, line: str, base: int, li: int,
                              misreadings: frozenset[str] = frozenset()) -> list[Token]:
        """Tokens of one line of English-OCR output: a word written with digits or symbols for
        Vietnamese letters (x4, s6, ti€u, V&, ¢6) stays one token of kind ``garb``; so does a
        capitalised letter run in running text that is a known misreading of a syllable ("SG"
        for "Sở") rather than a known abbreviation (``misreadings``: lower case)."""
        out: list[Token] = []
        has_lower = any(c.islower() for c in line)
        chunks = list(_CHUNK.finditer(line))
        for ci, m in enumerate(chunks):
            chunk = m.group()
            s0 = base + m.start()
            if ci == 0 and (self._misread_marker(chunk, line[m.end():], s0, li, out)
                            or self._marker(chunk, s0, li, out, lambda core: False)):
                continue
            a = len(chunk) - len(chunk.lstrip(_G_LEAD))
            b = len(chunk.rstrip(_G_TRAIL))
            if b <= a:
                self._punct(chunk, s0, li, out)
                continue
            core = chunk[a:b]
            if a:
                self._punct(chunk[:a], s0, li, out)
            kind = self._garbled_kind(core, has_lower, misreadings)
            if kind is not None:
                out.append(Token(s0 + a, s0 + b, core, kind, OTH, None, self.ortho.has_marks(core), li))
            else:
                self._core(core, s0 + a, li, has_lower, out)
            if b < len(chunk):
                after = chunk[b:]
                if after[0] in _HOOK_MARKS and core.isalpha() and ci + 1 < len(chunks) \
                        and chunks[ci + 1].group()[:1].islower():
                    out.append(Token(s0 + b, s0 + b + 1, after[0], "mark", OTH, None, False, li))
                    after, b = after[1:], b + 1
                self._punct(after, s0 + b, li, out)
        return out

    def _misread_marker(self, chunk: str, rest: str, s0: int, li: int, out: list[Token]) -> bool:
        """A heading's Roman numeral as the English model misreads it ("Ill. NHIEM VU"): a token of kind "roman", which
        restoration writes as the numeral."""
        if not (chunk.endswith(".") and misread_roman(chunk[:-1])):
            return False  # the common case, decided before the rest of the line is looked at
        words = rest.split(maxsplit=1)
        if not (words and len(words[0]) > 1 and words[0].isupper()):
            return False
        out.append(Token(s0, s0 + len(chunk) - 1, chunk[:-1], "roman", OTH, None, False, li))
        self._punct(".", s0 + len(chunk) - 1, li, out)
        return True

    def _garbled_kind(self, core: str, has_lower: bool, misreadings: frozenset[str]) -> str | None:
        """"garb", "misread" (maybe an abbreviation, maybe a misread syllable) or None."""
        if not _G_WORD.match(core) or core.isdigit() or _NUMBER.match(core):
            return None
        if core.isalpha():
            if self._word(core, has_lower)[0] == "syl":
                return None  # an ordinary (maybe stripped) syllable: handled as such
            if core in self.abbr:
                return None
            if has_lower and len(core) > 1 and core.isupper():
                return "misread" if core.lower() in misreadings else None  # else an abbreviation
            return "garb" if len(core) <= 8 else None
        digits = sum(c.isdigit() for c in core)
        uppers = sum(c.isupper() for c in core)
        # codes have no small letters (H2S, NO3); "NG6i" for "NỘI" has one
        lower = any(c.islower() for c in core)
        return "garb" if len(core) <= 6 and digits <= 2 and uppers <= 1 + lower and digits < len(core) else None

    def _punct(self, s: str, s0: int, li: int, out: list[Token]) -> None:
        for i, ch in enumerate(s):
            out.append(Token(s0 + i, s0 + i + 1, ch, "punct", PUNCT_CLASS.get(ch, "<p>"), None, False, li))

    def _core(self, core: str, s0: int, li: int, has_lower: bool, out: list[Token]) -> None:
        end = s0 + len(core)
        if core.isalpha():
            kind, lm, syl, marked = self._word(core, has_lower)
            out.append(Token(s0, end, core, kind, lm, syl, marked, li))
            return
        if _URL.search(core):
            out.append(Token(s0, end, core, "code", OTH, None, False, li))
            return
        has_digit = any(c.isdigit() for c in core)
        if has_digit:
            if _NUMBER.match(core):
                out.append(Token(s0, end, core, "num", NUM, None, False, li))
            else:
                out.append(Token(s0, end, core, "code", OTH, None, self.ortho.has_marks(core), li))
            return
        # letters joined by inner punctuation: a code (KL/TU, QĐ-TTg) or words (chí/xã, Rịa-Vũng)
        pieces = [(mm.start(), mm.group()) for mm in _PIECES.finditer(core)]
        words = [p for _, p in pieces if p.isalpha()]
        is_code = any(
            (len(w) > 1 and w.isupper() and (not self.ortho.is_syllable(w) or w in self.abbr))
            or (w[:1].isupper() and any(c.isupper() for c in w[1:]) and not w.isupper())
            or self._word(w, has_lower)[0] != "syl"
            for w in words
        )
        if is_code:
            out.append(Token(s0, end, core, "code", OTH, None, self.ortho.has_marks(core), li))
            return
        for off, p in pieces:
            if p.isalpha():
                kind, lm, syl, marked = self._word(p, has_lower)
                out.append(Token(s0 + off, s0 + off + len(p), p, kind, lm, syl, marked, li))
            else:
                self._punct(p, s0 + off, li, out)


def segment_bounds(tokens: list[Token], lines: list[str]) -> list[tuple[int, int]]:
    """Split a token list into language-model segments (sentences), as index ranges.

    A line break ends a segment unless the line does not end in sentence punctuation and the
    next line begins with a lower-case letter (a hard-wrapped paragraph), also across blank
    lines: OCR puts them mid-sentence where it sees a new block ("Ban Bí thư yêu\n\ncầu các cấp
    ủy"), though not before an item letter ("… các tỉnh, thành phố\n\na) Tập trung").
    """
    if not tokens:
        return []
    join_after: set[int] = set()
    for i in range(len(lines) - 1):
        cur = lines[i].rstrip()
        j = i + 1
        while j < len(lines) - 1 and not lines[j].strip():
            j += 1
        nxt = lines[j].lstrip()
        if cur and nxt and cur[-1] not in SENTENCE_END and nxt[0].islower() \
                and (j == i + 1 or not _ITEM_LETTER.match(nxt)):
            join_after.update(range(i, j))
    bounds = []
    start = 0
    for i in range(1, len(tokens)):
        prev, tok = tokens[i - 1], tokens[i]
        if tok.line != prev.line and not all(x in join_after for x in range(prev.line, tok.line)):
            bounds.append((start, i))
            start = i
    bounds.append((start, len(tokens)))
    return bounds
