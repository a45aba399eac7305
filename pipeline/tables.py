"""Tables for analysts, rebuilt from the per-document JSON files.

The tables are a deterministic function of ``OUT/json``: rebuilding them after
an interrupted batch yields complete tables with one row per document.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from .model import Document
from .storage import atomic_write_csv, read_json

log = logging.getLogger(__name__)

METADATA_COLUMNS = [
    "doc_type",
    "doc_number",
    "issuer",
    "place",
    "issue_date",
    "title",
    "signer_name",
    "signer_title",
]
DOCUMENT_COLUMNS = [
    "doc_id",
    "source_path",
    "pages",
    "text_source",
    "ocr_mean_confidence",
    "status",
    "error",
    "pipeline_version",
    "processed_at",
    *METADATA_COLUMNS,
]
ERROR_COLUMNS = ["doc_id", "source_path", "error", "pipeline_version", "processed_at"]


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


def build_tables(out: Path) -> dict[str, pd.DataFrame]:
    """Rebuild every table in ``out`` from ``out/json`` and return them."""
    docs = load_documents(out / "json")
    documents = pd.DataFrame([document_row(d) for d in docs], columns=DOCUMENT_COLUMNS)
    errors = documents.loc[documents["status"] == "error", ERROR_COLUMNS]
    tables = {"documents": documents, "errors": errors}
    for name, frame in tables.items():
        atomic_write_csv(out / f"{name}.csv", frame)
    return tables
