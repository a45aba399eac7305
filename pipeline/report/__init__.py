"""The HTML report: an overview for analysts and a review page per document for clerks.

``OUT/report.html`` holds task counts per agency, a deadline timeline by month with
overdue tasks marked against a chosen date, and the documents; each document links
to ``OUT/review/<doc_id>.html``: its page images beside the restored text, every
extracted item highlighted at its box on the image and at its span in the text,
and words that OCR read with low confidence marked. Styles and scripts are inlined
and images are local files of OUT, so the report works offline and can be copied
as a folder.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from .. import __version__
from ..config import Config
from ..model import Box, Document
from ..provenance import Locator
from ..query import connect
from ..storage import atomic_write_text, read_json
from .charts import agency_bars, month_timeline

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
LOW_CONFIDENCE = 60.0  # Tesseract word confidence below which a word is marked for checking
TOP_AGENCIES = 25
EXCERPT = 220  # characters of a task's text in the overview
REVIEW_CHUNKS = 16  # review pages are shared out to the workers in this many interleaved lots


@dataclass
class Highlight:
    """One extracted item (or a doubtful OCR word) in a document: where it is in the text and on the pages."""

    item_id: str
    kind: str  # task | agency | deadline | metric | lowconf
    label: str  # shown on hover
    start: int  # span in Document.text
    end: int
    boxes: list[tuple[int, tuple[float, float, float, float]]] = field(default_factory=list)  # page, % box


@dataclass
class ReportResult:
    path: Path
    documents: int
    review_pages: int
    seconds: float


def build_report(out: Path, as_of: dt.date | None = None, workers: int | None = None) -> ReportResult:
    """Write ``out/report.html`` from the tables and ``out/review/*.html`` from the per-document JSON files.

    Review pages are rendered in ``workers`` processes (default: one per core).
    """
    started = time.perf_counter()
    as_of = as_of or dt.date.today()
    if not (out / "json").is_dir():
        raise FileNotFoundError(f"no processed documents in {out}: run ketluan run INBOX --out {out} first")
    with connect(out) as con:
        context = _overview_context(con, as_of)
    ok_ids = [d["doc_id"] for d in context["documents"] if d["status"] == "ok"]
    jobs = [ok_ids[i::REVIEW_CHUNKS] for i in range(REVIEW_CHUNKS) if ok_ids[i::REVIEW_CHUNKS]]
    workers = max(1, min(workers or Config().workers, len(jobs)))
    if workers == 1:
        for chunk in jobs:
            write_review_pages(out, chunk)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            list(pool.map(write_review_pages, [out] * len(jobs), jobs))
    path = out / "report.html"
    atomic_write_text(path, _environment().get_template("report.html").render(**context))
    seconds = time.perf_counter() - started
    log.debug("report: %d documents, %d review pages in %.1f s → %s", len(context["documents"]), len(ok_ids),
             seconds, path)
    return ReportResult(path, len(context["documents"]), len(ok_ids), seconds)


def write_review_pages(out: Path, doc_ids: list[str]) -> None:
    """The review page of each document; not synced to disk one by one, as the report is rebuilt in seconds."""
    template = _environment().get_template("review.html")
    for doc_id in doc_ids:
        doc = Document.from_dict(read_json(out / "json" / f"{doc_id}.json"))
        atomic_write_text(out / "review" / f"{doc_id}.html", template.render(**_review_context(doc)), durable=False)


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    # styles and scripts inlined into every page: read once, not once per review page
    assets = {p.name: Markup(p.read_text(encoding="utf-8"))
              for p in TEMPLATES.iterdir() if p.suffix in (".css", ".js")}
    env.globals["inline"] = assets.__getitem__
    return env


# --- overview, from the tables ----------------------------------------------------------------------
def _records(con, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _overview_context(con, as_of: dt.date) -> dict:
    documents = _records(con, """
        SELECT d.*, coalesce(n.tasks, 0) AS n_tasks
        FROM documents d LEFT JOIN (SELECT doc_id, count(*) AS tasks FROM tasks GROUP BY 1) n ON n.doc_id = d.doc_id
        ORDER BY d.source_path""")
    leads = con.execute("""
        SELECT agency, count(DISTINCT task_id) AS tasks FROM task_agencies WHERE role = 'lead'
        GROUP BY 1 ORDER BY 2 DESC, 1""").fetchall()
    rows = _records(con, """
        SELECT strftime(t.deadline, '%Y-%m-%d') AS deadline, t.lead_agencies AS leads, t.text, t.task_id, t.doc_id,
               coalesce(nullif(d.doc_number, ''), t.doc_id) AS document
        FROM tasks t JOIN documents d ON d.doc_id = t.doc_id
        WHERE t.deadline IS NOT NULL ORDER BY t.deadline, t.task_id""")
    cutoff = as_of.isoformat()
    for row in rows:
        row["overdue"] = row["deadline"] < cutoff
        row["text"] = _excerpt(row["text"])
    n_tasks, n_unassigned = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE coalesce(lead_agencies, '') = '') FROM tasks").fetchone()
    return {
        "version": __version__,
        "generated": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "as_of": cutoff,
        "documents": documents,
        "n_documents": sum(1 for d in documents if d["status"] == "ok"),
        "n_errors": sum(1 for d in documents if d["status"] != "ok"),
        "n_tasks": n_tasks,
        "n_unassigned": n_unassigned,
        "n_dated": len(rows),
        "n_overdue": sum(1 for r in rows if r["overdue"]),
        "agency_chart": Markup(agency_bars(leads[:TOP_AGENCIES])),
        "n_agencies": len(leads),
        "top_agencies": TOP_AGENCIES,
        "timeline": Markup(month_timeline([r["deadline"] for r in rows], as_of)),
        "rows": rows,
    }


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


# --- review page ----------------------------------------------------------------------------------
def _review_context(doc: Document) -> dict:
    highlights = _highlights(doc)
    boxes: dict[int, list[str]] = {}
    for h in highlights:
        label = html.escape(h.label, quote=True)
        for number, (x, y, w, hgt) in h.boxes:
            boxes.setdefault(number, []).append(
                f'<div class="box {h.kind}" data-item="{h.item_id}" title="{label}" '
                f'style="left:{x:.3f}%;top:{y:.3f}%;width:{w:.3f}%;height:{hgt:.3f}%"></div>'
            )
    return {
        "doc": doc,
        "version": __version__,
        # built here, not in the template: a scanned page carries hundreds of boxes
        "pages": [{"page": p, "boxes": Markup("".join(boxes.get(p.number, [])))} for p in doc.pages],
        "has_images": any(p.image for p in doc.pages),
        "marked_text": Markup(_marked_text(doc.text, highlights)),
        "tasks": doc.tasks,
        "metrics": doc.metrics,
        "low_confidence": LOW_CONFIDENCE,
    }


def _highlights(doc: Document) -> list[Highlight]:
    locator = Locator(doc)
    sizes = {p.number: (p.width, p.height) for p in doc.pages}
    out: list[Highlight] = []

    def percent(page: int, box: Box) -> tuple[int, tuple[float, float, float, float]]:
        pw, ph = sizes[page]
        x, y, w, h = box
        return page, (100 * x / pw, 100 * y / ph, 100 * w / pw, 100 * h / ph)

    def add(item_id: str, kind: str, label: str, start: int, end: int) -> None:
        boxes = [percent(page, box) for page, box in locator.line_boxes(start, end) if all(sizes[page])]
        out.append(Highlight(item_id, kind, label, start, end, boxes))

    for task in doc.tasks:
        leads = ", ".join(task.lead_agencies) or "no lead agency"
        add(task.task_id, "task", f"task {task.item_path}: {leads}", task.start, task.end)
        for i, a in enumerate(task.agencies):
            add(f"{task.task_id}-A{i + 1}", "agency", f"{a.role}: {a.name}", a.start, a.end)
        for i, d in enumerate(task.deadlines):
            period = f"{d.start} → {d.end}" if d.start else (d.end or "recurring")
            add(f"{task.task_id}-D{i + 1}", "deadline", f"{d.kind} {period} ({d.granularity})", d.span_start,
                d.span_end)
    for m in doc.metrics:
        value = f"{m.value:g}" + (f"/{m.total:g}" if m.total is not None else "")
        add(m.metric_id, "metric", f"{value} {m.unit}: {m.subject}", m.start, m.end)
    if doc.text_source == "ocr":
        doubtful = [(p, w) for p in doc.pages if all(sizes[p.number]) for ln in p.lines for w in ln.words
                    if w.conf < LOW_CONFIDENCE]
        for n, (page, w) in enumerate(doubtful, start=1):
            start, end = locator.map.to_text(w.start), locator.map.to_text(w.end)
            out.append(Highlight(f"W{n}", "lowconf", f"OCR confidence {w.conf:.0f}: {w.text}", start, end,
                                 [percent(page.number, w.box)]))
    return out


def _marked_text(text: str, highlights: list[Highlight]) -> str:
    """The text as HTML, each stretch wrapped in a span naming the items that cover it."""
    cuts = {0, len(text)}
    for h in highlights:
        if 0 <= h.start < h.end <= len(text):
            cuts.update((h.start, h.end))
    bounds = sorted(cuts)
    starts: dict[int, list[Highlight]] = {}
    for h in highlights:
        if 0 <= h.start < h.end <= len(text):
            starts.setdefault(h.start, []).append(h)
    active: list[Highlight] = []
    parts = []
    for a, b in zip(bounds, bounds[1:]):
        active = [h for h in active if h.end > a] + starts.get(a, [])
        chunk = html.escape(text[a:b])
        if not active:
            parts.append(chunk)
            continue
        kinds = " ".join(sorted({f"hl-{h.kind}" for h in active}))
        items = " ".join(h.item_id for h in active)
        title = html.escape(" | ".join(h.label for h in active), quote=True)
        parts.append(f'<span class="hl {kinds}" data-items="{items}" title="{title}">{chunk}</span>')
    return "".join(parts)
