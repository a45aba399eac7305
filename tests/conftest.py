"""Shared fixtures: real input files of every kind, made with the scan simulator and reportlab."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
LIBERATION_SERIF = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

SHORT_CONCLUSION = """ỦY BAN NHÂN DÂN
TỈNH TUYÊN QUANG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 45/TB-UBND
Tuyên Quang, ngày 12 tháng 4 năm 2024
THÔNG BÁO
Kết luận của Chủ tịch Ủy ban nhân dân tỉnh tại buổi làm việc với huyện Sơn Dương
Ngày 10/4/2024, Chủ tịch Ủy ban nhân dân tỉnh làm việc với huyện Sơn Dương về xây dựng nông thôn mới.
Giao Sở Nông nghiệp và Phát triển nông thôn chủ trì, phối hợp với Sở Tài chính hướng dẫn huyện hoàn thành hồ sơ trước ngày 30/6/2024.
Nơi nhận:
- Như trên;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn Sơn
"""


def shared_or_skip() -> Path:
    if not (SHARED / "docs").is_dir():
        pytest.skip(f"{SHARED}/docs not found: the shared documents sit beside the checkout in CI")
    return SHARED


def make_scan(text: str, degradation: str = "clean", seed: int = 0):
    from pipeline.simulate import simulate

    return simulate(text, degradation, seed=seed)


def make_born_digital_pdf(path: Path, lines: list[str]) -> None:
    """A born-digital PDF with a real text layer in a font that has Vietnamese glyphs."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("LiberationSerif", str(LIBERATION_SERIF)))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("LiberationSerif", 13)
    y = A4[1] - 72
    for line in lines:
        pdf.drawString(72, y, line)
        y -= 20
    pdf.showPage()
    pdf.save()
