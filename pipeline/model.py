"""Typed records that the pipeline stages pass to each other.

A :class:`Document` is what one source file becomes. Its pages hold lines of
words with boxes in page pixels; ``Document.text`` is the page texts joined,
and every word knows its character span in that text, so any later span
(a task, a deadline) can be traced back to a page and a box.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

Box = tuple[int, int, int, int]  # left, top, width, height in page pixels


def union_box(boxes: list[Box]) -> Box:
    """The smallest box holding all ``boxes``."""
    left = min(b[0] for b in boxes)
    top = min(b[1] for b in boxes)
    right = max(b[0] + b[2] for b in boxes)
    bottom = max(b[1] + b[3] for b in boxes)
    return left, top, right - left, bottom - top


@dataclass(slots=True)  # documents hold thousands of these: slots make loading a batch's JSON faster
class Word:
    text: str
    conf: float  # 0..100, Tesseract's word confidence; 100 for text layers and text files
    box: Box
    start: int = -1  # character span in Document.text
    end: int = -1


@dataclass
class Line:
    words: list[Word]
    box: Box
    block: int = 0
    paragraph: int = 0

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass
class Page:
    number: int  # 1-based
    width: int
    height: int
    dpi: int
    source: str = "ocr"  # ocr | text_layer | text_file
    lines: list[Line] = field(default_factory=list)
    rotation: int = 0  # degrees clockwise that were undone before OCR
    skew: float = 0.0  # degrees of skew that were undone before OCR
    mean_conf: float | None = None
    timings: dict[str, float] = field(default_factory=dict)
    image: str = ""  # review image of the page (boxes scale to it), relative to the output folder

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass
class TextChange:
    """One token the restore stage changed; the span is in ``Document.ocr_text``."""

    start: int
    end: int
    original: str
    replacement: str
    score: float


@dataclass
class Agency:
    """An agency mention: canonical name, the words as written, and its role in the task."""

    name: str  # canonical: abbreviations expanded, "tỉnh" resolved where the document names it
    text: str  # as written
    role: str  # lead | cooperate | report_to | other
    start: int  # character span in Document.text
    end: int


@dataclass
class Deadline:
    text: str
    kind: str  # by | within | from_to | recurring
    start: str | None  # ISO dates; None when open or recurring
    end: str | None
    granularity: str  # day | week | month | quarter | half | year
    span_start: int
    span_end: int


@dataclass
class Metric:
    metric_id: str
    text: str
    value: float
    total: float | None
    unit: str
    percent: float | None
    subject: str  # the phrase the figure measures
    start: int
    end: int
    page: int | None = None
    box: Box | None = None
    task_id: str = ""


@dataclass
class Task:
    task_id: str
    section: str  # heading of the top-level section ("II. NHIỆM VỤ ...")
    item_path: str  # markers from the section down: "II.1.a.-2"
    text: str
    start: int  # character span in Document.text
    end: int
    agencies: list[Agency] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    lead_inherited: bool = False  # lead agencies taken from the item head
    confidence: float = 1.0
    page: int | None = None
    box: Box | None = None

    @property
    def lead_agencies(self) -> list[str]:
        names: list[str] = []
        for agency in self.agencies:
            if agency.role == "lead" and agency.name not in names:
                names.append(agency.name)
        return names

    @property
    def deadline(self) -> str | None:
        """The latest end date among the task's deadlines."""
        ends = [d.end for d in self.deadlines if d.end]
        return max(ends) if ends else None


@dataclass
class Document:
    doc_id: str
    source_path: str
    sha256: str
    text_source: str = ""  # ocr | text_layer | text_file
    pages: list[Page] = field(default_factory=list)
    text: str = ""  # the document text after restoration
    # Text as read (OCR, text layer, text file) when restoration changed it; word spans
    # point into this text, and ``changes`` map it to ``text``.
    ocr_text: str = ""
    restoration_mode: str = ""  # stripped | garbled | ocr | unchanged; empty when not run
    changes: list[TextChange] = field(default_factory=list)
    status: str = "ok"  # ok | error
    error: str = ""
    pipeline_version: str = ""
    processed_at: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    tasks: list[Task] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)

    @property
    def ocr_mean_confidence(self) -> float | None:
        """Mean word confidence over OCR'd pages, weighted by word count."""
        confs = [w.conf for p in self.pages if p.source == "ocr" for ln in p.lines for w in ln.words]
        return round(sum(confs) / len(confs), 2) if confs else None

    @property
    def read_text(self) -> str:
        """The text as read, before restoration: what word spans index."""
        return self.ocr_text or self.text

    def assemble_text(self) -> None:
        """Build ``text`` from the pages and give every word its span in it.

        Lines are separated by a newline, pages by a form feed, so that a
        character offset always maps to exactly one page.
        """
        parts: list[str] = []
        pos = 0
        for i, page in enumerate(self.pages):
            if i:
                parts.append("\f")
                pos += 1
            for j, line in enumerate(page.lines):
                if j:
                    parts.append("\n")
                    pos += 1
                for k, word in enumerate(line.words):
                    if k:
                        parts.append(" ")
                        pos += 1
                    word.start, word.end = pos, pos + len(word.text)
                    parts.append(word.text)
                    pos = word.end
        self.text = "".join(parts)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["ocr_mean_confidence"] = self.ocr_mean_confidence
        for task, row in zip(self.tasks, data["tasks"]):
            row["lead_agencies"] = task.lead_agencies
            row["deadline"] = task.deadline
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Document":
        data = dict(data)
        data.pop("ocr_mean_confidence", None)
        pages = []
        for p in data.pop("pages", []):
            lines = [
                Line(
                    words=[Word(w["text"], w["conf"], tuple(w["box"]), w["start"], w["end"]) for w in ln["words"]],
                    box=tuple(ln["box"]),
                    block=ln.get("block", 0),
                    paragraph=ln.get("paragraph", 0),
                )
                for ln in p.pop("lines", [])
            ]
            pages.append(Page(lines=lines, **p))
        data["changes"] = [TextChange(**c) for c in data.get("changes", [])]
        data["tasks"] = [_task_from_dict(t) for t in data.get("tasks", [])]
        data["metrics"] = [Metric(**{**m, "box": _box(m.get("box"))}) for m in data.get("metrics", [])]
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(pages=pages, **{k: v for k, v in data.items() if k in known})


def _box(value) -> Box | None:
    return tuple(value) if value else None


def _task_from_dict(data: dict[str, Any]) -> Task:
    data = {k: v for k, v in data.items() if k not in ("lead_agencies", "deadline")}
    data["agencies"] = [Agency(**a) for a in data.get("agencies", [])]
    data["deadlines"] = [Deadline(**d) for d in data.get("deadlines", [])]
    data["box"] = _box(data.get("box"))
    return Task(**data)
