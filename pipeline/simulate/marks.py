"""Coloured marks stamped on a page: the round red seal and the blue hand signature.

Both are blended multiplicatively, like ink on paper: red over black text stays
black, red over paper is red. Shapes vary with the random generator.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFont

SEAL_RED = np.array([0.86, 0.13, 0.16], dtype=np.float32)
PEN_BLUE = np.array([0.12, 0.20, 0.62], dtype=np.float32)


def blend_ink(canvas: np.ndarray, alpha: np.ndarray, color: np.ndarray, x0: int, y0: int) -> None:
    """Multiply ``color`` into the 8-bit RGB ``canvas`` with coverage ``alpha`` placed at (x0, y0)."""
    h, w = alpha.shape
    cx0, cy0 = max(x0, 0), max(y0, 0)
    cx1, cy1 = min(x0 + w, canvas.shape[1]), min(y0 + h, canvas.shape[0])
    if cx0 >= cx1 or cy0 >= cy1:
        return
    a = alpha[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0, None]
    region = canvas[cy0:cy1, cx0:cx1]
    region[:] = (region * (1 - a * (1 - color)) + 0.5).astype(np.uint8)


def smooth_field(rng: np.random.Generator, shape: tuple[int, int], cells: int) -> np.ndarray:
    """Low-frequency noise in [0, 1]: a coarse random grid resized smoothly."""
    grid = rng.random((cells, cells)).astype(np.float32)
    return cv2.resize(grid, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC).clip(0, 1)


def seal_alpha(text: str, radius: int, font_path: str, rng: np.random.Generator) -> np.ndarray:
    """Coverage mask (0..1) of a round seal: two rings, ``text`` around, a star in the middle."""
    size = 2 * radius + 4
    c = size / 2
    img = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(img)
    outer = max(2, round(radius * 0.05))
    draw.ellipse([c - radius, c - radius, c + radius, c + radius], outline=255, width=outer)
    inner_r = radius * 0.66
    draw.ellipse([c - inner_r, c - inner_r, c + inner_r, c + inner_r], outline=255, width=max(1, round(radius * 0.022)))
    _star(draw, c, c, radius * 0.3)
    # Text runs clockwise round the top, glyph tops outward, spread over 240-300 degrees.
    text_r = radius * 0.78
    font_px = round(radius * 0.2)
    while True:
        font = ImageFont.truetype(font_path, font_px)
        spacing = font_px * 0.12
        span = sum(font.getlength(ch) + spacing for ch in text) / text_r  # radians
        if span <= math.radians(300) or font_px <= 6:
            break
        font_px -= 1
    if span < math.radians(240):  # a short name is letter-spaced round the ring
        spacing += (math.radians(240) - span) * text_r / len(text)
        span = math.radians(240)
    angle = -span / 2
    for ch in text:
        step = (font.getlength(ch) + spacing) / text_r
        angle += step / 2
        if ch.strip():
            glyph = Image.new("L", (font_px * 2, font_px * 2), 0)
            ImageDraw.Draw(glyph).text((font_px, font_px), ch, font=font, fill=255, anchor="mm")
            glyph = glyph.rotate(-math.degrees(angle), resample=Image.BICUBIC)
            gx, gy = c + text_r * math.sin(angle), c - text_r * math.cos(angle)
            box = (round(gx - font_px), round(gy - font_px))
            img.paste(ImageChops.lighter(img.crop((*box, box[0] + 2 * font_px, box[1] + 2 * font_px)), glyph), box)
        angle += step / 2
    img = img.rotate(float(rng.uniform(-25, 25)), resample=Image.BICUBIC)
    alpha = np.asarray(img, dtype=np.float32) / 255
    # Uneven stamp ink: denser and fainter patches, slight spread into the paper.
    texture = 0.55 + 0.45 * smooth_field(rng, alpha.shape, 6)
    alpha = cv2.GaussianBlur(alpha, (0, 0), max(0.5, radius / 250)) * texture * rng.uniform(0.8, 0.95)
    return alpha.clip(0, 1)


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = []
    for k in range(10):
        rr = r if k % 2 == 0 else r * 0.4
        a = math.pi * k / 5
        points.append((cx + rr * math.sin(a), cy - rr * math.cos(a)))
    draw.polygon(points, fill=255)


def signature_alpha(width: int, height: int, pen: int, rng: np.random.Generator) -> np.ndarray:
    """Coverage mask of a hand signature: a run of cursive loops and an underline flourish."""
    mask = np.zeros((height, width), dtype=np.uint8)
    loops = int(rng.integers(3, 7))
    t = np.linspace(0, 1, 60 * loops)
    # A prolate cycloid: steady pen travel plus circling gives joined loops of varying height.
    heights = np.interp(t, np.linspace(0, 1, loops + 1), rng.uniform(0.15, 0.42, loops + 1))
    x = 0.06 + 0.62 * t + 0.05 * np.sin(2 * np.pi * loops * t + rng.uniform(0, 2 * np.pi))
    y = 0.5 - heights * np.cos(2 * np.pi * loops * t) + 0.1 * (t - 0.5)
    _polyline(mask, np.column_stack([x * width, y * height]), pen)
    flourish = np.array([[0.02, 0.78], [0.3, 0.92], [0.65, 0.8], [0.97, rng.uniform(0.35, 0.6)]])
    flourish[:, 1] += rng.normal(0, 0.04, 4)
    _polyline(mask, _catmull_rom(flourish * [width, height]), max(1, pen * 3 // 4))
    alpha = cv2.GaussianBlur(mask.astype(np.float32) / 255, (0, 0), max(0.5, pen / 4))
    return alpha * rng.uniform(0.75, 0.95)


def _polyline(mask: np.ndarray, points: np.ndarray, pen: int) -> None:
    cv2.polylines(mask, [points.round().astype(np.int32)], False, 255, thickness=pen, lineType=cv2.LINE_AA)


def _catmull_rom(points: np.ndarray, steps: int = 24) -> np.ndarray:
    """A smooth curve through ``points``."""
    p = np.vstack([points[:1], points, points[-1:]])
    t = np.linspace(0, 1, steps)[:, None]
    segments = []
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        segments.append(0.5 * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2
                               + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3))
    return np.concatenate(segments)
