"""Scanner and paper effects applied to a rendered page, deterministic for a generator."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import cv2
import numpy as np

from .marks import smooth_field

PAPER_YELLOW = np.array([1.0, 0.965, 0.87], dtype=np.float32)  # aged office paper at full strength


@dataclass(frozen=True)
class Degradation:
    """How a simulated scan departs from the clean page. All effects off by default.

    Pixel quantities are at the page's ``dpi``.
    """

    dpi: int = 300
    max_skew_deg: float = 0.0  # each page is rotated by a uniform angle in ±max
    ink_spread: int = 0  # strokes thickened by this many px on each side (toner, photocopies of photocopies)
    blur_sigma: float = 0.0  # Gaussian blur of the scanner optics, px
    noise_sigma: float = 0.0  # additive Gaussian sensor noise, 8-bit levels
    salt_pepper: float = 0.0  # fraction of pixels turned into black or white specks
    background: float = 0.0  # 0..1: yellowed paper and uneven lighting (gradient, vignette, blotches)
    jpeg_quality: int | None = None  # JPEG-compress the page at this quality
    body_seal: bool = False  # stamp an extra seal over the body text of each page


# Calibrated with bare `tesseract -l vie` (default page segmentation) on 17 pages of four
# shared documents, whitespace-collapsed CER: clean 0.29% (body pages ~0.2%, the seal costs
# the closing page more), moderate 0.40%, heavy 38%. Tesseract starts reordering lines beyond
# ~1.5 degrees of skew, and its global threshold collapses quickly with more noise on a dark
# background (noise 30 gives ~90%), so moderate and heavy sit below those cliffs.
PRESETS: dict[str, Degradation] = {
    "clean": Degradation(),
    "moderate": Degradation(max_skew_deg=1.5, blur_sigma=0.8, noise_sigma=12.0, salt_pepper=0.002, jpeg_quality=60),
    # thick print, no noise: English-model OCR reads it with other confusions than "clean" ("nim" for "năm" 39 % of
    # the time against 1.4 %), a second source for the garble channel and its evaluation
    "bold": Degradation(ink_spread=1),
    "heavy": Degradation(dpi=200, max_skew_deg=2.0, blur_sigma=1.0, noise_sigma=22.0, salt_pepper=0.01,
                         background=0.7, jpeg_quality=40, body_seal=True),
}


def resolve(degradation: str | Degradation) -> Degradation:
    if isinstance(degradation, Degradation):
        return degradation
    try:
        return PRESETS[degradation]
    except KeyError:
        raise ValueError(f"unknown degradation preset {degradation!r}; known: {', '.join(PRESETS)}") from None


def degrade(page: np.ndarray, d: Degradation, rng: np.random.Generator) -> tuple[np.ndarray, bytes | None]:
    """Apply ``d`` to an 8-bit RGB page.

    Returns the degraded page and, when JPEG is on, the JPEG stream it was decoded from.
    """
    h, w = page.shape[:2]
    if d.max_skew_deg:
        angle = float(rng.uniform(-d.max_skew_deg, d.max_skew_deg))
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        page = cv2.warpAffine(page, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    if d.ink_spread:  # a minimum filter on the page thickens the dark strokes
        side = 2 * d.ink_spread + 1
        page = cv2.erode(page, np.ones((side, side), np.uint8))
    if d.blur_sigma:
        page = cv2.GaussianBlur(page, (0, 0), d.blur_sigma)
    if d.background:  # yellowed paper under uneven light, as one per-channel gain
        light = _lighting(rng, (h, w), d.background)
        tint = 1 - d.background * (1 - PAPER_YELLOW)
        page = cv2.multiply(page, cv2.merge([light * t for t in tint]), dtype=cv2.CV_8U)
    if d.noise_sigma:  # sensor noise, the same on the three channels
        noise = _gaussian_noise(rng, (h, w), d.noise_sigma)
        page = cv2.add(page, cv2.cvtColor(noise, cv2.COLOR_GRAY2RGB), dtype=cv2.CV_8U)
    if d.salt_pepper:
        flat = page.reshape(-1, 3)
        specks = rng.integers(0, h * w, rng.binomial(h * w, d.salt_pepper))
        flat[specks[: len(specks) // 2]] = 20
        flat[specks[len(specks) // 2 :]] = 255
    if d.jpeg_quality is None:
        return page, None
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(page, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, d.jpeg_quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    decoded = cv2.imdecode(jpeg, cv2.IMREAD_COLOR)
    return cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB), jpeg.tobytes()


def _gaussian_noise(rng: np.random.Generator, shape: tuple[int, int], sigma: float) -> np.ndarray:
    """Gaussian noise through a 256-level inverse-CDF table on random bytes: far faster than normal()."""
    table = np.array([NormalDist(0, sigma).inv_cdf((k + 0.5) / 256) for k in range(256)], dtype=np.float32)
    return cv2.LUT(rng.integers(0, 256, shape, dtype=np.uint8), table)


def _lighting(rng: np.random.Generator, shape: tuple[int, int], strength: float) -> np.ndarray:
    """Multiplicative illumination in (0, 1]: a tilted gradient, a vignette and soft blotches."""
    h, w = shape
    small = (64, round(64 * w / h))
    yy, xx = np.mgrid[0 : small[0], 0 : small[1]].astype(np.float32)
    yy, xx = yy / (small[0] - 1) - 0.5, xx / (small[1] - 1) - 0.5
    theta = rng.uniform(0, 2 * np.pi)
    gradient = (xx * np.cos(theta) + yy * np.sin(theta) + 0.71) / 1.42  # 0..1 across the page
    vignette = (xx**2 + yy**2) * 2  # 0 centre .. 1 corners
    blotches = smooth_field(rng, small, 5)
    darkening = 0.28 * gradient + 0.22 * vignette + 0.15 * blotches
    field = 1 - strength * darkening.astype(np.float32)
    return cv2.resize(field, (w, h), interpolation=cv2.INTER_LINEAR)
