"""Paragraphs from OCR lines: indents, page breaks, page numbers, specks and misread markers."""

from __future__ import annotations

import pytest

from pipeline.extract import Extractor
from pipeline.extract.layout import MARKER_RE, flowed, paragraphs, roman_label
from pipeline.model import Document, Line, Page, Word

BODY, INDENT = 354, 504  # left edges at 300 dpi: the body and a 12.7 mm first-line indent
PITCH = 70


def _line(x: int, y: int, text: str) -> Line:
    """Words about 20 px a character; "·" stands for a speck of noise that Tesseract read as ":"."""
    words = []
    for token in text.split():
        if token == "·":
            words.append(Word(":", 0.0, (x + 900, y + 40, 2, 2)))
            continue
        words.append(Word(token, 95.0, (x, y, 20 * len(token), 50)))
        x += 20 * len(token) + 18
    return Line(words, (words[0].box[0], y, x - words[0].box[0], 50))


def _scan(*pages: list[tuple[int, str]]) -> Document:
    doc = Document(doc_id="s", source_path="s.pdf", sha256="", text_source="ocr")
    for number, rows in enumerate(pages, 1):
        lines = [_line(x, 250 + PITCH * k, text) for k, (x, text) in enumerate(rows)]
        doc.pages.append(Page(number=number, width=2480, height=3508, dpi=300, lines=lines))
    doc.assemble_text()
    return doc


def _texts(doc: Document) -> list[str]:
    return [" ".join(flowed(doc.text[p.start:p.end]).split()) for p in paragraphs(doc)]


def test_paragraphs_carry_over_page_breaks_and_skip_page_numbers():
    doc = _scan(
        [(INDENT, "1. Bộ Tài chính chủ trì, phối hợp với Bộ Xây dựng hoàn thiện hồ sơ, báo"),
         (BODY, "cáo Thủ tướng Chính phủ kết quả thực hiện trong tháng 11 năm 2025; đồng thời")],
        [(1200, "2"),
         (BODY, "rà soát các dự án còn vướng mắc."),
         (INDENT, "2. Bộ Y tế theo dõi, đôn đốc việc thực hiện.")])
    assert _texts(doc) == [
        "1. Bộ Tài chính chủ trì, phối hợp với Bộ Xây dựng hoàn thiện hồ sơ, báo cáo Thủ tướng Chính phủ kết quả "
        "thực hiện trong tháng 11 năm 2025; đồng thời rà soát các dự án còn vướng mắc.",
        "2. Bộ Y tế theo dõi, đôn đốc việc thực hiện."]


def test_indents_are_measured_from_a_leaning_margin():
    """The clean stage shears skewed lines straight, which leaves the margin leaning: 1.5 degrees, 80 px a page."""
    rows = [(x - round(0.026 * PITCH * k), f"Câu {k} của đoạn văn bản." if k % 5 == 4 else f"dòng {k} của đoạn")
            for k, x in enumerate([INDENT, BODY, BODY, BODY, BODY] * 9)]
    assert len(_texts(_scan(rows))) == 9


def test_a_finished_sentence_at_the_foot_of_a_page_ends_its_paragraph():
    doc = _scan([(INDENT, "Văn phòng Chính phủ thông báo để các cơ quan biết, thực hiện./.")],
                [(BODY, "Nơi nhận:"), (BODY, "- Như trên;")])
    assert _texts(doc) == ["Văn phòng Chính phủ thông báo để các cơ quan biết, thực hiện./.", "Nơi nhận:",
                           "- Như trên;"]


def test_specks_neither_open_nor_close_paragraphs():
    doc = _scan([(INDENT, "II. NHIỆM VỤ ·"),
                 (INDENT, "d) Tổng hợp tình hình, báo cáo Ủy ban nhân dân tỉnh hằng tháng (trước ngày"),
                 (BODY, "25); tổng kết công tác năm 2025, trình trước ngày 15/10/2025."),
                 (INDENT, ".a) Khẩn trương rà soát, chuẩn hóa kết quả giải quyết thủ tục hành chính.")])
    doc.pages[0].lines[2].words.insert(0, Word("-", 76.0, (BODY - 20, 250 + 2 * PITCH + 48, 2, 2)))
    doc.assemble_text()
    assert _texts(doc) == [
        "II. NHIỆM VỤ",
        "d) Tổng hợp tình hình, báo cáo Ủy ban nhân dân tỉnh hằng tháng (trước ngày - 25); tổng kết công tác "
        "năm 2025, trình trước ngày 15/10/2025.",
        "a) Khẩn trương rà soát, chuẩn hóa kết quả giải quyết thủ tục hành chính."]


@pytest.mark.parametrize("line, marker", [
    ("H. NHIỆM VỤ", "H. "), ("II NHIỆM VỤ", "II "), ("2- Giao Sở Tài chính", "2- "), ("C) Hoàn thành", "C) "),
    ("——~ Cơ quan thực hiện:", "——~ "), ("1.700 km đường bộ ven biển", None), ("57-NQ/TW ngày 22", None),
    ("H. Nguyễn Văn An", None), ("4, Nâng cao năng lực", "4, "), ("2024, Ủy ban nhân dân tỉnh", None),
    ("4, 5 và 6 tháng", None),
])
def test_markers_as_tesseract_reads_them(line, marker):
    m = MARKER_RE.match(line)
    assert (m.group(0) if m else None) == marker


@pytest.mark.parametrize("read, previous, numeral", [
    ("II", "I", "II"), ("H", "I", "II"), ("HI", "II", "III"), ("IL", None, "I"), ("v", "IV", "V"),
])
def test_misread_roman_numerals_follow_the_previous_section(read, previous, numeral):
    assert roman_label(read, previous) == numeral


def test_scanned_items_read_like_their_text():
    """Misread section numerals, wrapped names and a deadline across a page break and its page number."""
    doc = _scan(
        [(INDENT, "I. ĐÁNH GIÁ CHUNG"),
         (INDENT, "Năm 2025, tỉnh đã hoàn thành 18/30 xã đạt chuẩn nông thôn mới."),
         (INDENT, "H. NHIỆM VỤ"),
         (INDENT, "1. Sở Y tế chủ trì, phối hợp với Sở Tài"),
         (BODY, "chính rà soát danh mục thuốc, báo cáo Ủy ban nhân dân tỉnh trước ngày 15")],
        [(1200, "- 2 -"), (BODY, "tháng 11 năm 2025.")])
    Extractor().extract(doc)
    (task,) = doc.tasks
    assert task.item_path == "II.1"
    assert task.lead_agencies == ["Sở Y tế"]
    assert {(a.name, a.role) for a in task.agencies} >= {("Sở Tài chính", "cooperate")}
    assert task.deadline == "2025-11-15"
    assert doc.text[task.start:task.end] == task.text
