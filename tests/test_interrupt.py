"""A batch killed mid-run leaves no half-written file, and its re-run completes the tables."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from pipeline.simulate import save_pdf
from pipeline.storage import TEMP_SUFFIX

from .conftest import REPO, SHORT_CONCLUSION, make_scan


def test_killed_batch_reruns_to_complete_tables(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    for i in range(4):
        text = SHORT_CONCLUSION.replace("45/TB-UBND", f"{45 + i}/TB-UBND")
        save_pdf(make_scan(text, "clean", seed=i), inbox / f"tb_{i}.pdf")
    command = [sys.executable, "-m", "pipeline.cli", "--quiet", "run", str(inbox), "--out", str(out), "--workers", "1"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(command, env=env, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list((out / "json").glob("*.json")):
        time.sleep(0.05)
    # Kill the whole process group (parent and page workers) the hard way: no cleanup runs.
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    written = list((out / "json").glob("*.json"))
    assert 1 <= len(written) < 4, "the kill should land mid-batch"
    assert not (out / "documents.csv").exists()

    rerun = subprocess.run(command, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    docs = pd.read_csv(out / "documents.csv", encoding="utf-8-sig")
    assert sorted(Path(p).name for p in docs["source_path"]) == [f"tb_{i}.pdf" for i in range(4)]
    assert docs["doc_id"].is_unique and (docs["status"] == "ok").all()
    assert f"{len(written)} already current" in rerun.stderr
    assert [p for p in out.rglob("*") if p.name.endswith(TEMP_SUFFIX)] == []
