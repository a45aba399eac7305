"""Paragraphs of a document and the way back from a character span to its page and box.

OCR gives lines, not paragraphs. A line opens a paragraph when it starts with an
item marker, follows a line ending with ":", is indented past the body's left
edge (Decree 30 asks for a first-line indent), or follows a wide vertical gap.
Text files either keep one paragraph per line or separate wrapped paragraphs by
blank lines; both are recognised.

Word spans point into ``Document.read_text``; restoration changes map that text
to ``Document.text``, where extraction works. :class:`TextMap` maps between them.
"""

from __future__ import annotations

import bisect
import re
import statistics
from dataclasses import dataclass

from ..model import Box, Document, Line, union_box

# item markers of Decree 30 layouts: "I.", "II-", "1.", "1.2.", "(3)", "a)", "-", "+"
MARKER = r"[IVX]{1,4}\s*[.\-–/]|\d{1,2}(?:\.\d{1,2})*\s*[.)]|\(\d{1,2}\)|[a-zđ]\s*\)|[-–—•+*]"
MARKER_RE = re.compile(rf"^\s*(?:{MARKER})\s*")
INDENT_MM = 4.0  # a paragraph's first line is indented at least this far past the body's left edge


@dataclass
class Paragraph:
    start: int  # span in Document.text
    end: int
    page: int | None = None


class TextMap:
    """Offsets in the read text ↔ offsets in the restored text, through the restore changes."""

    def __init__(self, doc: Document):
        changes = sorted(doc.changes, key=lambda c: c.start)
        self.read_starts = [c.start for c in changes]
        self.read_ends = [c.end for c in changes]
        self.text_starts: list[int] = []
        self.text_ends: list[int] = []
        shift = 0
        for c in changes:
            self.text_starts.append(c.start + shift)
            shift += len(c.replacement) - (c.end - c.start)
            self.text_ends.append(c.end + shift)
        self.shifts = [e_t - e_r for e_t, e_r in zip(self.text_ends, self.read_ends)]

    def to_text(self, pos: int) -> int:
        i = bisect.bisect_right(self.read_ends, pos) - 1
        if i + 1 < len(self.read_starts) and self.read_starts[i + 1] < pos:  # inside a change
            return self.text_starts[i + 1]
        return pos + (self.shifts[i] if i >= 0 else 0)

    def to_read(self, pos: int) -> int:
        i = bisect.bisect_right(self.text_ends, pos) - 1
        if i + 1 < len(self.text_starts) and self.text_starts[i + 1] < pos:
            return self.read_starts[i + 1]
        return pos - (self.shifts[i] if i >= 0 else 0)


class Locator:
    """Page and box of a span of ``Document.text``."""

    def __init__(self, doc: Document):
        self.map = TextMap(doc)
        self.words = [(w.start, w.end, page.number, w.box) for page in doc.pages for ln in page.lines for w in ln.words]
        self.word_starts = [w[0] for w in self.words]
        self.has_boxes = any(p.source != "text_file" for p in doc.pages)

    def locate(self, start: int, end: int) -> tuple[int | None, Box | None]:
        rs, re_ = self.map.to_read(start), self.map.to_read(end)
        i = max(0, bisect.bisect_right(self.word_starts, rs) - 1)
        hits = []
        while i < len(self.words) and self.words[i][0] < re_:
            if self.words[i][1] > rs:
                hits.append(self.words[i])
            i += 1
        if not hits:
            return None, None
        page = hits[0][2]
        boxes = [h[3] for h in hits if h[2] == page]
        return page, (union_box(boxes) if self.has_boxes else None)


def paragraphs(doc: Document) -> list[Paragraph]:
    """The document's paragraphs, as spans of ``Document.text``."""
    tmap = TextMap(doc)
    out: list[Paragraph] = []
    for page in doc.pages:
        lines = [ln for ln in page.lines]
        if page.source == "text_file":
            out.extend(_text_file_paragraphs(lines, page.number, tmap))
        else:
            out.extend(_scanned_paragraphs(lines, page.number, page.dpi or 300, tmap))
    return [p for p in out if p.end > p.start]


def _span(lines: list[Line], tmap: TextMap) -> tuple[int, int]:
    words = [w for ln in lines for w in ln.words]
    return tmap.to_text(words[0].start), tmap.to_text(words[-1].end)


def _text_file_paragraphs(lines: list[Line], page: int, tmap: TextMap) -> list[Paragraph]:
    blank = sum(1 for ln in lines if not ln.words)
    wrapped = blank >= 0.15 * max(1, len(lines) - blank)  # blank lines between wrapped paragraphs
    groups: list[list[Line]] = []
    current: list[Line] = []
    for ln in lines:
        if not ln.words:
            if current:
                groups.append(current)
            current = []
            continue
        if current and (not wrapped or MARKER_RE.match(ln.text) and _ends_clause(current[-1].text)):
            groups.append(current)
            current = []
        current.append(ln)
    if current:
        groups.append(current)
    return [Paragraph(*_span(g, tmap), page) for g in groups]


def _ends_clause(text: str) -> bool:
    return bool(re.search(r"[.:;!?]\s*$", text))


def _scanned_paragraphs(lines: list[Line], page: int, dpi: int, tmap: TextMap) -> list[Paragraph]:
    lines = [ln for ln in lines if ln.words]
    if not lines:
        return []
    lefts = [ln.box[0] for ln in lines]
    body_left = statistics.median_low(sorted(lefts)[: max(1, len(lefts) // 2)])  # lower half: unindented lines
    indent = INDENT_MM / 25.4 * dpi
    heights = [ln.box[3] for ln in lines]
    line_h = statistics.median(heights)
    groups: list[list[Line]] = [[lines[0]]]
    for prev, ln in zip(lines, lines[1:]):
        gap = ln.box[1] - (prev.box[1] + prev.box[3])
        new = (
            MARKER_RE.match(ln.text) is not None
            or prev.text.rstrip().endswith(":")
            or ln.box[0] - body_left > indent
            or gap > 1.2 * line_h
            or ln.box[1] < prev.box[1]  # a new column or block
        )
        if new:
            groups.append([ln])
        else:
            groups[-1].append(ln)
    return [Paragraph(*_span(g, tmap), page) for g in groups]
