"""Paragraphs of a document and the way back from a character span to its page and box.

OCR gives lines, not paragraphs. A line opens a paragraph when it is indented
past the body's left edge (Decree 30 asks for a first-line indent; the edge may
lean, as deskewing shears lines straight but not margins), follows a wide
vertical gap, starts with an item marker, or follows a line ending with ":"
(unless it carries the sentence on in lower case). A page break is no paragraph
break: with no gap to see, the first line of a page carries on the paragraph at
the foot of the page before unless indent, marker or a finished sentence say
otherwise, and a bare page number atop it (Decree 30 numbers pages from the
second) is no body text. Specks of noise that Tesseract reads as "-", ":" or "_"
are no part of a line: they would pass for dash markers or heading colons.
Text files either keep one paragraph per line or separate wrapped paragraphs by
blank lines; both are recognised, and in the latter a line well short of the
usual one ends its paragraph before an item marker.

Word spans point into ``Document.read_text``; restoration changes map that text
to ``Document.text``, where extraction works (:mod:`pipeline.provenance`).
"""

from __future__ import annotations

import math
import re
import statistics
import unicodedata
from dataclasses import dataclass

from ..model import Document, Line, Word
from ..provenance import TextMap

# Vietnamese capitals, precomposed (NFC) as the text is
UPPER = "A-ZĐ" + "".join(unicodedata.normalize("NFC", v + t) for v in "AĂÂEÊIOÔƠUƯY"
                         for t in ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")) + "ĂÂÊÔƠƯ"
# A Roman numeral before its separator; Tesseract misreads bold serif ones before a heading in capitals ("H." for
# "II.", "HI." for "III.", "IL." for "I.", "v." for "V.") and may lose their full stop ("II NHIỆM VỤ")
ROMAN = rf"[IVX]{{1,4}}(?=\s*[.\-–/])|[IVXHLlvx]{{1,4}}(?=(?:\s*[.\-–/]|\s)\s*[{UPPER}]{{2}})"
# An item number before its separator: "1.", "1.2.", "1)", and "1- " as Party documents write; neither "1.700 km"
# nor a wrapped document code ("57-NQ/TW") is one. OCR may read the full stop as a comma before the item's capital
# ("4, Nâng cao năng lực"; English-model OCR in 7 of the 54 dev documents)
NUMBER = rf"\d{{1,2}}(?:\.\d{{1,2}})*(?=\s*[.)](?!\d)|-\s|,\s+[{UPPER}])"
# An item letter before its ")"; OCR may read c, o, s, v, w, x, z as the capitals of the same shape
LETTER = r"[a-zđCOSVWXZ](?=\s*\))"
# ... or before its full stop, as some documents write ("a. Đảng ủy Chính phủ …"): only before a capital
LETTER_DOT = rf"[a-zđ](?=\.\s+[{UPPER}])"
# item markers of Decree 30 layouts: "I.", "II-", "1.", "(3)", "a)", "a.", "-", "+"; a dash blurred into noise reads "——~"
MARKER = rf"(?:{ROMAN})\s*[.\-–/]?|(?:{NUMBER})(?:\s*[.),]|-)|\(\d{{1,2}}\)|(?:{LETTER})\s*\)|(?:{LETTER_DOT})\.|[-–—]{{1,3}}~?|[•+*]"
MARKER_RE = re.compile(rf"^\s*(?:{MARKER})\s*")
INDENT_MM = 4.0  # a paragraph's first line is indented at least this far past the body's left edge
EDGE_MM = 1.0  # unindented lines start this close to the body's left edge
# A line further than this many usual line pitches below the one before follows a wide gap (a heading, the closing
# block). Pitches, unlike box heights, do not grow when lines lean.
GAP_PITCHES = 1.6
# The clean stage straightens skewed lines by shearing pixel columns, which leaves the margins leaning by the skew:
# the left edge is searched among lines leaning up to 3 degrees, in steps of 0.1 degree.
SLANTS = sorted((math.tan(math.radians(k / 10)) for k in range(-30, 31)), key=abs)
SPECK_MM2 = 0.15  # a word box smaller than this is noise: a full stop is ~0.2 mm², a dash ~0.3 mm²
PAGE_NUMBER = r"[-–—]?[ ]*\d{1,3}[ ]*[-–—]?"  # "2", "- 2 -"
PAGE_NUMBER_RE = re.compile(rf"^{PAGE_NUMBER}$")
PAGE_BREAK_RE = re.compile(rf"\f(?:{PAGE_NUMBER}\n)?")  # a page break and the number atop the next page
STRAY = ".,:;`_~|"  # no line of text opens with these: a speck glued to the first word (".a)")
SHORT_LINE = 0.6  # a text file's line shorter than this share of its median line ends a paragraph before an item marker


def _numeral(n: int) -> str:
    out = ""
    for value, symbol in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        out += symbol * (n // value)
        n %= value
    return out


NUMERALS = [_numeral(n) for n in range(1, 40)]


def roman_label(read: str, previous: str | None) -> str:
    """A section's Roman numeral: as read where it is one, else (misread) the one after the previous section's."""
    if read in NUMERALS:
        return read
    return NUMERALS[min(NUMERALS.index(previous) + 1, len(NUMERALS) - 1)] if previous in NUMERALS else NUMERALS[0]


def flowed(text: str) -> str:
    """A paragraph's text with its line breaks, page breaks and page numbers as spaces, so that names and dates
    wrapped across them ("Bộ Tài\\nchính") read whole; same length, so offsets hold."""
    return PAGE_BREAK_RE.sub(lambda m: " " * len(m.group()), text).replace("\n", " ")


@dataclass
class Paragraph:
    start: int  # span in Document.text
    end: int
    page: int | None = None


def paragraphs(doc: Document) -> list[Paragraph]:
    """The document's paragraphs, as spans of ``Document.text``."""
    tmap = TextMap(doc)
    out: list[Paragraph] = []
    flow: list[_Line] = []  # the scanned lines in reading order, page after page
    for page in doc.pages:
        if page.source == "text_file":
            out.extend(_text_file_paragraphs(page.lines, page.number, tmap))
        else:
            flow.extend(_page_lines(page.lines, page.number, page.dpi or 300))
    out.extend(_scanned_paragraphs(flow, tmap))
    return [p for p in out if p.end > p.start]


def _span(words: list[Word], tmap: TextMap) -> tuple[int, int]:
    return tmap.to_text(words[0].start), tmap.to_text(words[-1].end)


def _text_file_paragraphs(lines: list[Line], page: int, tmap: TextMap) -> list[Paragraph]:
    blank = sum(1 for ln in lines if not ln.words)
    wrapped = blank >= 0.15 * max(1, len(lines) - blank)  # blank lines between wrapped paragraphs
    # a line well short of the usual one ends its paragraph: "3. Tổ chức thực hiện" / "a) Đảng ủy Chính phủ …:"
    full = statistics.median([len(ln.text) for ln in lines if ln.words] or [0])
    groups: list[list[Line]] = []
    current: list[Line] = []
    for ln in lines:
        if not ln.words:
            if current:
                groups.append(current)
            current = []
            continue
        if current and (not wrapped or MARKER_RE.match(ln.text) and (_ends_clause(current[-1].text)
                                                                     or len(current[-1].text) < SHORT_LINE * full)
                        or _heading_line(ln.text) and not _heading_line(current[-1].text)):
            groups.append(current)
            current = []
        current.append(ln)
    if current:
        groups.append(current)
    return [Paragraph(*_span([w for ln in g for w in ln.words], tmap), page) for g in groups]


def in_capitals(text: str) -> bool:
    """Text in capitals, allowing one small letter in ten that OCR reads for a capital
    ("THÀNH PHỐ HỒ CHí MINH")."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def _heading_line(text: str) -> bool:
    """A line in capitals ("KẾ HOẠCH", "CỦA BAN THƯỜNG VỤ TỈNH ỦY"): a heading, never the
    continuation of the mixed-case line above it (a legacy OCR text file keeps no blank line
    between the date line and the document type)."""
    return len(text.split()) >= 2 and sum(c.isalpha() for c in text) >= 6 and in_capitals(text)


def _ends_clause(text: str) -> bool:
    return bool(re.search(r"[.:;!?]\s*$", text))


@dataclass
class _Line:
    """A scanned line without its specks, and whether its look opens a paragraph."""

    words: list[Word]
    skip: int  # stray characters before the text of the first word
    page: int
    text: str
    indented: bool
    after_gap: bool  # a wide gap above it, or it starts a new column or block; never a page's first line


def _page_lines(lines: list[Line], page: int, dpi: int) -> list[_Line]:
    speck = SPECK_MM2 * (dpi / 25.4) ** 2
    kept = [ws for ln in lines if (ws := [w for w in ln.words if w.box[2] * w.box[3] >= speck])]
    if kept and page > 1 and PAGE_NUMBER_RE.match(" ".join(w.text for w in kept[0])):
        kept = kept[1:]
    if not kept:
        return []
    lefts = [min(w.box[0] for w in ws) for ws in kept]
    tops = [min(w.box[1] for w in ws) for ws in kept]
    x0, slant = _left_edge(lefts, tops, EDGE_MM / 25.4 * dpi)
    indent = INDENT_MM / 25.4 * dpi
    pitch = statistics.median([b - a for a, b in zip(tops, tops[1:]) if b > a] or [0])
    out = []
    for k, ws in enumerate(kept):
        gap = k > 0 and (tops[k] - tops[k - 1] > GAP_PITCHES * pitch or tops[k] < tops[k - 1])
        skip = len(ws[0].text) - len(ws[0].text.lstrip(STRAY))
        skip = 0 if skip == len(ws[0].text) else skip
        indented = lefts[k] - (x0 + slant * tops[k]) > indent
        out.append(_Line(ws, skip, page, " ".join(w.text for w in ws)[skip:], indented, gap))
    return out


def _left_edge(lefts: list[int], tops: list[int], near: float) -> tuple[float, float]:
    """The body's left edge, x = x0 + slant·y: the line through the lower half of the left ends (the unindented
    lines) that most lines start on; upright when it ties."""
    best = (-1, 0.0, 0.0)
    for slant in SLANTS:
        ends = sorted(x - slant * y for x, y in zip(lefts, tops))
        x0 = statistics.median_low(ends[: max(1, len(ends) // 2)])
        on = sum(abs(e - x0) <= near for e in ends)
        if on > best[0]:
            best = (on, x0, slant)
    return best[1], best[2]


def _scanned_paragraphs(lines: list[_Line], tmap: TextMap) -> list[Paragraph]:
    groups: list[list[_Line]] = []
    for ln in lines:
        prev = groups[-1] if groups else None
        if prev is None or _opens(ln, prev):
            groups.append([ln])
        else:
            prev.append(ln)
    return [Paragraph(tmap.to_text(g[0].words[0].start + g[0].skip), tmap.to_text(g[-1].words[-1].end), g[0].page)
            for g in groups]


def _opens(ln: _Line, paragraph: list[_Line]) -> bool:
    """Whether ``ln`` opens a paragraph after ``paragraph``; a page's first line may carry it on."""
    if ln.indented or ln.after_gap:
        return True
    prev = paragraph[-1]
    # after a head, or after a finished sentence at the foot of a page (no gap to see there), the line opens a
    # paragraph unless it carries on a sentence in lower case ("gồm:\ncác sở", "… báo cáo UBND Thành phố bổ:\fsung")
    if prev.text.endswith(":") or ln.page != prev.page and re.search(r"[.!?]$", prev.text):
        return not ln.text[:1].islower()
    marker = MARKER_RE.match(ln.text)
    if marker and marker.group(0).rstrip().endswith(","):
        return _ends_clause(prev.text)  # "4, Nâng cao" opens an item only after a finished sentence
    if marker and marker.group(0).rstrip().endswith(")"):
        # "(trước ngày" / "25); tổng kết …": a ")" that closes an open parenthesis is no "25)" marker
        so_far = MARKER_RE.sub("", " ".join(x.text for x in paragraph), count=1)  # not the ")" of its own "d)"
        return so_far.count("(") <= so_far.count(")")
    return bool(marker)
