"""Turn a document text into simulated scanned pages with their ground truth."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from .degrade import Degradation, degrade, resolve
from .marks import PEN_BLUE, SEAL_RED, blend_ink, seal_alpha, signature_alpha
from .parse import OfficialText, parse_official_text
from .render import FONT_FILES, SEAL_RADIUS_MM, RenderedPage, find_font_dir, typeset

BODY_SIZES_PT = (13.0, 13.5, 14.0)  # Decree 30 allows 13-14 pt body text
FALLBACK_SEAL_TEXT = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


@dataclass
class SimulatedPage:
    image: Image.Image  # RGB
    ground_truth: str  # the drawn lines in reading order, "\n"-joined; seal text excluded
    dpi: int
    jpeg: bytes | None = None  # the JPEG stream ``image`` was decoded from, when JPEG was applied


@dataclass
class SimulatedScan:
    pages: list[SimulatedPage]

    @property
    def ground_truth(self) -> str:
        """Page ground truths joined by form feeds, as ``tesseract`` separates pages."""
        return "\f".join(p.ground_truth for p in self.pages)



def seed_for(name: str) -> int:
    """A simulator seed that depends on a document's name only, so caches keyed on it stay valid
    when documents are added to or removed from a set."""
    return int(hashlib.sha1(name.encode("utf-8")).hexdigest()[:6], 16)

def simulate(text_or_doc: str | OfficialText, degradation: str | Degradation = "clean", seed: int = 0) -> SimulatedScan:
    """Render a document (plain text or parsed) as a scan degraded by a preset name or a :class:`Degradation`.

    The same input, degradation and (non-negative) seed always give the same pages.
    """
    doc = parse_official_text(text_or_doc) if isinstance(text_or_doc, str) else text_or_doc
    d = resolve(degradation)
    body_pt = BODY_SIZES_PT[np.random.default_rng([seed]).integers(len(BODY_SIZES_PT))]
    rendered = typeset(doc, d.dpi, body_pt)
    seal_text = " ".join(doc.issuer) or FALLBACK_SEAL_TEXT
    font_path = str(find_font_dir() / FONT_FILES["bold"])
    pages = []
    for index, page in enumerate(rendered):
        rng = np.random.default_rng([seed, index + 1])
        canvas = _mark(page, d, seal_text, font_path, rng)
        pixels, jpeg = degrade(canvas, d, rng)
        pages.append(SimulatedPage(Image.fromarray(pixels, "RGB"), "\n".join(page.lines), d.dpi, jpeg))
    return SimulatedScan(pages)


def _mark(page: RenderedPage, d: Degradation, seal_text: str, font_path: str, rng: np.random.Generator) -> np.ndarray:
    """The page as 8-bit RGB with its signature, its seal and, if asked, a seal over the body."""
    canvas = cv2.cvtColor(np.asarray(page.ink), cv2.COLOR_GRAY2RGB)
    radius = round(SEAL_RADIUS_MM * d.dpi / 25.4)
    if page.signature_box:
        x0, y0, x1, y1 = page.signature_box
        pen = max(2, round(0.45 * d.dpi / 25.4))
        blend_ink(canvas, signature_alpha(x1 - x0, y1 - y0, pen, rng), PEN_BLUE, x0, y0)
    if page.seal_center:
        cx, cy = page.seal_center
        cx += round(rng.uniform(-3, 3) * d.dpi / 25.4)
        cy += round(rng.uniform(-2, 2) * d.dpi / 25.4)
        blend_ink(canvas, seal_alpha(seal_text, radius, font_path, rng), SEAL_RED, cx - radius - 2, cy - radius - 2)
    if d.body_seal and page.body_boxes:
        # Centred on a random body line, so the ring and its text cross several lines.
        x0, y0, x1, y1 = page.body_boxes[rng.integers(len(page.body_boxes))]
        cx = round(rng.uniform(x0 + radius, x1 - radius))
        cy = (y0 + y1) // 2
        blend_ink(canvas, seal_alpha(seal_text, radius, font_path, rng), SEAL_RED, cx - radius - 2, cy - radius - 2)
    return canvas
