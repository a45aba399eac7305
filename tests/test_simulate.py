"""Scan simulator: parsing, layout ground truth, determinism, output files, one real OCR check."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from pipeline.simulate import (
    PRESETS,
    Degradation,
    parse_official_text,
    read_text_file,
    save_pdf,
    save_tiff,
    simulate,
)
from pipeline.simulate.__main__ import main as cli_main
from pipeline.simulate.parse import RULE_RE, clean_line

SHARED_DOCS = Path(__file__).resolve().parents[1].parent / "shared" / "docs"

# A typed conclusion in the reflowed form the team's texts use (invented content).
SHORT_TEXT = """TỈNH ỦY TUYÊN QUANG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 1534-KL/TU Tuyên Quang, ngày 20 tháng 3 năm 2024
KẾT LUẬN
CỦA BAN THƯỜNG VỤ TỈNH ỦY
về tình hình triển khai đề án xây dựng nông thôn mới
Ngày 19/3/2024, Ban Thường vụ Tỉnh ủy họp đánh giá tình hình triển khai, thực hiện đề án xây dựng nông thôn mới giai đoạn 2023 - 2025. Sau khi nghe báo cáo và ý kiến thảo luận tại cuộc họp, Ban Thường vụ Tỉnh ủy kết luận như sau:
1. Các cấp ủy, chính quyền tiếp tục tập trung lãnh đạo, chỉ đạo thực hiện có hiệu quả các mục tiêu của đề án; hoàn thành các tiêu chí còn lại trước ngày 30/6/2024.
2. Giao Ủy ban nhân dân tỉnh chỉ đạo các sở, ngành bố trí nguồn vốn, hướng dẫn xã hoàn thiện hồ sơ công nhận đạt chuẩn, báo cáo kết quả trước ngày 15/12/2024.
Nơi nhận: - Các đồng chí Ủy viên Ban Thường vụ Tỉnh ủy; - Ban cán sự đảng UBND tỉnh; - Lưu Văn phòng Tỉnh ủy.
T/M BAN THƯỜNG VỤ PHÓ BÍ THƯ THƯỜNG TRỰC
Lê Thị Kim Dung
"""


def chars(strings) -> Counter:
    return Counter(ch for s in strings for ch in s if not ch.isspace())


def field_strings(doc) -> list[str]:
    out: list[str] = []
    for value in dataclasses.asdict(doc).values():
        out += value if isinstance(value, list) else [value]
    return out


def test_parse_reflowed_header_and_closing():
    doc = parse_official_text(SHORT_TEXT)
    assert doc.issuer == ["TỈNH ỦY TUYÊN QUANG"]
    assert doc.motto == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert doc.number == "Số: 1534-KL/TU"
    assert doc.place_date == "Tuyên Quang, ngày 20 tháng 3 năm 2024"
    assert doc.doc_type == "KẾT LUẬN"
    assert doc.title == ["CỦA BAN THƯỜNG VỤ TỈNH ỦY", "về tình hình triển khai đề án xây dựng nông thôn mới"]
    assert len(doc.body) == 3 and doc.body[0].startswith("Ngày 19/3/2024")
    assert doc.recipients == ["Nơi nhận:", "- Các đồng chí Ủy viên Ban Thường vụ Tỉnh ủy;",
                              "- Ban cán sự đảng UBND tỉnh;", "- Lưu Văn phòng Tỉnh ủy."]
    assert doc.signature == ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ THƯỜNG TRỰC", "Lê Thị Kim Dung"]
    assert doc.appendix == []


def test_parse_signature_without_recipients_and_unknown_text_in_body():
    doc = parse_official_text("Một đoạn văn bản không có phần đầu.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn An")
    assert doc.issuer == [] and doc.doc_type == ""
    assert doc.body == ["Một đoạn văn bản không có phần đầu."]
    assert doc.signature == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An"]


def test_parse_shared_docs_keep_all_text():
    if not SHARED_DOCS.is_dir():
        pytest.skip(f"shared documents not found at {SHARED_DOCS}")
    paths = sorted(SHARED_DOCS.glob("*.txt"))
    assert paths
    for path in paths:
        text = read_text_file(path)
        assert not text.startswith("#")
        doc = parse_official_text(text)
        source = chars(ln for ln in map(clean_line, text.splitlines()) if not RULE_RE.match(ln))
        assert chars(field_strings(doc)) == source, path.name
        assert doc.body, path.name


def test_ground_truth_is_the_drawn_lines_in_reading_order():
    scan = simulate(SHORT_TEXT, Degradation(dpi=100))
    assert len(scan.pages) == 1
    lines = scan.pages[0].ground_truth.split("\n")
    # Issuer and motto share rows, as Tesseract reads a two-column header.
    assert lines[:6] == ["TỈNH ỦY TUYÊN QUANG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                         "Số: 1534-KL/TU", "Tuyên Quang, ngày 20 tháng 3 năm 2024", "KẾT LUẬN"]
    assert lines[-1] == "Lê Thị Kim Dung"
    assert "PHÓ BÍ THƯ THƯỜNG TRỰC" in lines and "Nơi nhận:" in lines
    # Every word of the text is drawn once; the seal's ring text is not ground truth.
    drawn = " ".join(lines).split()
    assert Counter(drawn) == Counter(" ".join(field_strings(parse_official_text(SHORT_TEXT))).split())


def test_same_seed_same_scan_other_seed_differs():
    a = simulate(SHORT_TEXT, dataclasses.replace(PRESETS["heavy"], dpi=100), seed=3)
    b = simulate(SHORT_TEXT, dataclasses.replace(PRESETS["heavy"], dpi=100), seed=3)
    c = simulate(SHORT_TEXT, dataclasses.replace(PRESETS["heavy"], dpi=100), seed=4)
    assert a.ground_truth == b.ground_truth
    assert [p.image.tobytes() for p in a.pages] == [p.image.tobytes() for p in b.pages]
    assert a.pages[0].jpeg == b.pages[0].jpeg
    assert a.pages[0].image.tobytes() != c.pages[0].image.tobytes()


def test_page_count_grows_with_text_length():
    doc = parse_official_text(SHORT_TEXT)
    counts = []
    for repeat in (1, 8, 20):
        longer = dataclasses.replace(doc, body=doc.body * repeat)
        scan = simulate(longer, Degradation(dpi=72))
        counts.append(len(scan.pages))
        assert scan.ground_truth.count("\f") == len(scan.pages) - 1
    assert counts[0] == 1 and counts[0] < counts[1] < counts[2]


def test_pages_are_a4_rgb_at_the_preset_dpi():
    for name, d in PRESETS.items():
        page = simulate(SHORT_TEXT, d).pages[0]
        assert page.dpi == d.dpi and page.image.mode == "RGB", name
        assert page.image.size == (round(210 * d.dpi / 25.4), round(297 * d.dpi / 25.4)), name
        assert (page.jpeg is not None) == (d.jpeg_quality is not None), name


def test_bold_preset_thickens_the_strokes_of_the_same_page():
    import numpy as np

    clean = np.asarray(simulate(SHORT_TEXT, "clean", seed=2).pages[0].image.convert("L"))
    bold = np.asarray(simulate(SHORT_TEXT, "bold", seed=2).pages[0].image.convert("L"))
    ink_clean, ink_bold = (clean < 128).sum(), (bold < 128).sum()
    # one pixel more on each side of every stroke: far more ink, the same text in the same place
    assert ink_bold > 1.5 * ink_clean
    assert (bold <= clean).all()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
def test_pdf_round_trip(tmp_path):
    from pdf2image import convert_from_path
    from pypdf import PdfReader

    doc = parse_official_text(SHORT_TEXT)
    doc = dataclasses.replace(doc, body=doc.body * 8)
    for d, image_filter in ((Degradation(dpi=100), "/FlateDecode"), (Degradation(dpi=100, jpeg_quality=60), "/DCTDecode")):
        scan = simulate(doc, d, seed=1)
        path = tmp_path / "scan.pdf"
        save_pdf(scan, path)
        images = convert_from_path(path, dpi=d.dpi)
        assert len(images) == len(scan.pages) > 1
        for image, page in zip(images, scan.pages):
            assert abs(image.size[0] - page.image.size[0]) <= 1 and abs(image.size[1] - page.image.size[1]) <= 1
        xobject = PdfReader(path).pages[0]["/Resources"]["/XObject"]["/Im0"].get_object()
        assert xobject["/Filter"] == image_filter
        if image_filter == "/DCTDecode":  # the scanner's JPEG bytes, not a re-encoding
            assert xobject.get_data() == scan.pages[0].jpeg
        else:  # lossless
            assert xobject.get_data() == scan.pages[0].image.tobytes()
    assert [p.name for p in tmp_path.iterdir()] == ["scan.pdf"]  # no temporary files left


def test_tiff_and_cli(tmp_path):
    src = tmp_path / "doc.txt"
    src.write_text("# source: test\n# doc: 1534-KL/TU | type: KL | date: ?\n# license: test\n" + SHORT_TEXT,
                   encoding="utf-8")
    assert cli_main([str(src), "--degradation", "clean", "--seed", "1", "--out", str(tmp_path / "scan.tif"),
                     "--gt", str(tmp_path / "scan.gt.txt")]) == 0
    with Image.open(tmp_path / "scan.tif") as tif:
        assert tif.n_frames == 1 and round(tif.info["dpi"][0]) == 300
    gt = (tmp_path / "scan.gt.txt").read_text(encoding="utf-8")
    assert gt.startswith("TỈNH ỦY TUYÊN QUANG\n") and "# source" not in gt
    scan = simulate(read_text_file(src), "clean", seed=1)
    assert gt == scan.ground_truth + "\n"
    save_tiff(scan, tmp_path / "again.tif")
    assert (tmp_path / "again.tif").read_bytes() == (tmp_path / "scan.tif").read_bytes()


def test_clean_page_reads_back_with_tesseract():
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
    if "vie" not in langs:
        pytest.skip("tesseract has no 'vie' model")
    import pytesseract
    from rapidfuzz.distance import Levenshtein

    doc = parse_official_text(SHORT_TEXT)
    doc = dataclasses.replace(doc, recipients=[], signature=[])  # no seal: measure the text itself
    page = simulate(doc, "clean").pages[0]
    hypothesis = " ".join(pytesseract.image_to_string(page.image, lang="vie").split())
    reference = " ".join(page.ground_truth.split())
    assert Levenshtein.distance(reference, hypothesis) / len(reference) < 0.01
