"""OpenCV clean-up of one scanned page before Tesseract.

Coloured ink (red seals, blue signatures) goes first: on the colour image it is
told from black text by its chroma, and the brightest channel of a red or blue
stroke is light while black text, also where a seal was printed over it, stays
dark in every channel. Everything else is decided from cheap looks at the page:
a ~100 dpi copy for lines (orientation, skew, rules) and lighting, and one
full-resolution patch for noise. A clean, upright 300-dpi page therefore costs
~0.1 s and is handed on as plain grey; Tesseract OSD is only asked when the
line profiles say a page may not be upright.

Pages that need it are smoothed, divided by their paper brightness, thresholded
with a noise-aware Otsu, and rid of specks and of ink-crossing remains: whatever
is not text becomes white, while text keeps its grey levels (the LSTM reads them).
Rules are painted over on every page. Low-resolution pages are upsampled and
deskewed in one interpolation. 300-dpi pages are left as they are up to 2° of
skew, which Tesseract's own line finding absorbs, and beyond it are deskewed by
whole-pixel column shifts, because an interpolating rotation costs Tesseract
more than the skew.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import cv2
import numpy as np
import pytesseract

TARGET_DPI = 300  # Tesseract's models are trained on text of ~300 dpi
MIN_DPI = 280  # below this a page is upsampled to TARGET_DPI
ANALYSIS_DPI = 100  # resolution of the copy used for lines and lighting
MM = 25.4  # millimetres per inch

# Coloured ink: max - min channel above this (of 255). Black text under red ink
# multiplies to a dark pixel of low chroma and is kept.
INK_CHROMA = 60
COLOUR_SAMPLE_DPI = 75  # colour is looked for on pixels this far apart (strokes are wider)
COLOUR_PAGE_FRACTION = 2e-4  # share of coloured samples that marks a page as stamped or signed
# Dark remains where blue crosses red (the inks multiply to near black): components
# whose surroundings (within OUTLINE_PX) are mostly ink, and of both colours.
# Black text under one ink has paper and that one ink around it, and stays.
CROSSING_INKED = 0.6  # share of the surroundings that is coloured ink
CROSSING_EACH = 0.1  # share of each of red and blue
OUTLINE_PX = 2
# Ink around such remains is judged leniently, as JPEG halves the chroma of thin
# strokes: some chroma, and a darkest channel well below the paper.
WEAK_INK_CHROMA = 25
INKED_LEVEL = 0.7
COLOUR_MARGIN_MM = 3.0  # around coloured ink, where such remains are looked for

NOISE_PATCH = 512  # side of the central patch on which noise is measured, px
NOISE_SCALE_PX = 2.0  # noise is what a Gaussian blur of this sigma takes away
# Noise (grey levels) above which the page is smoothed. Measured on simulator scans
# read from their PDFs at 300 dpi: clean 0-0.2, moderate 3-5 (7-8 before JPEG),
# heavy 12-16 (200-dpi scans; 25 at their own resolution).
NOISE_SIGMA = 10.0
SMOOTH_SIGMA_MM = 0.125  # Gaussian smoothing of noisy pages (1 px at 200 dpi)
SPECK_AREA_MM2 = 0.09  # dark blobs up to this are specks; the dot of "ạ" at 13 pt is ~0.25 mm²
DIACRITIC_GAP_MM = 0.6  # specks this close to bigger ink are kept: they may be diacritics
SPECKS_PER_MPX = 250.0  # specks per megapixel of the noise patch above which specks are removed
NOISE_MARGIN = 4.0  # text must be this many noise sigmas darker than its paper
MIN_MARGIN = 8  # grey levels: the same floor for noiseless pages
UNEVEN_BACKGROUND = 0.10  # relative spread of paper brightness that calls for normalisation

# Printed rules (under the issuer, the motto and the title) OCR as "_——".
RULE_MIN_LENGTH_MM = 12.0
RULE_RUN_MM = 4.0  # straight run that only lines (not letters) have
RULE_MAX_THICKNESS_MM = 0.8  # mean thickness, so that a skewed rule still counts
RULE_EDGE_PX = 2  # painted beyond a rule's dark core, for the grey edge blur and JPEG leave

MAX_SKEW = 5.0  # degrees searched either way
MIN_SKEW = 0.15  # smaller skew is not undone even where the page is resampled anyway
# Skew up to this is left to Tesseract on pages that are not resampled: column
# shifts cost it more tone marks than the skew does (simulator scans, 0-2°:
# CER 0.52% -> 0.49% moderate, 1.32% -> 1.18% heavy without them).
TOLERATED_SKEW = 2.0
COARSE_POINTS = 30_000  # ink pixels sampled for the coarse angle search
FINE_POINTS = 30_000  # and for the fine one
MIN_INK_POINTS = 500  # fewer ink pixels than this: too little text to measure lines
# Text-line direction: the row profile of horizontal text varies ~10x more than
# its column profile; a page is sideways when columns beat rows by this factor.
LINE_DIRECTION_RATIO = 2.0
GAP_DENSITY = 0.02  # rows with less ink than this share of the densest row separate text lines
MAX_LINE_TO_BAND = 2.5  # a text line spans ~2x its x-height band; taller runs are merged lines
# Upright text has more ink just above its x-height band (ascenders, capitals and,
# in Vietnamese, most tone marks) than just below (descenders, the dot of "ạ"):
# log(above / below) is ~0.3-1.5 on upright pages. Below this, OSD is asked.
UPRIGHT_SCORE = 0.15
MIN_LINES = 5  # fewer measured lines are too little evidence to turn a page without OSD
OSD_DPI = 150  # OSD reads a copy at this resolution
OSD_MIN_CONFIDENCE = 2.0


@dataclass(frozen=True)
class CleanOptions:
    """Switches for each step (all on by default) so benchmarks can ablate them."""

    remove_colour: bool = True
    orientation: bool = True
    osd: bool = True  # ask Tesseract OSD when the cheap orientation test is unsure or says "turned"
    deskew: bool = True
    denoise: bool = True  # smoothing and speck removal on noisy pages
    binarise: bool = True  # paper normalisation and a noise-aware threshold; all that is not text turns white
    remove_rules: bool = True
    upsample: bool = True
    target_dpi: int = TARGET_DPI


@dataclass
class CleanResult:
    image: np.ndarray  # grey uint8, 2-D: what goes to Tesseract
    rotation: int  # 0/90/180/270: the input was turned this far clockwise; it was turned back
    skew: float  # degrees (clockwise positive) the input's lines were tilted; undone
    scale: float  # output size / input size; OCR boxes are divided by it
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step, and "total"


def clean_page(image: np.ndarray, dpi: int, options: CleanOptions | None = None) -> CleanResult:
    """Clean one page (RGB uint8 as from PIL, or grey) for OCR."""
    opts = options or CleanOptions()
    clock = _Clock()

    colour_mask = None
    if image.ndim == 2:
        grey = image.copy()  # later steps work in place
    elif opts.remove_colour and _has_colour(image, dpi):
        grey, colour_mask = _remove_colour(image)
    else:
        grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    clock.lap("colour")

    sigma, specks = _noise(grey, dpi)
    smooth = opts.denoise and sigma > NOISE_SIGMA
    if smooth:
        # Before the analysis copy is made, so that noise does not pass for text.
        grey = cv2.GaussianBlur(cv2.medianBlur(grey, 3), (0, 0), SMOOTH_SIGMA_MM * dpi / MM)
        sigma = _noise(grey, dpi)[0]
    clock.lap("denoise")

    factor = ANALYSIS_DPI / dpi
    small = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    paper_small = _paper(small)
    if colour_mask is not None:
        # Seal and signature must not count as text lines.
        inked = cv2.resize(colour_mask, (small.shape[1], small.shape[0]), interpolation=cv2.INTER_AREA) > 0
        small[inked] = paper_small[inked]
    # Text must stand out from the remaining noise also on the analysis copy, where
    # averaging has only lowered it: else an almost empty page is all "text".
    ink = _ink(small, paper_small, max(MIN_MARGIN, NOISE_MARGIN * sigma))
    rules = _rules(ink, ANALYSIS_DPI) if opts.remove_rules else []
    clock.lap("analysis")

    rotation, skew = _orient_and_deskew(ink, grey, dpi, opts, clock)
    scale = opts.target_dpi / dpi if opts.upsample and dpi < MIN_DPI else 1.0
    if abs(skew) < (MIN_SKEW if scale != 1.0 else TOLERATED_SKEW):
        skew = 0.0

    specky = opts.denoise and specks > SPECKS_PER_MPX
    uneven = _spread(paper_small) > UNEVEN_BACKGROUND
    # Noisy or shaded pages are cleaned all over; on an otherwise clean page only
    # the surroundings of its seal and signature are.
    region = (0, grey.shape[0], 0, grey.shape[1]) if smooth or specky or uneven else _colour_box(colour_mask, dpi)
    if opts.binarise and region:
        y0, y1, x0, x1 = region
        paper = cv2.resize(paper_small, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR)
        crop_rgb, crop_mask = (None, None) if colour_mask is None else (image[y0:y1, x0:x1], colour_mask[y0:y1, x0:x1])
        margin = max(MIN_MARGIN, NOISE_MARGIN * sigma)
        grey[y0:y1, x0:x1] = _text_only(grey[y0:y1, x0:x1], paper[y0:y1, x0:x1], crop_rgb, crop_mask, margin, dpi)
        clock.lap("binarise")
    grey = _erase_rules(grey, rules, dpi / ANALYSIS_DPI)
    clock.lap("rules")

    grey = _rotate_quadrant(grey, rotation)
    if scale != 1.0:
        grey = _warp(grey, skew, scale)
    elif skew:
        grey = _shear(grey, skew)
    clock.lap("warp")
    return CleanResult(grey, rotation, skew, scale, clock.timings)


class _Clock:
    """Adds the time since the previous lap to ``timings[name]``; keeps a running total."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {"total": 0.0}
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - self.last
        self.timings["total"] += now - self.last
        self.last = now


