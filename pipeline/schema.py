"""The analysts' tables: names, columns and SQL types, in one place.

Kept free of heavy imports: ``ketluan query`` reads it and should answer in well under a second.
The README documents every column.
"""

from __future__ import annotations

from pathlib import Path

METADATA_COLUMNS = [
    "doc_type",
    "doc_number",
    "issuer",
    "place",
    "issue_date",
    "meeting_date",
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
TASK_COLUMNS = ["task_id", "doc_id", "section", "item_path", "text", "lead_agencies", "deadline", "deadline_text",
                "page", "confidence"]
TASK_AGENCY_COLUMNS = ["task_id", "doc_id", "agency", "agency_text", "role"]
DEADLINE_COLUMNS = ["task_id", "doc_id", "text", "kind", "start", "end", "granularity"]
# SQL types of the Parquet copies; other columns are VARCHAR. Dates are ISO strings in the CSVs.
COLUMN_TYPES = {
    "pages": "INTEGER",
    "ocr_mean_confidence": "DOUBLE",
    "issue_date": "DATE",
    "meeting_date": "DATE",
    "deadline": "DATE",
    "start": "DATE",
    "end": "DATE",
    "page": "INTEGER",
    "confidence": "DOUBLE",
    "value": "DOUBLE",
    "total": "DOUBLE",
    "percent": "DOUBLE",
}
TABLE_NAMES = ("documents", "errors", "tasks", "task_agencies", "deadlines", "metrics")
METRIC_COLUMNS = ["metric_id", "doc_id", "task_id", "text", "value", "total", "unit", "percent", "subject", "page"]


def parquet_path(out: Path, name: str) -> Path:
    return out / "parquet" / f"{name}.parquet"
