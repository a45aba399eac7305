"""Paragraphs of a document and the way back from a character span to its page and box.

OCR gives lines, not paragraphs. A line opens a paragraph when it starts with an
item marker, follows a line ending with ":", is indented past the body's left
edge (Decree 30 asks for a first-line indent), or follows a wide vertical gap.
Text files either keep one paragraph per line or separate wrapped paragraphs by
blank lines; both are recognised.

Word spans point into ``Document.read_text``; restoration changes map that text
to ``Document.text``, where extraction works (:mod:`pipeline.provenance`).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from ..model import Document, Line
from ..provenance import TextMap

# item markers of Decree 30 layouts: "I.", "II-", "1.", "1.2.", "(3)", "a)", "-", "+"
MARKER = r"[IVX]{1,4}\s*[.\-–/]|\d{1,2}(?:\.\d{1,2})*\s*[.)]|\(\d{1,2}\)|[a-zđ]\s*\)|[-–—•+*]"
MARKER_RE = re.compile(rf"^\s*(?:{MARKER})\s*")
INDENT_MM = 4.0  # a paragraph's first line is indented at least this far past the body's left edge


@dataclass
class Paragraph:
    start: int  # span in Document.text
    end: int
    page: int | None = None


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
