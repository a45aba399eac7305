"""Page clean-up: what a user would notice, with real Tesseract where it matters."""

from __future__ import annotations

import io
import time

import cv2
import numpy as np
import pytesseract
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.clean import CleanOptions, clean_page
from pipeline.evaluate.metrics import cer

from .conftest import LIBERATION_SERIF, SHORT_CONCLUSION, make_scan

DPI = 300
BODY_PX = round(13 / 72 * DPI)  # 13 pt body text
PARAGRAPH = (
    "Giao Sở Nông nghiệp và Phát triển nông thôn chủ trì, phối hợp với Sở Tài chính hướng dẫn "
    "huyện hoàn thành hồ sơ trước ngày 30/6/2024. Các cấp ủy, chính quyền tiếp tục tập trung "
    "lãnh đạo, chỉ đạo thực hiện có hiệu quả các mục tiêu của đề án; hoàn thành các tiêu chí "
    "còn lại, báo cáo kết quả trước ngày 15/12/2024 để Ủy ban nhân dân tỉnh xem xét, quyết định."
)
SEAL_RED = (220, 33, 41)
PEN_BLUE = (31, 51, 158)

pytestmark = pytest.mark.skipif(
    "vie" not in pytesseract.get_languages(), reason="Tesseract with Vietnamese data is needed"
)


