"""Speed of the analyst's tools: ``ketluan query`` over 10,000 tasks and the report for 1,000 documents.

Large output folders are made by cloning real processed documents under new ids: the
project's sample texts (samples/src) as clean simulated scans that go through the whole
pipeline, so that review pages carry page images, word boxes and OCR confidences. The clones keep their texts, tasks, boxes and images (linked); only ids and paths change.

The query is timed as a user runs it (a fresh ``ketluan query`` process, Python start-up
included) against a baseline in the same run: pandas reading the CSV tables and answering
the same question.

    python -m pipeline.evaluate.analyst_bench --json out/bench_analyst.json
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

from ..batch import run_batch
from ..config import Config
from ..query import run_query
from ..storage import atomic_write_json
from ..tables import build_tables, load_documents
from .shared import REPO_ROOT

SAMPLE_TEXTS = REPO_ROOT / "samples" / "src"
QUERY_BAR_S = 1.0
REPORT_BAR_S = 10.0
# The README's example questions.
QUERIES = {
    "due in 30 days by agency": (
        "SELECT a.agency, count(*) AS tasks FROM tasks t JOIN task_agencies a ON a.task_id = t.task_id "
        "WHERE a.role = 'lead' AND t.deadline BETWEEN DATE '2025-06-01' AND DATE '2025-06-01' + INTERVAL 30 DAY "
        "GROUP BY 1 ORDER BY 2 DESC"
    ),
    "overdue as of a date": (
        "SELECT t.deadline, t.lead_agencies, t.text FROM tasks t WHERE t.deadline < DATE '2025-06-01' "
        "ORDER BY t.deadline"
    ),
    "one agency across documents": (
        "SELECT d.doc_number, t.deadline, t.text FROM task_agencies a JOIN tasks t ON t.task_id = a.task_id "
        "JOIN documents d ON d.doc_id = a.doc_id WHERE a.agency = 'Sở Tài chính' ORDER BY d.issue_date"
    ),
    "metrics of one district": (
        "SELECT d.doc_number, m.value, m.unit, m.subject FROM metrics m JOIN documents d ON d.doc_id = m.doc_id "
        "WHERE d.title ILIKE '%Sơn Dương%' OR m.subject ILIKE '%Sơn Dương%'"
    ),
}


def base_out(folder: Path, scans: bool = False) -> Path:
    """A real batch over the sample texts: as text files, or as clean simulated scans (OCR'd, with page images)."""
    from ..simulate import read_text_file, save_pdf, simulate

    inbox = folder / "inbox"
    inbox.mkdir(parents=True)
    for i, path in enumerate(sorted(SAMPLE_TEXTS.glob("*.txt"))):
        if scans:
            save_pdf(simulate(read_text_file(path), "clean", seed=i), inbox / f"{path.stem}.pdf")
        else:
            shutil.copy(path, inbox / path.name)
    config = Config(inbox=inbox, out=folder / "out", quiet=True, restore=scans, page_images=scans)
    run_batch(config)
    return config.out


def synthetic_out(out: Path, tasks: int | None = None, documents: int | None = None, base: Path | None = None) -> Path:
    """An output folder of cloned documents: until ``tasks`` tasks, or ``documents`` documents."""
    base = base or base_out(Path(tempfile.mkdtemp(prefix="ketluan-base-")))
    templates = [(d.doc_id, len(d.tasks), (base / "json" / f"{d.doc_id}.json").read_bytes())
                 for d in load_documents(base / "json") if d.status == "ok"]
    (out / "json").mkdir(parents=True)
    (out / "pages").mkdir()
    n_tasks = i = 0
    while (tasks is not None and n_tasks < tasks) or (documents is not None and i < documents):
        doc_id, n, raw = templates[i % len(templates)]
        new_id = f"{i:016x}"
        # the id is in task and metric ids and in page image paths; the images are shared by a link
        data = orjson.loads(raw.replace(doc_id.encode(), new_id.encode()))
        data["source_path"] = f"synthetic/{i:06d}-{Path(data['source_path']).name}"
        (out / "json" / f"{new_id}.json").write_bytes(orjson.dumps(data))
        if (base / "pages" / doc_id).is_dir():
            (out / "pages" / new_id).symlink_to((base / "pages" / doc_id).resolve(), target_is_directory=True)
        n_tasks += n
        i += 1
    build_tables(out)
    return out


def median_seconds(command: list[str], repeats: int = 5) -> float:
    """Median wall time of a fresh process running ``command``."""
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=REPO_ROOT)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def time_query(sql: str, out: Path) -> float:
    return median_seconds([sys.executable, "-m", "pipeline.cli", "query", sql, "--out", str(out), "--format", "csv"])


