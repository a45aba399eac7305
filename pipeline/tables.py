"""Tables for analysts, rebuilt from the per-document JSON files.

The tables are a deterministic function of ``OUT/json``: rebuilding them after
an interrupted batch yields complete tables with one row per document. Each is
written twice: ``OUT/<name>.csv`` for spreadsheets (Excel-safe) and
``OUT/parquet/<name>.parquet``, typed, for DuckDB and pandas (``ketluan query``).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from .model import Document
from .schema import (
    COLUMN_TYPES,
    DEADLINE_COLUMNS,
    DOCUMENT_COLUMNS,
    ERROR_COLUMNS,
    METADATA_COLUMNS,
    METRIC_COLUMNS,
    TASK_AGENCY_COLUMNS,
    TASK_COLUMNS,
    parquet_path,
)
from .storage import atomic_write_csv, atomic_write_parquet, read_json

log = logging.getLogger(__name__)

def load_documents(json_dir: Path) -> list[Document]:
    """Every document JSON, one per source path: a file whose content changed keeps only its latest version."""
    latest: dict[str, Document] = {}
    for path in sorted(json_dir.glob("*.json")):
        try:
            doc = Document.from_dict(read_json(path))
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("skipping unreadable %s: %s", path, exc)
            continue
        held = latest.get(doc.source_path)
        if held is None or (doc.processed_at, doc.doc_id) > (held.processed_at, held.doc_id):
            latest[doc.source_path] = doc
    return sorted(latest.values(), key=lambda d: (d.source_path, d.doc_id))


def document_row(doc: Document) -> dict:
    row = {
        "doc_id": doc.doc_id,
        "source_path": doc.source_path,
        "pages": len(doc.pages),
        "text_source": doc.text_source,
        "ocr_mean_confidence": doc.ocr_mean_confidence,
        "status": doc.status,
        "error": doc.error,
        "pipeline_version": doc.pipeline_version,
        "processed_at": doc.processed_at,
    }
    row.update({col: doc.metadata.get(col, "") for col in METADATA_COLUMNS})
    return row


def extraction_tables(docs: list[Document]) -> dict[str, pd.DataFrame]:
    """tasks, task_agencies, deadlines and metrics: one row per extracted item."""
    tasks, agencies, deadlines, metrics = [], [], [], []
    for doc in docs:
        for t in doc.tasks:
            latest = max((d for d in t.deadlines if d.end), key=lambda d: d.end, default=None)
            tasks.append({
                "task_id": t.task_id, "doc_id": doc.doc_id, "section": t.section, "item_path": t.item_path,
                "text": t.text, "lead_agencies": "; ".join(t.lead_agencies), "deadline": t.deadline,
                "deadline_text": latest.text if latest else "; ".join(d.text for d in t.deadlines),
                "page": t.page, "confidence": t.confidence,
            })
            seen = set()
            for a in t.agencies:
                if (a.name, a.role) not in seen:
                    seen.add((a.name, a.role))
                    agencies.append({"task_id": t.task_id, "doc_id": doc.doc_id, "agency": a.name,
                                     "agency_text": a.text, "role": a.role})
            for d in t.deadlines:
                deadlines.append({"task_id": t.task_id, "doc_id": doc.doc_id, "text": d.text, "kind": d.kind,
                                  "start": d.start, "end": d.end, "granularity": d.granularity})
        for m in doc.metrics:
            metrics.append({"metric_id": m.metric_id, "doc_id": doc.doc_id, "task_id": m.task_id, "text": m.text,
                            "value": m.value, "total": m.total, "unit": m.unit, "percent": m.percent,
                            "subject": m.subject, "page": m.page})
    return {
        "tasks": pd.DataFrame(tasks, columns=TASK_COLUMNS).astype({"page": "Int64"}),
        "task_agencies": pd.DataFrame(agencies, columns=TASK_AGENCY_COLUMNS),
        "deadlines": pd.DataFrame(deadlines, columns=DEADLINE_COLUMNS),
        "metrics": pd.DataFrame(metrics, columns=METRIC_COLUMNS).astype({"page": "Int64"}),
    }


def build_tables(out: Path) -> dict[str, pd.DataFrame]:
    """Rebuild every table in ``out`` from ``out/json`` and return them."""
    docs = load_documents(out / "json")
    documents = pd.DataFrame([document_row(d) for d in docs], columns=DOCUMENT_COLUMNS)
    errors = documents.loc[documents["status"] == "error", ERROR_COLUMNS]
    tables = {"documents": documents, "errors": errors, **extraction_tables(docs)}
    for name, frame in tables.items():
        atomic_write_csv(out / f"{name}.csv", frame)
        atomic_write_parquet(parquet_path(out, name), frame, COLUMN_TYPES)
    return tables

