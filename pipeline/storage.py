"""Atomic file output: every file is written to a temporary sibling and renamed into place,
so an interrupted run never leaves a half-written file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import orjson
import pandas as pd


TEMP_SUFFIX = ".ketluan-tmp"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_DEFAULT_MODE = 0o666 & ~_umask()


def remove_stale_temp_files(folder: Path) -> None:
    """Temporary files a killed run left behind; the files they were for are intact."""
    for tmp in folder.glob(f".*{TEMP_SUFFIX}"):
        tmp.unlink(missing_ok=True)


def atomic_write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to a temporary sibling and rename it over ``path``; ``durable`` also syncs it
    to disk first (outputs that can be rebuilt in seconds, like the report's pages, skip that)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, _DEFAULT_MODE)  # mkstemp makes 0600; outputs are for the analysts too
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str, durable: bool = True) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), durable)


def atomic_write_json(path: Path, data: Any) -> None:
    """UTF-8 JSON, indented for people; orjson because the report reads a thousand of these in seconds."""
    options = orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE
    atomic_write_bytes(path, orjson.dumps(data, option=options, default=str))


# A cell starting with one of these is a formula to Excel and LibreOffice ("- Giao Sở …"
# would be evaluated as one, or worse, run): such cells get a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would read as formulas, neutralised; numbers are left alone."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v
            )
    return safe


def atomic_write_csv(path: Path, frame: pd.DataFrame) -> None:
    """CSV as spreadsheet users open it: UTF-8 with a BOM so Excel reads Vietnamese correctly,
    one header row, formula-like cells neutralised."""
    atomic_write_bytes(path, excel_safe(frame).to_csv(index=False, lineterminator="\n").encode("utf-8-sig"))


def atomic_write_parquet(path: Path, frame: pd.DataFrame, types: dict[str, str]) -> None:
    """Parquet through DuckDB, each column cast to its SQL type (ISO date strings become DATE)."""
    import duckdb

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    os.close(fd)
    columns = ", ".join(_cast(name, types.get(name, "VARCHAR")) for name in frame.columns)
    try:
        try:
            with duckdb.connect() as con:
                con.register("frame", frame)
                con.execute(f"COPY (SELECT {columns} FROM frame) TO '{tmp}' (FORMAT parquet)")
        except (duckdb.InterruptException, RuntimeError) as exc:
            # DuckDB turns a Ctrl-C during the query into its own error: hand it on as the Ctrl-C it was
            if isinstance(exc, duckdb.InterruptException) or "interrupted" in str(exc).lower():
                raise KeyboardInterrupt from exc
            raise
        os.chmod(tmp, _DEFAULT_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cast(name: str, sql_type: str) -> str:
    column = f'"{name}"'
    if sql_type == "DATE":  # empty strings and partial dates are NULL, not errors
        return f"TRY_CAST(NULLIF(CAST({column} AS VARCHAR), '') AS DATE) AS {column}"
    return f"CAST({column} AS {sql_type}) AS {column}"


def read_json(path: Path) -> Any:
    return orjson.loads(path.read_bytes())
