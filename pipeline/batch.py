"""A batch: inbox files → per-document JSON and text → tables.

Pages are OCR'd in worker processes, one per core; everything else happens in
the parent. A document's JSON is written once all its pages are in, so a batch
killed at any moment leaves only complete documents behind, and the next run
picks up the rest.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime, timezone
from pathlib import Path

from tqdm import tqdm

from . import __version__
from .config import Config
from .ingest import InputError, Source, discover, identify, path_doc_id
from .model import Document, Page, TextChange
from .ocr import ocr_page_with_image
from .render import (
    page_count,
    render_page,
    review_image_path,
    save_review_image,
    text_file_page,
    text_layer_pages,
    text_layer_review_images,
)
from .storage import atomic_write_json, atomic_write_text, read_json, remove_stale_temp_files
from .tables import build_tables

log = logging.getLogger(__name__)

PIPELINE_VERSION = __version__


@dataclass
class BatchResult:
    processed: list[str] = field(default_factory=list)  # doc_ids written this run
    skipped: list[str] = field(default_factory=list)  # current JSON already present
    failed: list[str] = field(default_factory=list)
    pages_ocr: int = 0
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


@dataclass
class _Pending:
    """A document whose pages are being OCR'd."""

    doc: Document
    pages: list[Page | None]
    started: float
    error: str = ""

    @property
    def complete(self) -> bool:
        return all(p is not None for p in self.pages)


def run_batch(config: Config, paths: list[Path] | None = None, models: Models | None = None) -> BatchResult:
    """Process every document in ``config.inbox`` (or only ``paths``) into ``config.out``; return what happened.

    The tables are rebuilt from all JSON files in either case. ``models`` lets a caller
    that runs many batches (the hot folder) load the models once.
    """
    started = time.perf_counter()
    for folder in (config.out, config.json_dir, config.text_dir):
        folder.mkdir(parents=True, exist_ok=True)
    for folder in (config.out, config.json_dir, config.text_dir, config.out / "parquet", *config.pages_dir.glob("*")):
        remove_stale_temp_files(folder)
    result = BatchResult()
    pending: dict[str, _Pending] = {}
    jobs: list[tuple[str, Source, int]] = []
    seen: set[str] = set()

    for path in discover(config) if paths is None else paths:
        doc_id = path_doc_id(path)
        try:
            source = identify(path, config)
            doc_id = source.doc_id
            if doc_id in seen:
                log.info("%s: same content as a file already in this batch, skipped", path)
                continue
            seen.add(doc_id)
            if not config.force and _is_current(config, source):
                result.skipped.append(doc_id)
                continue
            pages = _plan(source, config, pending, jobs)
            log.debug("%s: %d page(s), %d to OCR", path, pages, sum(1 for j in jobs if j[0] == doc_id))
        except InputError as exc:
            _write_failure(config, doc_id, path, "", str(exc))
            result.failed.append(doc_id)
            log.error("%s: %s", path, exc)
        except OSError as exc:
            _write_failure(config, doc_id, path, "", f"cannot read file: {exc.strerror or exc}")
            result.failed.append(doc_id)
            log.error("%s: %s", path, exc)

    models = models or Models(config)
    for doc_id in [d for d, p in pending.items() if p.complete]:
        _finish(config, pending.pop(doc_id), result, models)

    if jobs:
        _run_page_jobs(config, jobs, pending, result, models)
    build_tables(config.out)
    result.seconds = time.perf_counter() - started
    return result


def _is_current(config: Config, source: Source) -> bool:
    path = config.json_dir / f"{source.doc_id}.json"
    if not path.exists():
        return False
    try:
        data = read_json(path)
    except ValueError:
        return False
    # Failed documents are retried: the cause (a missing tool, a full disk) may be gone.
    return data.get("status") == "ok" and data.get("pipeline_version") == PIPELINE_VERSION


def _plan(source: Source, config: Config, pending: dict[str, _Pending], jobs: list) -> int:
    """Register a document; pages that need OCR become jobs, the others are filled in now."""
    n_pages = page_count(source, config)
    doc = Document(
        doc_id=source.doc_id,
        source_path=str(source.path),
        sha256=source.sha256,
        pipeline_version=PIPELINE_VERSION,
    )
    t0 = time.perf_counter()
    if source.kind == "text":
        pages: list[Page | None] = [text_file_page(source)]
    elif source.kind == "pdf":
        pages = text_layer_pages(source, n_pages, config)
        if config.page_images:
            text_layer_review_images(source, pages, config)
    else:
        pages = [None] * n_pages
    doc.timings["text_layer" if source.kind == "pdf" else "read"] = round(time.perf_counter() - t0, 4)
    pending[source.doc_id] = _Pending(doc=doc, pages=pages, started=time.perf_counter())
    jobs.extend((source.doc_id, source, i) for i, page in enumerate(pages) if page is None)
    return n_pages


class Models:
    """The restoration model and the extraction pipeline, each loaded on first use and then kept:
    a batch loads them once, and the hot folder once for all its batches."""

    def __init__(self, config: Config):
        self.config = config

    @cached_property
    def restorer(self):
        """The restore model (about a second to load), or None when restoration is off."""
        if not self.config.restore:
            return None
        from .restore import load_model

        return load_model(self.config.restore_model)

    @cached_property
    def extractor(self):
        """The extraction pipeline (spaCy), or None when extraction is off."""
        if not self.config.extract:
            return None
        from .extract import Extractor

        return Extractor()