def time_pandas_baseline(out: Path) -> float:
    """A fresh Python reading the CSVs with pandas and answering the first question."""
    script = (
        "import pandas as pd, sys; out = sys.argv[1]; "
        "t = pd.read_csv(out + '/tasks.csv', encoding='utf-8-sig', parse_dates=['deadline']); "
        "a = pd.read_csv(out + '/task_agencies.csv', encoding='utf-8-sig'); "
        "m = t.merge(a[a.role == 'lead'], on='task_id'); "
        "d = m[(m.deadline >= '2025-06-01') & (m.deadline <= '2025-07-01')]; "
        "print(d.groupby('agency').size().sort_values(ascending=False))"
    )
    return median_seconds([sys.executable, "-c", script, str(out)])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", type=Path, help="write the figures here")
    ap.add_argument("--tasks", type=int, default=10_000)
    ap.add_argument("--documents", type=int, default=1_000)
    args = ap.parse_args(argv)
    from ..report import build_report

    with tempfile.TemporaryDirectory(prefix="ketluan-bench-") as tmp:
        tmp_path = Path(tmp)
        print("processing the base documents (the 5 sample texts as scans) …", file=sys.stderr)
        base = base_out(tmp_path / "base", scans=True)
        query_out = synthetic_out(tmp_path / "query", tasks=args.tasks, base=base)
        n_tasks = run_query("SELECT count(*) FROM tasks", query_out).rows[0][0]
        query_seconds = {name: time_query(sql, query_out) for name, sql in QUERIES.items()}
        baseline = time_pandas_baseline(query_out)
        report_out = synthetic_out(tmp_path / "report", documents=args.documents, base=base)
        started = time.perf_counter()
        result = build_report(report_out)
        report_seconds = time.perf_counter() - started
        pages = sum(len(d.pages) for d in load_documents(report_out / "json"))

    worst = max(query_seconds.values())
    figures = {
        "query": {"tasks": n_tasks, "seconds": query_seconds, "worst_seconds": worst, "bar_seconds": QUERY_BAR_S,
                  "pandas_csv_baseline_seconds": baseline, "met": worst < QUERY_BAR_S},
        "report": {"documents": result.documents, "pages": pages, "seconds": report_seconds,
                   "bar_seconds": REPORT_BAR_S, "met": report_seconds < REPORT_BAR_S},
    }
    print(f"\nketluan query over {n_tasks:,} tasks (fresh process each, median of 5):")
    for name, seconds in query_seconds.items():
        print(f"  {name:32s} {seconds:6.3f} s")
    print(f"  {'pandas reading the CSVs (baseline)':32s} {baseline:6.3f} s  "
          f"→ query is {baseline / figures['query']['seconds']['due in 30 days by agency']:.1f}× faster")
    print(f"  bar < {QUERY_BAR_S:.0f} s: {'met' if figures['query']['met'] else 'NOT met'}")
    print(f"\nreport for {result.documents:,} documents ({pages:,} pages): {report_seconds:.2f} s "
          f"(bar < {REPORT_BAR_S:.0f} s: {'met' if figures['report']['met'] else 'NOT met'})")
    if args.json:
        atomic_write_json(args.json, figures)
    return 0 if figures["query"]["met"] and figures["report"]["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