def render(lines: list[str], width: int = 2000, height: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Black text lines on white at 300 dpi: the RGB page and the mask of text pixels."""
    font = ImageFont.truetype(str(LIBERATION_SERIF), BODY_PX)
    pitch = round(BODY_PX * 1.5)
    height = height or 120 + pitch * len(lines)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(lines):
        draw.text((100, 60 + i * pitch), line, font=font, fill=0)
    grey = np.asarray(page)
    return np.repeat(grey[..., None], 3, axis=2), grey < 128


def wrap(text: str, width_px: int = 1800) -> list[str]:
    font = ImageFont.truetype(str(LIBERATION_SERIF), BODY_PX)
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if font.getlength(candidate) > width_px and line:
            lines.append(line)
            line = word
        else:
            line = candidate
    return lines + [line]


def stamp(rgb: np.ndarray, alpha: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    """Ink of ``colour`` printed over the page where ``alpha`` (0..1): inks multiply, as on paper."""
    ink = np.array(colour, np.float32) / 255
    out = rgb.astype(np.float32) * (1 - alpha[..., None] * (1 - ink))
    return out.round().astype(np.uint8)


def seal_alpha(shape: tuple[int, int], centre: tuple[int, int], radius: int) -> np.ndarray:
    """A round seal: two rings, red capitals between them, a star in the middle."""
    layer = Image.new("L", (shape[1], shape[0]), 0)
    draw = ImageDraw.Draw(layer)
    cx, cy = centre
    for r, width in ((radius, 10), (round(radius * 0.7), 5)):
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=255, width=width)
    font = ImageFont.truetype(str(LIBERATION_SERIF).replace("Regular", "Bold"), round(radius * 0.17))
    for k, ch in enumerate("ỦY BAN NHÂN DÂN TỈNH TUYÊN BÌNH *"):
        angle = 2 * np.pi * k / 32 - np.pi / 2
        draw.text((cx + 0.85 * radius * np.cos(angle), cy + 0.85 * radius * np.sin(angle)), ch, font=font,
                  fill=255, anchor="mm")
    star = [(cx + (radius * (0.25 if k % 2 == 0 else 0.1)) * np.cos(np.pi * k / 5 - np.pi / 2),
             cy + (radius * (0.25 if k % 2 == 0 else 0.1)) * np.sin(np.pi * k / 5 - np.pi / 2)) for k in range(10)]
    draw.polygon(star, fill=255)
    return np.asarray(layer, np.float32) / 255 * 0.9


def signature_alpha(shape: tuple[int, int], start: tuple[int, int]) -> np.ndarray:
    layer = Image.new("L", (shape[1], shape[0]), 0)
    x0, y0 = start
    points = [(x0 + 12 * t, y0 + 60 * np.sin(t / 3)) for t in range(60)]
    ImageDraw.Draw(layer).line(points, fill=255, width=6, joint="curve")
    return np.asarray(layer, np.float32) / 255


def ocr(image: np.ndarray) -> str:
    return pytesseract.image_to_string(image, lang="vie")


def skew_of(image: np.ndarray) -> float:
    """The skew clean_page would undo on an already cleaned page."""
    return clean_page(image, DPI, CleanOptions(orientation=False)).skew


def test_red_seal_and_blue_signature_go_and_the_black_text_under_them_stays():
    lines = wrap(PARAGRAPH)
    rgb, text = render(lines, height=900)  # text on top, blank paper below
    bottom = int(np.flatnonzero(text.any(axis=1)).max())
    seal = seal_alpha(text.shape, (1000, bottom - 40), 260)  # over the last lines and the paper below
    signature = np.maximum(
        signature_alpha(text.shape, (100, bottom - 150)),  # across text, clear of the seal
        signature_alpha(text.shape, (700, bottom + 160)),  # across the seal's ring, on paper
    )
    stamped = stamp(stamp(rgb, seal, SEAL_RED), signature, PEN_BLUE)

    result = clean_page(stamped, DPI)
    out = result.image
    assert out.shape == text.shape and (result.rotation, result.skew, result.scale) == (0, 0.0, 1.0)

    near_text = cv2.dilate(text.astype(np.uint8), np.ones((5, 5))).astype(bool)
    inked_paper = ((seal > 0.5) | (signature > 0.5)) & ~near_text
    crossings = (seal > 0.5) & (signature > 0.5) & ~near_text
    assert crossings.sum() > 100
    assert np.mean(out[inked_paper] > 200) > 0.99, "seal and signature strokes on paper are whited out"
    assert np.mean(out[crossings] > 200) > 0.9, "where blue crosses red the inks multiply to black; gone too"
    stroke_cores = cv2.erode(text.astype(np.uint8), np.ones((3, 3))).astype(bool)  # without anti-aliased rims
    text_under_ink = stroke_cores & ((seal > 0.5) | (signature > 0.5))
    assert text_under_ink.sum() > 1000
    assert np.mean(out[text_under_ink] < 128) > 0.99, "black text under seal and signature keeps its pixels"

    reference = " ".join(lines)
    assert cer(reference, ocr(out)) < 0.01
    assert cer(reference, ocr(out)) < cer(reference, ocr(stamped))


@pytest.mark.parametrize("angle", [3.5, -3.5])
def test_skewed_page_is_straightened_to_within_a_third_of_a_degree(angle):
    rgb, _ = render(wrap(PARAGRAPH * 3), height=2600)
    # PIL turns counter-clockwise for a positive angle; clean_page reports clockwise skew.
    tilted = np.asarray(Image.fromarray(rgb).rotate(angle, resample=Image.BICUBIC, fillcolor="white"))

    result = clean_page(tilted, DPI)

    assert result.rotation == 0
    assert abs(result.skew + angle) <= 0.3
    assert abs(skew_of(result.image)) <= 0.3


def test_slight_skew_is_left_to_tesseract_and_read_as_well_as_straight_text():
    lines = wrap(PARAGRAPH * 3)
    rgb, _ = render(lines, height=2600)
    tilted = np.asarray(Image.fromarray(rgb).rotate(1.5, resample=Image.BICUBIC, fillcolor="white"))

    result = clean_page(tilted, DPI)

    assert result.skew == 0.0
    assert np.array_equal(result.image, cv2.cvtColor(tilted, cv2.COLOR_RGB2GRAY))
    assert cer(" ".join(lines), ocr(result.image)) < 0.01


def test_upside_down_page_is_detected_and_turned():
    lines = wrap(PARAGRAPH * 3)
    rgb, _ = render(lines, height=2600)

    result = clean_page(cv2.rotate(rgb, cv2.ROTATE_180), DPI)

    assert result.rotation == 180
    assert cer(" ".join(lines), ocr(result.image)) < 0.02


@pytest.mark.parametrize("turn, code", [(90, cv2.ROTATE_90_CLOCKWISE), (270, cv2.ROTATE_90_COUNTERCLOCKWISE)])
def test_sideways_page_is_turned_upright_from_its_line_profiles_alone(turn, code):
    rgb, _ = render(wrap(PARAGRAPH * 3), height=2600)
    result = clean_page(cv2.rotate(rgb, code), DPI, CleanOptions(osd=False))
    assert result.rotation == turn
    assert result.image.shape == rgb.shape[:2]


def test_upright_page_does_not_pay_for_tesseract_osd(monkeypatch):
    rgb, _ = render(wrap(PARAGRAPH * 3), height=2600)

    def no_osd(*args, **kwargs):
        raise AssertionError("OSD must stay off the path of an upright page")

    monkeypatch.setattr(pytesseract, "image_to_osd", no_osd)
    assert clean_page(rgb, DPI).rotation == 0


def test_noisy_low_dpi_scan_reads_far_better_after_clean_up():
    page = make_scan(SHORT_CONCLUSION, "heavy", seed=3).pages[0]
    rgb = np.asarray(page.image)
    assert page.dpi < 300

    result = clean_page(rgb, page.dpi)

    assert result.scale == pytest.approx(300 / page.dpi)
    assert result.image.shape == (round(rgb.shape[0] * result.scale), round(rgb.shape[1] * result.scale))
    bare, cleaned = cer(page.ground_truth, ocr(page.image)), cer(page.ground_truth, ocr(result.image))
    assert cleaned < 0.05
    assert cleaned < bare / 3


def test_jpeg_speckled_page_loses_its_specks():
    rgb, _ = render(wrap(PARAGRAPH))
    rng = np.random.default_rng(1)
    specks = rng.random(rgb.shape[:2]) < 0.003
    speckled = rgb.copy()
    speckled[specks] = 20
    buffer = io.BytesIO()
    Image.fromarray(speckled).save(buffer, "JPEG", quality=60)
    scan = np.asarray(Image.open(buffer))

    out = clean_page(scan, DPI).image

    # Specks right next to letters are kept on purpose: they may be tone marks.
    lonely = specks & ~cv2.dilate((rgb[..., 0] < 128).astype(np.uint8), np.ones((17, 17))).astype(bool)
    assert np.mean(out[lonely] > 200) > 0.95


def test_clean_page_passes_through_quickly_and_untouched():
    lines = wrap(PARAGRAPH * 8)
    rgb, _ = render(lines, width=2480, height=3508)  # A4 at 300 dpi
    clean_page(rgb, DPI)  # warm-up: first calls load OpenCV kernels

    runs = []
    for _ in range(3):
        start = time.perf_counter()
        result = clean_page(rgb, DPI)
        runs.append(time.perf_counter() - start)
    start = time.perf_counter()
    text = ocr(result.image)
    tesseract = time.perf_counter() - start

    assert (result.rotation, result.skew, result.scale) == (0, 0.0, 1.0)
    assert np.array_equal(result.image, cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    assert min(runs) < 0.1 * tesseract
    assert cer(" ".join(lines), text) < 0.01


def test_grey_input_is_not_modified():
    rgb, _ = render(wrap(PARAGRAPH))
    grey = cv2.rotate(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), cv2.ROTATE_180)
    before = grey.copy()
    result = clean_page(grey, DPI, CleanOptions(osd=False))
    assert np.array_equal(grey, before)
    assert result.rotation == 180


def test_a_printed_rule_leaves_no_faint_line_to_read():
    # the rule under the issuer and the motto: its blurred edges, left on the page, read as "m" or "_"
    rgb, _ = render(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "", "Độc lập - Tự do - Hạnh phúc"], height=400)
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    cv2.line(grey, (300, 200), (1300, 200), 0, 4)
    grey = cv2.GaussianBlur(grey, (0, 0), 1.2)
    cleaned = clean_page(np.repeat(grey[..., None], 3, axis=2), DPI).image
    band = cleaned[190:211, 300:1301]
    assert int(band.min()) > 200, "the rule's edges are still on the page"
    assert "_" not in ocr(cleaned)
