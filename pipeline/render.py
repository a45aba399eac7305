"""Source files to page images (pdf2image, Pillow), and born-digital text layers to pages.

Page images are produced one at a time inside the worker that OCRs them, so a
500-page PDF never sits in memory as images.
"""

from __future__ import annotations

import io
import math
import subprocess
import unicodedata
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pdf2image import convert_from_path, pdfinfo_from_path
from pdf2image.exceptions import PDFPageCountError, PDFSyntaxError
from PIL import Image

from .config import Config
from .ingest import InputError, Source
from .model import Line, Page, Word, union_box
from .storage import atomic_write_bytes

A4_WIDTH_INCHES = 210 / 25.4
_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class PageImage:
    rgb: np.ndarray  # H x W x 3, uint8
    dpi: int


def page_count(source: Source, config: Config) -> int:
    """Number of pages, raising InputError for corrupt, encrypted or oversized files."""
    if source.kind == "text":
        return 1
    if source.kind == "pdf":
        try:
            info = pdfinfo_from_path(str(source.path))
        except (PDFPageCountError, PDFSyntaxError) as exc:
            message = str(exc)
            if "password" in message.lower() or "encrypt" in message.lower():
                raise InputError("encrypted PDF: it needs a password to open") from None
            raise InputError(f"corrupt or unreadable PDF ({_first_line(message)})") from None
        pages = int(info.get("Pages", 0))
        size = str(info.get("Page size", "")).split()  # "595.276 x 841.89 pts (A4)"
        if len(size) >= 3 and size[1] == "x":
            scale = config.dpi / 72.0
            _check_size(int(float(size[0]) * scale), int(float(size[2]) * scale), config)
    else:
        try:
            with warnings.catch_warnings():
                # Pillow's decompression-bomb warning: our own size limit below says it better.
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(source.path) as img:
                    pages = getattr(img, "n_frames", 1)
                    _check_size(img.width, img.height, config)
                    img.load()  # decodes the first frame: truncated files fail here
        except InputError:
            raise
        except Image.DecompressionBombError as exc:
            raise InputError(f"page image too large ({exc})") from None
        except Exception as exc:  # Pillow raises many types for damaged files
            raise InputError(f"corrupt or unreadable {source.kind.upper()} image ({exc})") from None
    if pages <= 0:
        raise InputError("document has no pages")
    if pages > config.max_pages:
        raise InputError(f"too many pages: {pages} (limit {config.max_pages})")
    return pages


def render_page(source: Source, index: int, config: Config) -> PageImage:
    """Page ``index`` (0-based) of an image or PDF source as an RGB array."""
    if source.kind == "pdf":
        images = convert_from_path(
            str(source.path), dpi=config.dpi, first_page=index + 1, last_page=index + 1, thread_count=1
        )
        if not images:
            raise InputError(f"page {index + 1} could not be rendered")
        return PageImage(rgb=np.asarray(images[0].convert("RGB")), dpi=config.dpi)
    with Image.open(source.path) as img:
        img.seek(index)
        _check_size(img.width, img.height, config)  # before decoding, not after
        return PageImage(rgb=np.asarray(img.convert("RGB")), dpi=_image_dpi(img))


def review_image_path(doc_id: str, number: int) -> str:
    """Where a page's review image goes, relative to the output folder."""
    return f"pages/{doc_id}/{number:03d}.jpg"


def save_review_image(image: np.ndarray, out: Path, relative: str, width: int) -> None:
    """A small JPEG of a page image (RGB or grey) for the review pages, written atomically."""
    img = Image.fromarray(image)
    height = max(1, round(img.height * width / img.width))
    buffer = io.BytesIO()
    img.resize((width, height), Image.Resampling.LANCZOS).convert("L" if image.ndim == 2 else "RGB").save(buffer, "JPEG", quality=70)
    atomic_write_bytes(out / relative, buffer.getvalue())


def text_layer_review_images(source: Source, pages: list[Page | None], config: Config) -> None:
    """Review images of born-digital pages, rendered small: their text came from the text layer."""
    dpi = max(36, round(config.review_width / A4_WIDTH_INCHES))
    for page in pages:
        if page is None:
            continue
        images = convert_from_path(
            str(source.path), dpi=dpi, first_page=page.number, last_page=page.number, thread_count=1
        )
        if images:
            page.image = review_image_path(source.doc_id, page.number)
            save_review_image(np.asarray(images[0].convert("RGB")), config.out, page.image, config.review_width)


