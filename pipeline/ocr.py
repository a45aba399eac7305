"""Tesseract OCR of one cleaned page image into lines of words with boxes and confidences."""

from __future__ import annotations

import time

import numpy as np
import pytesseract

from .clean import CleanResult, clean_page
from .config import Config
from .model import Line, Page, Word, union_box
from .render import PageImage


def ocr_page(page_image: PageImage, number: int, config: Config) -> Page:
    """Clean (unless disabled) and OCR one page; boxes are in the upright page at ``page_image.dpi``."""
    return ocr_page_with_image(page_image, number, config)[0]


def ocr_page_with_image(page_image: PageImage, number: int, config: Config) -> tuple[Page, np.ndarray]:
    """:func:`ocr_page`, and the page image its boxes refer to (cleaned, upright, deskewed; grey)."""
    timings: dict[str, float] = {}
    if config.clean:
        cleaned = clean_page(page_image.rgb, page_image.dpi)
        timings.update({f"clean_{k}": v for k, v in cleaned.timings.items()})
    else:
        cleaned = CleanResult(image=page_image.rgb, rotation=0, skew=0.0, scale=1.0, timings={})
    start = time.perf_counter()
    lines = read_lines(cleaned.image, config, scale=cleaned.scale)
    timings["ocr"] = time.perf_counter() - start
    height, width = page_image.rgb.shape[:2]
    if cleaned.rotation in (90, 270):
        width, height = height, width
    words = [w for ln in lines for w in ln.words]
    page = Page(
        number=number,
        width=width,
        height=height,
        dpi=page_image.dpi,
        source="ocr",
        lines=lines,
        rotation=cleaned.rotation,
        skew=round(cleaned.skew, 3),
        mean_conf=round(sum(w.conf for w in words) / len(words), 2) if words else None,
        timings={k: round(v, 4) for k, v in timings.items()},
    )
    return page, cleaned.image


def read_lines(image: np.ndarray, config: Config, scale: float = 1.0) -> list[Line]:
    """``image_to_data`` grouped into lines in Tesseract's reading order.

    ``scale`` is how much the image was enlarged before OCR; boxes are divided
    by it so they refer to the page as rendered.
    """
    data = pytesseract.image_to_data(
        image,
        lang=config.lang,
        config=f"--psm {config.psm}",
        output_type=pytesseract.Output.DICT,
    )
    lines: list[Line] = []
    current_key = None
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        box = tuple(int(round(data[k][i] / scale)) for k in ("left", "top", "width", "height"))
        word = Word(text=text, conf=round(conf, 2), box=box)
        if key != current_key:
            lines.append(Line(words=[], box=box, block=key[0], paragraph=key[1]))
            current_key = key
        lines[-1].words.append(word)
    for line in lines:
        line.box = union_box([w.box for w in line.words])
    return lines