def restore_document(doc: Document, restorer, config: Config) -> None:
    """Put diacritics back / correct OCR marks; born-digital text layers are taken as they are."""
    if restorer is None or doc.text_source == "text_layer":
        return
    from .restore import restore_text

    t0 = time.perf_counter()
    # OCR confidences tell the restorer which words to doubt; a text file has none.
    confidences = (
        [w.conf for p in doc.pages for ln in p.lines for w in ln.words] if doc.text_source == "ocr" else None
    )
    restored = restore_text(doc.text, restorer, word_confidences=confidences, tone_style=config.tone_style)
    doc.restoration_mode = restored.mode
    if restored.changes:
        doc.ocr_text, doc.text = doc.text, restored.text
        doc.changes = [
            TextChange(c.start, c.end, c.original, c.replacement, round(c.score, 4)) for c in restored.changes
        ]
    doc.timings["restore"] = round(time.perf_counter() - t0, 4)


def extract_document(doc: Document, extractor) -> None:
    """Metadata, tasks and metrics; a failure here is logged and leaves the OCR result intact."""
    if extractor is None or not doc.text.strip():
        return
    t0 = time.perf_counter()
    try:
        extractor.extract(doc)
    except Exception as exc:  # noqa: BLE001 - extraction must never lose the OCR'd document
        log.exception("%s: extraction failed: %s", doc.source_path, exc)
        doc.error = f"extraction failed: {exc}"
    doc.timings["extract"] = round(time.perf_counter() - t0, 4)


def _run_page_jobs(config: Config, jobs: list, pending: dict[str, _Pending], result: BatchResult, models) -> None:
    show_progress = not config.quiet and sys.stderr.isatty()
    with (
        ProcessPoolExecutor(max_workers=min(config.workers, len(jobs)), initializer=_worker_init) as pool,
        tqdm(total=len(jobs), unit="page", disable=not show_progress, desc="OCR") as bar,
    ):
        futures: dict[Future, tuple[str, int]] = {}
        queue = iter(jobs)
        # Keep only a few pages in flight per worker so that finished documents are
        # written early and memory stays flat on long batches.
        limit = 2 * config.workers
        while True:
            for doc_id, source, index in queue:
                if pending[doc_id].error:
                    continue
                futures[pool.submit(_page_job, source, index, config)] = (doc_id, index)
                if len(futures) >= limit:
                    break
            if not futures:
                break
            done, _ = wait(futures, return_when=FIRST_COMPLETED)
            for future in done:
                doc_id, index = futures.pop(future)
                entry = pending[doc_id]
                bar.update(1)
                try:
                    entry.pages[index] = future.result()
                    result.pages_ocr += 1
                except InputError as exc:
                    entry.error = entry.error or f"page {index + 1}: {exc}"
                except Exception as exc:  # a page that breaks Tesseract must not stop the batch
                    entry.error = entry.error or f"page {index + 1}: {type(exc).__name__}: {exc}"
                if entry.error or entry.complete:
                    if not _has_jobs_in_flight(futures, doc_id):
                        _finish(config, pending.pop(doc_id), result, models)


def _has_jobs_in_flight(futures: dict[Future, tuple[str, int]], doc_id: str) -> bool:
    return any(d == doc_id for d, _ in futures.values())


def _worker_init() -> None:
    # Tesseract's own OpenMP threads make it several times slower on few cores;
    # parallelism comes from the page workers instead.
    os.environ["OMP_THREAD_LIMIT"] = "1"


def _page_job(source: Source, index: int, config: Config) -> Page:
    t0 = time.perf_counter()
    image = render_page(source, index, config)
    render_seconds = time.perf_counter() - t0
    page, cleaned = ocr_page_with_image(image, index + 1, config)
    page.timings["render"] = round(render_seconds, 4)
    if config.page_images:
        page.image = review_image_path(source.doc_id, page.number)
        save_review_image(cleaned, config.out, page.image, config.review_width)
    return page


def _finish(config: Config, entry: _Pending, result: BatchResult, models: Models) -> None:
    doc = entry.doc
    if entry.error:
        _write_failure(config, doc.doc_id, Path(doc.source_path), doc.sha256, entry.error)
        result.failed.append(doc.doc_id)
        log.error("%s: %s", doc.source_path, entry.error)
        return
    doc.pages = [p for p in entry.pages if p is not None]
    sources = {p.source for p in doc.pages}
    doc.text_source = "ocr" if "ocr" in sources else sources.pop()
    doc.assemble_text()
    restore_document(doc, models.restorer, config)
    extract_document(doc, models.extractor)
    for page in doc.pages:
        for stage, seconds in page.timings.items():
            doc.timings[stage] = round(doc.timings.get(stage, 0.0) + seconds, 4)
    doc.timings["wall"] = round(time.perf_counter() - entry.started, 4)
    doc.processed_at = _now()
    if not doc.text.strip():
        doc.status, doc.error = "error", "no text found on any page (blank pages or not a document)"
    atomic_write_text(config.text_dir / f"{doc.doc_id}.txt", doc.text)
    atomic_write_json(config.json_dir / f"{doc.doc_id}.json", doc.to_dict())
    if doc.status == "error":
        result.failed.append(doc.doc_id)
        log.error("%s: %s", doc.source_path, doc.error)
    else:
        result.processed.append(doc.doc_id)
        log.info("%s: %d page(s), %s", doc.source_path, len(doc.pages), doc.text_source)


def _write_failure(config: Config, doc_id: str, path: Path, sha256: str, message: str) -> None:
    doc = Document(
        doc_id=doc_id,
        source_path=str(path),
        sha256=sha256,
        status="error",
        error=message,
        pipeline_version=PIPELINE_VERSION,
        processed_at=_now(),
    )
    atomic_write_json(config.json_dir / f"{doc_id}.json", doc.to_dict())


def _now() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