def _check_size(width: int, height: int, config: Config) -> None:
    if width * height > config.max_page_pixels:
        raise InputError(f"page image too large: {width}x{height} pixels (limit {config.max_page_pixels:,})")


def _image_dpi(img: Image.Image) -> int:
    """Resolution from the file, or estimated from the width of an A4 page when absent or implausible."""
    info = img.info.get("dpi")
    if info:
        dpi = int(round(float(info[0])))
        if 100 <= dpi <= 1200:
            return dpi
    portrait_width = min(img.width, img.height)
    return max(72, int(round(portrait_width / A4_WIDTH_INCHES)))


def text_layer_pages(source: Source, pages: int, config: Config) -> list[Page | None]:
    """Pages of a PDF's text layer, ``None`` where a page has no usable text (a scan).

    Born-digital PDFs are detected per page, not assumed: a page needs enough
    letters and almost no undecodable glyphs to be trusted over OCR.
    """
    result = subprocess.run(
        ["pdftotext", "-bbox-layout", "-enc", "UTF-8", "-f", "1", "-l", str(pages), str(source.path), "-"],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        return [None] * pages
    try:
        root = ET.fromstring(result.stdout)
    except ET.ParseError:
        return [None] * pages
    out: list[Page | None] = []
    for number, page_el in enumerate(root.iter(f"{_XHTML}page"), start=1):
        page = _text_layer_page(page_el, number, config.dpi)
        out.append(page if _usable(page, config) else None)
    out.extend([None] * (pages - len(out)))
    return out[:pages]


def _text_layer_page(page_el: ET.Element, number: int, dpi: int) -> Page:
    scale = dpi / 72.0  # PDF points to pixels at the configured dpi
    page = Page(
        number=number,
        width=int(round(float(page_el.get("width", 0)) * scale)),
        height=int(round(float(page_el.get("height", 0)) * scale)),
        dpi=dpi,
        source="text_layer",
    )
    for block_no, block in enumerate(page_el.iter(f"{_XHTML}block"), start=1):
        for line_el in block.iter(f"{_XHTML}line"):
            words = []
            for w in line_el.iter(f"{_XHTML}word"):
                text = unicodedata.normalize("NFC", (w.text or "").strip())
                if not text:
                    continue
                x0, y0, x1, y1 = (float(w.get(k, 0)) * scale for k in ("xMin", "yMin", "xMax", "yMax"))
                words.append(Word(text=text, conf=100.0, box=_box(x0, y0, x1, y1)))
            if words:
                page.lines.append(Line(words=words, box=union_box([w.box for w in words]), block=block_no))
    return page


def _usable(page: Page, config: Config) -> bool:
    text = page.text
    letters = sum(ch.isalpha() for ch in text)
    junk = text.count("\ufffd") + text.count("(cid:")
    return letters >= config.min_text_layer_letters and junk <= 0.01 * max(1, len(text))


def text_file_page(source: Source) -> Page:
    """A text file (OCR'd earlier) as one page per form feed, words without boxes."""
    raw = source.path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("text file is not UTF-8 encoded") from None
    if "\x00" in text:
        raise InputError("not a text file (binary content)")
    if not text.strip():
        raise InputError("text file has no text")
    return text_page(text)


def text_page(text: str) -> Page:
    """Plain text as one page of lines and words, without boxes."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    page = Page(number=1, width=0, height=0, dpi=0, source="text_file")
    for row, raw_line in enumerate(text.split("\n")):
        # Blank lines are kept: they separate paragraphs in OCR'd text.
        words = [Word(text=t, conf=100.0, box=(0, row, 0, 1)) for t in raw_line.split()]
        page.lines.append(Line(words=words, box=(0, row, 0, 1)))
    return page


def _box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
    left, top = int(math.floor(x0)), int(math.floor(y0))
    return left, top, int(math.ceil(x1)) - left, int(math.ceil(y1)) - top


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "no details"
