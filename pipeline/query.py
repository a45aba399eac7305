"""SQL over the tables: DuckDB views named after the tables, on their Parquet copies in OUT.

    >>> from pipeline.query import run_query
    >>> result = run_query("SELECT agency, count(*) FROM task_agencies GROUP BY 1", Path("out"))

Dates are DATE columns, so ``deadline < DATE '2025-12-31'`` and ``current_date + 30`` work.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from .schema import TABLE_NAMES, parquet_path

MAX_CELL_WIDTH = 60  # characters of a cell shown in the aligned table; csv and json give everything


class QueryError(Exception):
    """A query that cannot run: no tables in OUT, or an SQL error (the message says which)."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def connect(out: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per table of ``out``; Parquet copies are made if missing."""
    if any(not parquet_path(out, name).exists() for name in TABLE_NAMES):
        if not (out / "json").is_dir():
            raise QueryError(f"no tables in {out}: process documents first (ketluan run INBOX --out {out})")
        from .tables import build_tables  # pandas is slow to import; only needed here

        build_tables(out)
    con = duckdb.connect()
    for name in TABLE_NAMES:
        path = str(parquet_path(out, name)).replace("'", "''")
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    return con


def run_query(sql: str, out: Path) -> QueryResult:
    with connect(out) as con:
        try:
            cursor = con.execute(sql)
        except duckdb.Error as exc:
            raise QueryError(str(exc)) from None
        if cursor.description is None:  # a statement without a result
            return QueryResult([], [])
        return QueryResult([d[0] for d in cursor.description], cursor.fetchall())


def format_result(result: QueryResult, fmt: str = "table") -> str:
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([[_plain(v) for v in row] for row in result.rows])
        return buffer.getvalue()
    if fmt == "json":
        records = [{c: _json_value(v) for c, v in zip(result.columns, row)} for row in result.rows]
        return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    if fmt == "table":
        return _aligned(result)
    raise ValueError(f"unknown format {fmt!r}")


def _aligned(result: QueryResult) -> str:
    cells = [[_short(_plain(v)) for v in row] for row in result.rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(result.columns)]
    numeric = [all(isinstance(row[i], (int, float, Decimal)) or row[i] is None for row in result.rows)
               for i in range(len(result.columns))]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    out = [line(result.columns), "  ".join("-" * w for w in widths)]
    out.extend(line(row) for row in cells)
    out.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _short(text: str) -> str:
    text = " ".join(text.split())  # one line per row
    return text if len(text) <= MAX_CELL_WIDTH else text[: MAX_CELL_WIDTH - 1] + "…"


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value