# --- coloured ink -----------------------------------------------------------------------


def _chroma(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Brightest channel and max - min channel."""
    r, g, b = cv2.split(rgb)
    high = cv2.max(cv2.max(r, g), b)
    return high, cv2.subtract(high, cv2.min(cv2.min(r, g), b))


def _has_colour(rgb: np.ndarray, dpi: int) -> bool:
    step = max(1, round(dpi / COLOUR_SAMPLE_DPI))
    _, chroma = _chroma(np.ascontiguousarray(rgb[::step, ::step]))
    return np.count_nonzero(chroma > INK_CHROMA) > COLOUR_PAGE_FRACTION * chroma.size


def _remove_colour(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Grey page from the brightest channel, and the mask (0/255) of strongly coloured pixels.

    The mask is whited out once the paper brightness is known, so that dark blue
    ballpoint goes too.
    """
    high, chroma = _chroma(rgb)
    _, mask = cv2.threshold(chroma, INK_CHROMA, 255, cv2.THRESH_BINARY)
    return high, mask


# --- page statistics ----------------------------------------------------------------------


def _noise(grey: np.ndarray, dpi: int) -> tuple[float, float]:
    """Noise sigma and specks per megapixel, on a central patch.

    The sigma is the robust spread (MAD) of what a small Gaussian blur removes.
    A pixel-scale estimator (Immerkær's Laplacian) misses the noise of a scan
    read at a higher resolution than it was scanned at, where each grain spans
    more than a pixel: it read 1.2-1.5 on 200-dpi scans rendered at 300 dpi.
    """
    h, w = grey.shape
    side = min(h, w, NOISE_PATCH)
    patch = grey[(h - side) // 2 : (h + side) // 2, (w - side) // 2 : (w + side) // 2]
    values = patch.astype(np.float32)
    residual = values - cv2.GaussianBlur(values, (0, 0), NOISE_SCALE_PX)
    sigma = 1.4826 * float(np.median(np.abs(residual - np.median(residual))))
    # Specks must stand out from the noise, or a blank patch of JPEG ripple would count.
    otsu, _ = cv2.threshold(patch, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    level = min(otsu, float(np.median(patch)) - max(MIN_MARGIN, NOISE_MARGIN * sigma))
    _, dark = cv2.threshold(patch, level, 255, cv2.THRESH_BINARY_INV)
    _, _, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    specks = np.count_nonzero(stats[1:, cv2.CC_STAT_AREA] <= _speck_area(dpi))
    return sigma, specks / (patch.size / 1e6)


def _speck_area(dpi: int) -> float:
    return SPECK_AREA_MM2 * (dpi / MM) ** 2


def _paper(small: np.ndarray) -> np.ndarray:
    """Paper brightness without the text: a grey dilation wider than a stroke, smoothed."""
    size = round(2 * ANALYSIS_DPI / MM) | 1  # ~2 mm: wider than a stroke, narrower than a shadow
    dilated = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
    return cv2.blur(dilated, (3 * size, 3 * size))


def _spread(paper: np.ndarray) -> float:
    low, high = np.percentile(paper, (2, 98))
    return float(high - low) / max(1.0, float(high))


def _ink(small: np.ndarray, paper: np.ndarray, margin: float) -> np.ndarray:
    """Text mask (uint8 0/1) of the analysis copy: darker than Otsu's threshold and ``margin`` below paper."""
    _, ink = cv2.threshold(cv2.divide(small, paper, scale=255), 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    _, contrast = cv2.threshold(cv2.subtract(paper, small), margin, 1, cv2.THRESH_BINARY)
    return cv2.bitwise_and(ink, contrast)


# --- orientation and skew ------------------------------------------------------------------


def _ink_points(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ys, xs = np.nonzero(ink)
    return ys.astype(np.float32), (xs - ink.shape[1] / 2).astype(np.float32)


def _profile_scores(ys: np.ndarray, xs: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """Sum of squares of the row profile of ink sheared by each angle (degrees, clockwise)."""
    slopes = np.tan(np.radians(angles)).astype(np.float32)
    rows = np.rint(ys[None, :] - xs[None, :] * slopes[:, None]).astype(np.int32)
    lo = int(rows.min())
    bins = int(rows.max()) - lo + 1
    rows += (np.arange(len(angles), dtype=np.int32) * bins - lo)[:, None]
    counts = np.bincount(rows.ravel(), minlength=len(angles) * bins).reshape(len(angles), bins)
    return (counts.astype(np.float64) ** 2).sum(axis=1)


def _best_angle(ys: np.ndarray, xs: np.ndarray, fine: bool = True) -> float:
    """Angle that makes text lines horizontal: the sharpest row profile, 0.5° then 0.05° steps."""
    step = max(1, len(ys) // COARSE_POINTS)
    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-6, 0.5)
    best = float(coarse[int(np.argmax(_profile_scores(ys[::step], xs[::step], coarse)))])
    if not fine:
        return best
    step = max(1, len(ys) // FINE_POINTS)
    angles = np.arange(best - 0.45, best + 0.45 + 1e-6, 0.05)
    return float(angles[int(np.argmax(_profile_scores(ys[::step], xs[::step], angles)))])


def _row_profile(ys: np.ndarray, xs: np.ndarray, angle: float) -> np.ndarray:
    rows = np.rint(ys - xs * np.tan(np.radians(angle))).astype(np.int64)
    return np.bincount(rows - rows.min()).astype(np.float64)


def _line_contrast(ys: np.ndarray, xs: np.ndarray, angle: float) -> float:
    """Squared coefficient of variation of the row profile: high across text lines."""
    profile = _row_profile(ys, xs, angle)
    return float(profile.var() / max(1e-9, profile.mean() ** 2))


def _upright_score(ys: np.ndarray, xs: np.ndarray, angle: float) -> tuple[float, int]:
    """log(ink just above the x-height bands / ink just below), positive for upright text, and lines measured.

    Lines are runs of rows between near-empty gaps; a line's x-height band is its
    longest run of rows denser than half its 75th-percentile row. Ink is counted
    within one band height either side; runs much taller than their band (lines
    merged by a stamp or a signature) are left out.
    """
    profile = _row_profile(ys, xs, angle)
    inked = np.concatenate(([0], (profile > GAP_DENSITY * profile.max()).astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(inked))
    above = below = 1.0
    lines = 0
    for top, bottom in zip(edges[::2], edges[1::2]):
        line = profile[top:bottom]
        if len(line) < 4:
            continue
        dense = np.concatenate(([0], (line > 0.5 * np.percentile(line, 75)).astype(np.int8), [0]))
        runs = np.flatnonzero(np.diff(dense)).reshape(-1, 2)
        start, end = runs[int(np.argmax(runs[:, 1] - runs[:, 0]))]
        band = end - start
        if len(line) > MAX_LINE_TO_BAND * band:
            continue
        above += line[max(0, start - band) : start].sum()
        below += line[end : end + band].sum()
        lines += 1
    return float(np.log(above / below)), lines


def _orient_and_deskew(
    ink: np.ndarray, grey: np.ndarray, dpi: int, opts: CleanOptions, clock: _Clock
) -> tuple[int, float]:
    """Clockwise quadrant the page was turned by, and the skew of its lines."""
    ys, xs = _ink_points(ink)
    if len(ys) < MIN_INK_POINTS or not (opts.orientation or opts.deskew):
        return 0, 0.0
    base = 0
    if opts.orientation:
        # The same ink turned a quarter counter-clockwise: column x becomes row (width - 1 - x).
        ys_t, xs_t = ink.shape[1] / 2 - 1 - xs, ys - ink.shape[0] / 2
        rows = _line_contrast(ys, xs, _best_angle(ys, xs, fine=False))
        columns = _line_contrast(ys_t, xs_t, _best_angle(ys_t, xs_t, fine=False))
        if columns > LINE_DIRECTION_RATIO * rows:
            base, ys, xs = 90, ys_t, xs_t
    # Quarter and half turns commute with the skew rotation, so the skew measured
    # on any view with horizontal lines is the skew of the page.
    skew = _best_angle(ys, xs)
    clock.lap("deskew")
    if not opts.orientation:
        return 0, skew if opts.deskew else 0.0
    score, lines = _upright_score(ys, xs, skew)
    # Turning a page is only done on good evidence: OSD's, or many lines' when OSD is off or unsure.
    rotation = base + (180 if score <= -UPRIGHT_SCORE and lines >= MIN_LINES else 0)
    if opts.osd and (base or score < UPRIGHT_SCORE):
        clock.lap("orientation")
        osd = _osd_rotation(grey, dpi)
        clock.lap("osd")
        if osd is not None:
            if (osd - base) % 180:
                skew = _best_angle(*_ink_points(_rotate_quadrant(ink, osd)))
            rotation = osd
    clock.lap("orientation")
    return rotation, skew if opts.deskew else 0.0


def _osd_rotation(grey: np.ndarray, dpi: int) -> int | None:
    """Tesseract's orientation (clockwise degrees the page is turned), or None if unsure."""
    factor = min(1.0, OSD_DPI / dpi)
    copy = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    try:
        osd = pytesseract.image_to_osd(copy, config=f"--dpi {round(dpi * factor)}", output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError:  # too little text to decide
        return None
    if float(osd.get("orientation_conf", 0)) < OSD_MIN_CONFIDENCE:
        return None
    return int(osd["orientation"]) % 360


def _rotate_quadrant(image: np.ndarray, rotation: int) -> np.ndarray:
    """Undo a clockwise turn of ``rotation`` degrees."""
    codes = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}
    return cv2.rotate(image, codes[rotation]) if rotation else image


# --- full-resolution work -----------------------------------------------------------------


def _rules(ink: np.ndarray, dpi: int) -> list[tuple[int, int, int, int]]:
    """Boxes (x, y, w, h in ``ink`` pixels) of long thin lines, horizontal or vertical.

    An opening with a short line keeps only straight runs (also of a rule skewed
    by a few degrees, which steps every ~15 runs); its components that are long
    and thin are rules.
    """
    run = round(RULE_RUN_MM * dpi / MM)
    runs = cv2.bitwise_or(
        cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, run), np.uint8)),
        cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((run, 1), np.uint8)),
    )
    if not runs.any():
        return []
    _, _, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    w, h, area = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_AREA]
    length, breadth = np.maximum(w, h), np.minimum(w, h)
    thin = (
        (length >= RULE_MIN_LENGTH_MM * dpi / MM)
        & (area <= RULE_MAX_THICKNESS_MM * dpi / MM * length)
        & (breadth * 8 < length)
    )
    return [tuple(int(v) for v in box) for box in stats[1:][thin, :4]]


def _erase_rules(grey: np.ndarray, rules: list[tuple[int, int, int, int]], factor: float) -> np.ndarray:
    """Paint over (in place) the rules found on the analysis copy, component by component at full size."""
    if not rules:
        return grey
    pad = round(factor) + 1
    for x, y, w, h in rules:
        x0, y0 = max(0, round(x * factor) - pad), max(0, round(y * factor) - pad)
        x1, y1 = round((x + w) * factor) + pad, round((y + h) * factor) + pad
        crop = grey[y0:y1, x0:x1]
        _, dark = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
        _, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
        long = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) >= 0.5 * max(w, h) * factor
        long[0] = False
        # Otsu keeps the rule's core; its blurred edges, left alone, read as a faint line ("m", "_").
        edges = cv2.dilate(long[labels].astype(np.uint8), np.ones((2 * RULE_EDGE_PX + 1,) * 2, np.uint8))
        crop[edges > 0] = int(np.percentile(crop, 90))
    return grey


def _text_only(
    grey: np.ndarray, paper: np.ndarray, rgb: np.ndarray | None, colour_mask: np.ndarray | None, margin: float, dpi: int
) -> np.ndarray:
    """Text at its normalised grey levels on pure white; everything else whited out.

    Text is darker than Otsu's threshold on the normalised page and, in grey
    levels, more than ``margin`` below its paper: that keeps noise on an almost
    empty page from passing for text. Specks and dark remains of crossing inks
    are dropped as components.
    """
    norm = cv2.divide(grey, paper, scale=255)
    if colour_mask is not None:
        norm[colour_mask > 0] = 255
    _, text = cv2.threshold(norm, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    _, contrast = cv2.threshold(cv2.subtract(paper, grey), margin, 255, cv2.THRESH_BINARY)
    text = cv2.bitwise_and(text, contrast)
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(text, connectivity=8)
    drop = _lonely_specks(labels, stats, centroids, dpi)
    if colour_mask is not None:
        drop |= _on_crossing_inks(text, labels, count, rgb, paper, colour_mask, dpi)
    drop[0] = True
    norm[drop[labels]] = 255
    return norm


def _lonely_specks(labels: np.ndarray, stats: np.ndarray, centroids: np.ndarray, dpi: int) -> np.ndarray:
    """Per component: a speck, and not close to bigger ink, where it may be a tone mark or the dot of "ạ"."""
    speck = stats[:, cv2.CC_STAT_AREA] <= _speck_area(dpi)
    speck[0] = False
    if not speck.any():
        return speck
    bigger = ~speck
    bigger[0] = False
    reach = 2 * round(DIACRITIC_GAP_MM * dpi / MM) + 1
    near = cv2.dilate(bigger[labels].view(np.uint8), np.ones((reach, reach), np.uint8))
    xs, ys = np.rint(centroids[:, 0]).astype(int), np.rint(centroids[:, 1]).astype(int)
    return speck & (near[ys, xs] == 0)


def _colour_box(colour_mask: np.ndarray | None, dpi: int) -> tuple[int, int, int, int] | None:
    """(y0, y1, x0, x1) around all coloured ink with a margin, or None."""
    if colour_mask is None:
        return None
    step = 4
    ys, xs = np.nonzero(colour_mask[::step, ::step])
    if len(ys) == 0:
        return None
    margin = round(COLOUR_MARGIN_MM * dpi / MM) + step
    h, w = colour_mask.shape
    return (
        max(0, int(ys.min()) * step - margin),
        min(h, int(ys.max()) * step + margin),
        max(0, int(xs.min()) * step - margin),
        min(w, int(xs.max()) * step + margin),
    )


def _on_crossing_inks(
    text: np.ndarray,
    labels: np.ndarray,
    count: int,
    rgb: np.ndarray,
    paper: np.ndarray,
    colour_mask: np.ndarray,
    dpi: int,
) -> np.ndarray:
    """Per component: is it surrounded by both red and blue ink? Looked at near coloured ink only."""
    result = np.zeros(count, bool)
    box = _colour_box(colour_mask, dpi)
    if box is None:
        return result
    y0, y1, x0, x1 = box
    crop_text, crop_labels = text[y0:y1, x0:x1], labels[y0:y1, x0:x1]
    kernel = np.ones((2 * OUTLINE_PX + 1, 2 * OUTLINE_PX + 1), np.uint8)
    outline = cv2.subtract(cv2.dilate(crop_text, kernel), crop_text) > 0
    # Each outline pixel belongs to the (largest-numbered) component next to it.
    owner = cv2.dilate(crop_labels.astype(np.float32), kernel).astype(np.int64)[outline]
    pixels = rgb[y0:y1, x0:x1][outline].astype(np.int16)
    high, low = pixels.max(axis=1), pixels.min(axis=1)
    inked = (high - low > WEAK_INK_CHROMA) & (low < INKED_LEVEL * paper[y0:y1, x0:x1][outline])
    red = inked & (pixels[:, 0] >= pixels[:, 2])
    total = np.maximum(np.bincount(owner, minlength=count), 1)
    reddish = np.bincount(owner[red], minlength=count)
    bluish = np.bincount(owner[inked & ~red], minlength=count)
    result[:] = (
        (reddish + bluish > CROSSING_INKED * total)
        & (reddish > CROSSING_EACH * total)
        & (bluish > CROSSING_EACH * total)
    )
    return result


def _shear(grey: np.ndarray, skew: float) -> np.ndarray:
    """Straighten text lines by moving each pixel column up or down by whole pixels.

    Any interpolating rotation of a 300-dpi page blurs the thin tone marks enough
    to cost Tesseract more characters than the skew did (measured: CER 0.20% ->
    0.29-0.36% at 0.5-2 degrees); whole-pixel shifts copy every column intact.
    Letters lean by the skew angle, which Tesseract does not mind.
    """
    h, w = grey.shape
    slope = np.tan(np.radians(skew))
    matrix = np.float32([[1, 0, 0], [-slope, 1, slope * w / 2]])
    return cv2.warpAffine(grey, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=255)


def _warp(grey: np.ndarray, skew: float, scale: float) -> np.ndarray:
    """Undo the skew and resample (upsample) in one interpolation, filling new corners with white."""
    h, w = grey.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), skew, scale)  # positive angle turns counter-clockwise
    out_w, out_h = round(w * scale), round(h * scale)
    matrix[0, 2] += out_w / 2 - w / 2
    matrix[1, 2] += out_h / 2 - h / 2
    return cv2.warpAffine(grey, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=255)
