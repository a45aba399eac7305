"""Provenance: from a character span of ``Document.text`` back to the words, pages and boxes it came from.

Word spans point into ``Document.read_text`` (the text as read); restoration changes
map that text to ``Document.text``. :class:`TextMap` maps offsets between the two;
:class:`Locator` finds the words under a span.
"""

from __future__ import annotations

import bisect

from .model import Box, Document, union_box


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
    """Page and boxes of a span of ``Document.text``."""

    def __init__(self, doc: Document):
        self.map = TextMap(doc)
        # (start, end, page, line number within the document, box), in text order
        self.words = [
            (w.start, w.end, page.number, line_no, w.box)
            for line_no, (page, ln) in enumerate((p, ln) for p in doc.pages for ln in p.lines)
            for w in ln.words
        ]
        self.word_starts = [w[0] for w in self.words]
        self.has_boxes = any(p.source != "text_file" for p in doc.pages)

    def _hits(self, start: int, end: int) -> list[tuple[int, int, int, int, Box]]:
        rs, re_ = self.map.to_read(start), self.map.to_read(end)
        i = max(0, bisect.bisect_right(self.word_starts, rs) - 1)
        hits = []
        while i < len(self.words) and self.words[i][0] < re_:
            if self.words[i][1] > rs:
                hits.append(self.words[i])
            i += 1
        return hits

    def locate(self, start: int, end: int) -> tuple[int | None, Box | None]:
        """The page the span starts on and the box around its words there."""
        hits = self._hits(start, end)
        if not hits:
            return None, None
        page = hits[0][2]
        boxes = [h[4] for h in hits if h[2] == page]
        return page, (union_box(boxes) if self.has_boxes else None)

    def line_boxes(self, start: int, end: int) -> list[tuple[int, Box]]:
        """(page, box) per line the span covers: a tight highlight for text that wraps."""
        if not self.has_boxes:
            return []
        lines: dict[int, tuple[int, list[Box]]] = {}
        for _, _, page, line_no, box in self._hits(start, end):
            lines.setdefault(line_no, (page, []))[1].append(box)
        return [(page, union_box(boxes)) for page, boxes in lines.values()]
