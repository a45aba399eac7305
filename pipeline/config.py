"""The one configuration object of a batch, with defaults; the CLI overrides fields."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


@dataclass(frozen=True)
class Config:
    inbox: Path = Path("samples")
    out: Path = Path("out")
    recursive: bool = False  # a clerk's drop folder is flat; subfolders are opt-in
    dpi: int = 300  # rendering resolution for PDFs; Tesseract is trained near 300 dpi
    lang: str = "vie"
    psm: int = 3  # Tesseract page segmentation: automatic layout analysis
    workers: int = field(default_factory=_default_workers)  # page worker processes
    clean: bool = True  # OpenCV clean-up before OCR
    restore: bool = True  # diacritic restoration / OCR post-correction after OCR and on text files
    extract: bool = True  # metadata, tasks, agencies, deadlines and metrics (spaCy pipeline)
    page_images: bool = True  # keep a small image of every page for the review pages of the report
    review_width: int = 1000  # pixels; enough to read 13-pt type on screen, ~100 KB per page
    tone_style: str = "new"  # tone-mark placement of restored text: new "hòa, ủy" or old "hoà, uỷ"
    restore_model: Path | None = None  # default: models/restore_lm.npz
    force: bool = False  # reprocess documents even when their JSON is current
    # Limits that turn absurd inputs into a clear error instead of a stalled batch.
    max_file_mb: float = 200.0
    max_pages: int = 300
    max_page_pixels: int = 60_000_000  # ~A2 at 300 dpi
    # A PDF page counts as born-digital when its text layer has at least this many
    # letters and few undecodable glyphs.
    min_text_layer_letters: int = 40
    quiet: bool = False
    verbose: bool = False

    @property
    def json_dir(self) -> Path:
        return self.out / "json"

    @property
    def text_dir(self) -> Path:
        return self.out / "text"

    @property
    def pages_dir(self) -> Path:
        return self.out / "pages"
