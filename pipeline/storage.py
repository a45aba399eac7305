"""Atomic file output: every file is written to a temporary sibling and renamed into place,
so an interrupted run never leaves a half-written file behind."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

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


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _DEFAULT_MODE)  # mkstemp makes 0600; outputs are for the analysts too
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: Path, data: Any) -> None:
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def atomic_write_csv(path: Path, frame: pd.DataFrame) -> None:
    """CSV as spreadsheet users open it: UTF-8 with a BOM so Excel reads Vietnamese correctly."""
    atomic_write_bytes(path, frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig"))


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
