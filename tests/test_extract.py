"""Extraction: deadlines, figures, agencies and roles, tasks with inherited leads, and the tables."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from pipeline.batch import run_batch
from pipeline.config import Config
from pipeline.extract import Extractor
from pipeline.extract.lexicon import load_lexicon
from pipeline.extract.metrics import MetricFinder
from pipeline.extract.temporal import TemporalNormaliser
from pipeline.model import Document
from pipeline.render import text_page

from .conftest import REPO, SHORT_CONCLUSION

DOC_DATE = date(2024, 3, 20)


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


def _doc(text: str) -> Document:
    doc = Document(doc_id="t", source_path="t.txt", sha256="", text_source="text_file")
    doc.pages = [text_page(text)]
    doc.assemble_text()
    return doc


def _plan(number: int, body: str) -> Document:
    """A plan of the invented province Lam Giang: its header, then ``body``."""
    return _doc(f"ỦY BAN NHÂN DÂN TỈNH LAM GIANG\nSố: {number}/KH-UBND\n"
                f"Lam Giang, ngày 20 tháng 11 năm 2025\nKẾ HOẠCH\n{body}")


def _cong_dien(number: int, body: str) -> Document:
    """A Prime Minister's Công điện: its header, then ``body``."""
    return _doc(f"THỦ TƯỚNG CHÍNH PHỦ\nSố: {number}/CĐ-TTg\nHà Nội, ngày 20 tháng 11 năm 2025\nCÔNG ĐIỆN\n{body}")


def _pm_notice(number: int, body: str) -> Document:
    """A Government Office notice of the Prime Minister's conclusions, at its section of tasks, then ``body``."""
    return _doc(f"VĂN PHÒNG CHÍNH PHỦ\nSố: {number}/TB-VPCP\nHà Nội, ngày 20 tháng 11 năm 2025\nTHÔNG BÁO\n"
                f"Kết luận của Thủ tướng Chính phủ\nII. NHIỆM VỤ THỜI GIAN TỚI\n{body}")


def _task_leads(extractor, doc: Document) -> list[tuple[str, list[str]]]:
    extractor.extract(doc)
    return [(t.item_path, t.lead_agencies) for t in doc.tasks]


@pytest.mark.parametrize("phrase, kind, start, end, granularity", [
    ("trước ngày 05/4/2024", "by", None, "2024-04-05", "day"),
    ("hoàn thành trước ngày 15 tháng 12 năm 2025", "by", None, "2025-12-15", "day"),
    ("hết quý II năm 2025", "by", None, "2025-06-30", "quarter"),
    ("trong quý 1/2025", "within", "2025-01-01", "2025-03-31", "quarter"),
    ("trong tháng 9/2024", "within", "2024-09-01", "2024-09-30", "month"),
    ("ngay trong tháng 4/2024", "within", "2024-04-01", "2024-04-30", "month"),
    ("trong năm 2024", "within", "2024-01-01", "2024-12-31", "year"),
    ("trong 6 tháng đầu năm 2025", "within", "2025-01-01", "2025-06-30", "half"),
    ("từ nay đến hết năm 2025", "from_to", "2024-03-20", "2025-12-31", "year"),
    ("giai đoạn 2026-2030", "from_to", "2026-01-01", "2030-12-31", "year"),
    ("định kỳ hằng tháng", "recurring", None, None, "month"),
    ("trước ngày 15/12", "by", None, "2024-12-15", "day"),  # no year: the document's
    ("trước ngày 10/01", "by", None, "2025-01-10", "day"),  # already past: the next year
    ("trước 17 giờ ngày 28/10/2024", "by", None, "2024-10-28", "day"),
    ("trước Tết Nguyên đán Bính Ngọ 2026", "by", None, "2026-02-17", "day"),  # a lunar year by its name and year
    ("trước Tết Nguyên đán", "by", None, "2025-01-29", "day"),  # the next one after the document's date
    ("trong năm tới", "within", "2025-01-01", "2025-12-31", "year"),  # the year after the document's
    ("trong thời gian còn lại của năm 2024", "within", "2024-01-01", "2024-12-31", "year"),
    ("không muộn hơn ngày 15/4/2024", "by", None, "2024-04-15", "day"),
    ("trong thời hạn 10 ngày", "by", None, "2024-03-30", "day"),  # counted from the document date
    ("trong năm nay", "within", "2024-01-01", "2024-12-31", "year"),
    ("ngay trong tuần này", "within", "2024-03-18", "2024-03-24", "week"),  # the document's week, Monday to Sunday
    ("hoàn thành trong tuần tới", "within", "2024-03-25", "2024-03-31", "week"),  # the week after it
    ("báo cáo trong tháng sau", "within", "2024-04-01", "2024-04-30", "month"),
    ("trong quý tới", "within", "2024-04-01", "2024-06-30", "quarter"),
    ("trong tháng này", "within", "2024-03-01", "2024-03-31", "month"),
    ("trong 06 tháng đầu năm 2025", "within", "2025-01-01", "2025-06-30", "half"),
    ("xong trước ngày 31.12.2024", "by", None, "2024-12-31", "day"),
    ("hoàn thành năm 2025", "within", "2025-01-01", "2025-12-31", "year"),
    # working days skip weekends: 20 March 2024 is a Wednesday, the 15th working day after it 10 April
    ("trong thời hạn 15 (mười lăm) ngày làm việc", "by", None, "2024-04-10", "day"),
    ("từ ngày 08 đến ngày 10 tháng 12 năm 2025", "from_to", "2025-12-08", "2025-12-10", "day"),
    ("từ năm 2026 - 2030", "from_to", "2026-01-01", "2030-12-31", "year"),
])
def test_deadlines_are_normalised(phrase, kind, start, end, granularity):
    found = TemporalNormaliser(load_lexicon()).find(f"Các đơn vị thực hiện {phrase}.", DOC_DATE)
    assert [(d.kind, d.start, d.end, d.granularity) for d in found] == [(kind, start, end, granularity)]
    assert found[0].text.endswith(phrase.split()[-1])


@pytest.mark.parametrize("text", ["Chương trình mục tiêu quốc gia giai đoạn 2021-2025",
                                  "dự toán năm 2025", "Nghị quyết số 57-NQ/TW ngày 22/12/2024",
                                  "trong khi thời gian còn lại của năm 2025 chỉ khoảng 2 tháng",
                                  "trong các năm tới"])
def test_times_in_names_are_not_deadlines(text):
    assert TemporalNormaliser(load_lexicon()).find(text, DOC_DATE) == []


def test_figures_in_vietnamese_number_format():
    finder = MetricFinder(load_lexicon())
    got = [(f.value, f.total, f.unit, f.percent) for f in finder.find(
        "hoàn thành 18/30 xã đạt chuẩn, đạt 60%; bình quân 17,03 tiêu chí/xã; thu 13.966 tỷ đồng, "
        "đạt 104,24% dự toán; tăng 6,9%")]
    assert got == [(18, 30, "xã", None), (60, None, "%", 60), (17.03, None, "tiêu chí/xã", None),
                   (13966, None, "tỷ đồng", None), (104.24, None, "%", 104.24), (6.9, None, "%", 6.9)]
    # references and dates are not figures
    assert finder.find("chỉ tiêu 8.9 và Tiêu chí số 2 theo Quyết định số 211/QĐ-TTg ngày 18/3/2024") == []


def test_figures_counted_nouns_ranges_and_slogans():
    finder = MetricFinder(load_lexicon())
    got = [(f.value, f.total, f.unit) for f in finder.find(
        "đã có 15 bộ, ngành, 25 địa phương gửi đăng ký; tổng số TTHC cắt giảm là 3.071 TTHC/4.888 TTHC; "
        "lượng mưa phổ biến 250-400 mm; tăng trưởng từ 8,3 - 8,5%; đoạn kết nối 1,9km vào cảng; "
        "các dự án thuộc danh mục 3.000 km cao tốc; Quảng Trị (80, 68%)")]
    assert got == [(15, None, "bộ, ngành"), (25, None, "địa phương"), (3071, 4888, "tthc"), (250, None, "mm"),
                   (8.3, None, "%"), (1.9, None, "km"), (3000, None, "km"), (80.68, None, "%")]
    # slogans in quotation marks, row numbers before names and spans of years are not figures
    assert finder.find("làm việc “3 ca, 4 kíp”; 1 Bộ Công an 0 54; giai đoạn 2021-2025 xã") == []


def test_a_figure_after_a_time_word_is_read_unless_it_is_a_date():
    # "cả năm 5.817,196 tỷ đồng", "giảm hằng năm 1%", "01 năm: 1.500.000.000 đồng" report figures; "năm 2025 xã"
    # and "tháng 3 xã" are dates before a noun
    finder = MetricFinder(load_lexicon())
    got = [(f.value, f.total, f.unit) for f in finder.find(
        "ước thực hiện cả năm 5.817,196 tỷ đồng/5.937,440 tỷ đồng; tỷ lệ hộ nghèo giảm hằng năm 1%; kinh phí 01 năm: "
        "1.500.000.000 đồng; trong năm 2025 xã đạt chuẩn; đến tháng 3 xã hoàn thành; có 617 HTX với 32.495 thành viên")]
    assert got == [(5817.196, 5937.44, "tỷ đồng"), (1, None, "%"), (1500000000, None, "đồng"), (617, None, "htx"),
                   (32495, None, "thành viên")]


def test_figures_after_the_signature_are_read(extractor):
    doc = _doc("THÔNG BÁO\nKết luận của Chủ tịch\n1. Sở Tài chính chủ trì tổng hợp, báo cáo trước ngày 15/5/2024.\n"
               "Nơi nhận:\n- Như trên;\nCHỦ TỊCH\nNguyễn Văn A\nPHỤ LỤC\nTp Huế 2241 1897 344 2241 99.4%\n"
               "[1] Có 786 TTHC có thành phần hồ sơ thay thế bằng dữ liệu.")
    extractor.extract(doc)
    assert [(m.value, m.unit, m.task_id) for m in doc.metrics] == [(99.4, "%", ""), (786, "tthc", "")]


def test_a_period_opening_a_clause_sets_its_time_unless_past_or_stated():
    normaliser = TemporalNormaliser(load_lexicon())
    found = normaliser.find("Văn phòng theo dõi, đôn đốc; năm 2026 tham mưu sơ kết việc thực hiện.", DOC_DATE)
    assert [(d.text, d.kind, d.end) for d in found] == [("năm 2026", "within", "2026-12-31")]
    assert [d.end for d in normaliser.find("Quý II/2024, hoàn thành việc sắp xếp.", DOC_DATE)] == ["2024-06-30"]
    assert normaliser.find("Năm 2023, toàn tỉnh có 18/30 xã đạt chuẩn.", DOC_DATE) == []  # a report of the past
    assert normaliser.find("Năm 2024 là năm cuối của kế hoạch.", DOC_DATE) == []


def test_a_time_after_a_label_inside_a_paragraph_is_the_deadline_and_a_plan_named_in_passing_is_not():
    normaliser = TemporalNormaliser(load_lexicon())
    found = normaliser.find("Xây dựng cơ sở dữ liệu dân cư; thời gian hoàn thành: quý I/2025.", DOC_DATE)
    assert [(d.kind, d.end, d.granularity) for d in found] == [("by", "2025-03-31", "quarter")]
    assert normaliser.find("Đẩy nhanh các dự án có kế hoạch hoàn thành năm 2024, bảo đảm chất lượng.", DOC_DATE) == []


def test_plan_horizons_and_budget_periods_are_not_deadlines():
    normaliser = TemporalNormaliser(load_lexicon())
    assert normaliser.find("điều chỉnh Quy hoạch mạng lưới đường bộ thời kỳ 2021 - 2030, tầm nhìn đến năm 2050", DOC_DATE) == []
    assert normaliser.find("khả năng cân đối ngân sách trung ương giai đoạn 2026 - 2030", DOC_DATE) == []


def test_parenthesised_items_inherit_their_head_deadline(extractor):
    doc = _doc("KẾ HOẠCH\nvề cải cách\nThực hiện Nghị quyết, Bộ ban hành Kế hoạch.\nI. NHIỆM VỤ\n1. Các Bộ, ngành\n"
               "a) Các Bộ: Tài chính, Y tế khẩn trương khắc phục bất cập, hoàn thành trong tháng 11 năm 2025, cụ thể:\n"
               "(1) Bộ Tài chính hoàn thành tích hợp thanh toán trực tuyến nghĩa vụ tài chính đất đai.\n"
               "(2) Bộ Y tế hoàn thành nâng cấp hệ thống cấp phép hành nghề.\n")
    extractor.extract(doc)
    assert [(t.item_path, t.lead_agencies, t.deadline) for t in doc.tasks] == [
        ("I.1.a.(1)", ["Bộ Tài chính"], "2025-11-30"), ("I.1.a.(2)", ["Bộ Y tế"], "2025-11-30")]


def test_plan_rows_with_field_lines_are_tasks_led_by_their_field(extractor):
    doc = _doc("KẾ HOẠCH\nthi hành Luật\nThực hiện Luật, Ủy ban nhân dân tỉnh ban hành Kế hoạch.\nII. NỘI DUNG KẾ HOẠCH\n"
               "1. Trên cơ sở tài liệu, các cơ quan, đơn vị tổ chức tuyên truyền, phổ biến nội dung Luật.\n"
               "- Cơ quan thực hiện: Sở Tư pháp; Báo và Phát thanh, Truyền hình Lai Châu.\n"
               "- Thời gian thực hiện: Quý IV năm 2025.\n"
               "2. Phối hợp kiểm tra việc thi hành Luật và các văn bản hướng dẫn thi hành Luật\n"
               "- Cơ quan chủ trì: Sở Khoa học và Công nghệ.\n"
               "3. Nghiên cứu giống lúa chịu mặn\n"
               "- Cơ quan chủ trì: Viện Lúa đồng bằng sông Cửu Long.\n"
               "4. Rà soát các văn bản quy phạm pháp luật có liên quan\n"
               "- Cơ quan chủ trì: Theo chức năng, nhiệm vụ được giao.\n")
    extractor.extract(doc)
    # a body the patterns do not know is still the lead its field names; a field that names none gives none
    assert [(t.item_path, t.lead_agencies) for t in doc.tasks] == [
        ("II.1", ["Sở Tư pháp", "Báo và Phát thanh, Truyền hình Lai Châu"]), ("II.2", ["Sở Khoa học và Công nghệ"]),
        ("II.3", ["Viện Lúa đồng bằng sông Cửu Long"]), ("II.4", [])]
    assert doc.tasks[0].deadline == "2025-12-31"


def test_agencies_are_canonical_with_roles(extractor):
    doc = _doc(SHORT_CONCLUSION)
    extractor.extract(doc)
    assert doc.metadata["doc_number"] == "45/TB-UBND"
    assert doc.metadata["issue_date"] == "2024-04-12"
    assert doc.metadata["meeting_date"] == "2024-04-10"
    assert doc.metadata["doc_type"] == "THÔNG BÁO KẾT LUẬN"
    assert doc.metadata["signer_name"] == "Nguyễn Văn Sơn"
    [task] = doc.tasks
    roles = {(a.name, a.role) for a in task.agencies}
    assert ("Sở Nông nghiệp và Phát triển nông thôn", "lead") in roles
    assert ("Sở Tài chính", "cooperate") in roles
    assert task.deadline == "2024-06-30"
    assert doc.text[task.start:task.end] == task.text


def test_bullets_inherit_the_lead_of_their_item_head(extractor):
    text = (REPO / "samples" / "src" / "kl_tinh_uy_nong_thon_moi.txt").read_text(encoding="utf-8")
    doc = _doc(text)
    extractor.extract(doc)
    bullets = [t for t in doc.tasks if t.item_path.startswith("II.1.-")]
    assert len(bullets) >= 3
    assert all(t.lead_agencies == ["Ban cán sự đảng Ủy ban nhân dân tỉnh Tuyên Bình"] for t in bullets[:3])
    assert all(t.lead_inherited for t in bullets[:3])
    # "UBND", "TN&MT" are expanded, and assessment paragraphs are not tasks
    names = {a.name for t in doc.tasks for a in t.agencies}
    assert "Sở Tài nguyên và Môi trường" in names
    assert not any("đạt được" in t.text[:60] for t in doc.tasks)


def test_an_item_number_read_with_a_comma_still_heads_its_items(extractor):
    # legacy OCR reads "4." as "4,"; the lettered items below still belong to item 4 and take its body
    doc = _plan(7, "IV. TỔ CHỨC THỰC HIỆN\n\n3. Sở Tài chính\n\na) Bố trí kinh phí thực hiện Kế hoạch.\n\n"
                   "4, Sở Y tế\n\na) Chủ trì, phối hợp với các sở, ngành liên quan triển khai, đôn đốc, kiểm tra\n"
                   "việc thực hiện Kế hoạch này.\n\nb) Tổng hợp kết quả, báo cáo Ủy ban nhân dân tỉnh.\n")
    assert _task_leads(extractor, doc) == [("IV.3.a", ["Sở Tài chính"]), ("IV.4.a", ["Sở Y tế"]),
                                           ("IV.4.b", ["Sở Y tế"])]


def test_a_short_line_ends_its_paragraph_before_an_item_in_legacy_ocr_text(extractor):
    # restored legacy OCR keeps the scan's lines; no blank line between a short heading and the head below it, which
    # still heads its bullets
    doc = _doc("BAN CHẤP HÀNH TRUNG ƯƠNG\nSố: 191-TB/TW\nHà Nội, ngày 20 tháng 11 năm 2025\nTHÔNG BÁO\n\n"
               "2. Tiếp tục đẩy mạnh công tác tuyên truyền, giáo dục về tác hại của ma túy, bảo đảm\n"
               "thực chất, hiệu quả, phù hợp với từng nhóm đối tượng.\n\n"
               "3. Tổ chức thực hiện\n"
               "a) Đảng ủy Chính phủ lãnh đạo, chỉ đạo Chính phủ:\n\n"
               "- Chỉ đạo các bộ, ngành rà soát, hoàn thiện chính sách hỗ trợ cai nghiện ma túy tại gia\n"
               "đình, cộng đồng; bố trí đủ kinh phí cho các cơ sở cai nghiện công lập.\n\n"
               "- Chỉ đạo tổng kết, đánh giá việc thực hiện các chương trình phòng, chống ma túy giai\n"
               "đoạn 2021 - 2025, đề xuất nhiệm vụ, giải pháp cho giai đoạn tiếp theo.\n")
    leads = dict(_task_leads(extractor, doc))
    bullets = [path for path in leads if path.startswith("3.a.-")]
    assert len(bullets) == 2
    assert all(leads[path] == ["Đảng ủy Chính phủ", "Chính phủ"] for path in bullets), leads


def test_batch_writes_extraction_tables(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "tb.txt").write_text(SHORT_CONCLUSION, encoding="utf-8")
    config = Config(inbox=inbox, out=tmp_path / "out", quiet=True, restore=False)
    assert run_batch(config).exit_code == 0
    tasks = pd.read_csv(config.out / "tasks.csv", encoding="utf-8-sig")
    agencies = pd.read_csv(config.out / "task_agencies.csv", encoding="utf-8-sig")
    deadlines = pd.read_csv(config.out / "deadlines.csv", encoding="utf-8-sig")
    documents = pd.read_csv(config.out / "documents.csv", encoding="utf-8-sig")
    assert list(tasks["lead_agencies"]) == ["Sở Nông nghiệp và Phát triển nông thôn"]
    assert list(tasks["deadline"]) == ["2024-06-30"]
    assert set(agencies["role"]) == {"lead", "cooperate"}
    assert list(deadlines["kind"]) == ["by"]
    assert documents.loc[0, "meeting_date"] == "2024-04-10"
    # the JSON keeps every item with its span, for provenance
    record = json.loads(next((config.out / "json").glob("*.json")).read_text(encoding="utf-8"))
    task = record["tasks"][0]
    assert record["text"][task["start"]:task["end"]] == task["text"] and task["page"] == 1


def test_annotations_point_at_their_sources():
    from pipeline.evaluate.extract import ANNOTATIONS, load_gold
    from pipeline.evaluate.shared import find_shared

    golds, skipped = load_gold(find_shared())
    assert not [s for s in skipped if "changed" in s]
    assert len(list(ANNOTATIONS.glob("*.json"))) >= 12
    for gold in golds:
        assert {"dev", "val", "test"} >= {gold.split}
        for task in gold.tasks:
            s, e = task["span"]
            assert 0 <= s < e <= len(gold.text)


def test_old_style_tones_are_normalised_but_qu_is_an_onset():
    from pipeline.extract.lexicon import normalize_text

    assert normalize_text("Uỷ ban hoà giải quý II, thuỷ lợi") == "Ủy ban hòa giải quý II, thủy lợi"


@pytest.fixture(scope="module")
def nlp():
    from pipeline.extract.nlp import build_nlp

    return build_nlp(classifier_dir=None)


def _leads(nlp, text: str) -> list[str]:
    return [e._.canonical or e.text for e in nlp(text).ents if e._.role == "lead"]


def test_a_lead_cue_names_only_the_agencies_right_after_it(nlp):
    text = "Giao Bộ Nội vụ hoàn thiện Nghị định theo ý kiến thẩm định của Bộ Tư pháp, trình Chính phủ."
    assert _leads(nlp, text) == ["Bộ Nội vụ"]
    # a body directed by the subject is not a lead
    assert _leads(nlp, "a) Bộ Nông nghiệp và Môi trường chỉ đạo Cục Thú y kiểm soát tiến độ.") == [
        "Bộ Nông nghiệp và Môi trường"]


def test_subjects_after_ordinals_and_fronted_clauses_lead(nlp):
    assert _leads(nlp, "Thứ tư, các địa phương cần chủ động tháo gỡ vướng mắc.") == ["các địa phương"]
    assert _leads(nlp, "Sau khi phương án được thông qua, Bộ Tài chính khẩn trương báo cáo.") == ["Bộ Tài chính"]


def test_provinces_as_actors_and_listed_after_a_collective(nlp):
    assert _leads(nlp, "a) Các tỉnh Nghệ An, Quảng Ngãi khẩn trương hoàn thiện Báo cáo.") == [
        "tỉnh Nghệ An", "tỉnh Quảng Ngãi"]
    assert _leads(nlp, "Vừa qua, tại tỉnh Đắk Lắk mưa lớn kéo dài.") == []  # a place, not an actor
    text = "4. Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương: Hà Tĩnh, Huế chủ động ứng phó."
    assert _leads(nlp, text) == ["Ủy ban nhân dân tỉnh Hà Tĩnh", "Ủy ban nhân dân thành phố Huế"]


def test_names_with_lower_case_syllables_and_bare_heads(nlp):
    text = "5. Tập đoàn Bưu chính Viễn thông Việt Nam chủ trì chuẩn bị kết nối. Báo cáo Thủ tướng Chính phủ."
    names = [e.text for e in nlp(text).ents]
    assert "Tập đoàn Bưu chính Viễn thông Việt Nam" in names and "Báo" not in names
    # a purpose name runs through "công trình giao thông" although "trình" and "giao" alone are role cues
    text = "e) Ban Quản lý dự án đầu tư xây dựng các công trình giao thông tỉnh khẩn trương bàn giao mặt bằng."
    assert [e.text for e in nlp(text).ents] == ["Ban Quản lý dự án đầu tư xây dựng các công trình giao thông tỉnh"]


def test_heads_without_colon_and_wrapped_lines(extractor):
    text = SHORT_CONCLUSION.replace(
        "Giao Sở Nông nghiệp và Phát triển nông thôn chủ trì, phối hợp với Sở Tài chính hướng dẫn huyện hoàn thành "
        "hồ sơ trước ngày 30/6/2024.\n",
        "1. Giám đốc các Sở: Tài chính, Xây dựng\n"
        "a) Khẩn trương rà soát, sửa đổi các quy định không phù hợp với việc thực hiện thủ tục hành chính,\n"
        "hoàn thành trong tháng 5/2024.\n"
        "b) Hướng dẫn các huyện hoàn thành hồ sơ đất đai, báo cáo kết quả trước ngày 30/6/2024.\n")
    doc = _doc(text)
    extractor.extract(doc)
    assert [t.lead_agencies for t in doc.tasks] == [["Sở Tài chính", "Sở Xây dựng"]] * 2
    assert all(t.lead_inherited for t in doc.tasks)
    assert doc.tasks[0].text.endswith("trong tháng 5/2024.")  # the wrapped line belongs to item a)
    assert [t.deadline for t in doc.tasks] == ["2024-05-31", "2024-06-30"]


def test_letters_of_the_government_office(extractor):
    # the addressee list is no task; a number belongs to a name; a capitalised verb after a name is not part of it;
    # "thành phố" is the city of the header; a deadline line without its colon dates the bullet above it only
    doc = _doc("ỦY BAN NHÂN DÂN THÀNH PHỐ LAM GIANG\nSố: 412/UBND-ĐT\nLam Giang, ngày 18 tháng 11 năm 2025\n"
               "Kính gửi:\n- Ban Quản lý Dự án 85;\n- Công an thành phố.\n"
               "Thực hiện chỉ đạo của Thủ tướng Chính phủ, Ủy ban nhân dân thành phố có ý kiến như sau:\n"
               "1. Giao Ban Quản lý Dự án 85 Khẩn trương bàn giao mặt bằng cho nhà thầu, báo cáo trước ngày 05/12/2025.\n"
               "2. Công an thành phố:\n- Rà soát dữ liệu cư trú của các hộ dân trên địa bàn.\n"
               "Thời gian hoàn thành trước ngày 31 tháng 12 năm 2025.\n")
    extractor.extract(doc)
    assert [(t.item_path, t.lead_agencies, t.deadline) for t in doc.tasks] == [
        ("1", ["Ban Quản lý Dự án 85"], "2025-12-05"), ("2.-1", ["Công an thành phố Lam Giang"], "2025-12-31")]


def test_plan_bullets_opening_with_a_verb_and_mass_organisations(extractor):
    # a plan's bullets that open with a verb are tasks; a paragraph saying what something "là" is not; the projects
    # "do Bộ Công an chủ trì" are not this task's lead; the province's Youth Union and a bank branch keep their names
    doc = _plan(88,
                "PHÁT TRIỂN KINH TẾ SỐ TỈNH LAM GIANG\n"
                "I. NHIỆM VỤ, GIẢI PHÁP\n"
                "Nhân lực số là yếu tố then chốt, cần được ưu tiên đầu tư, đào tạo trong toàn tỉnh.\n"
                "1. Phát triển hạ tầng số\n"
                "- Phát triển các nền tảng số dùng chung của tỉnh, kết nối với các nền tảng quốc gia.\n"
                "- Ứng dụng trí tuệ nhân tạo trong quản lý đất đai, tài nguyên và môi trường.\n"
                "II. TỔ CHỨC THỰC HIỆN\n"
                "1. Công an tỉnh\n"
                "Tổ chức triển khai các dự án do Bộ Công an chủ trì trên địa bàn tỉnh theo chức năng, nhiệm vụ.\n"
                "2. Tỉnh đoàn\n"
                "Chỉ đạo tổ chức Đoàn các cấp tham gia hỗ trợ người dân sử dụng dịch vụ công trực tuyến.\n"
                "3. Ngân hàng Nhà nước chi nhánh khu vực 14\n"
                "Chỉ đạo các ngân hàng thương mại mở tài khoản cho người dân trên địa bàn.\n"
                "4. Liên minh Hợp tác xã\n"
                "Vận động các hợp tác xã tham gia sàn thương mại điện tử của tỉnh.\n")
    assert _task_leads(extractor, doc) == [
        ("I.1.-1", []), ("I.1.-2", []),
        ("II.¶1", ["Công an tỉnh Lam Giang"]), ("II.¶2", ["Tỉnh đoàn Lam Giang"]),
        ("II.¶3", ["Ngân hàng Nhà nước chi nhánh khu vực 14"]), ("II.¶4", ["Liên minh Hợp tác xã"])]


def test_an_item_naming_only_its_actor_names_it_whole(extractor):
    # the patterns know "các doanh nghiệp", "các tổ chức", "Cục Kinh tế - Quản lý"; an item that only names its
    # actor names all of it, up to its colon or its end, brackets left out; not a speaker's verb, nor a bare
    # "trực thuộc", nor a name the patterns do not know after a comma
    doc = _plan(90,
                "CHUYỂN ĐỔI SỐ TỈNH LAM GIANG\n"
                "I. TỔ CHỨC THỰC HIỆN\n"
                "1. Các doanh nghiệp công nghệ số\n"
                "- Tiếp tục đầu tư phát triển hạ tầng số, nền tảng số dùng chung của tỉnh.\n"
                "2. Đề nghị các doanh nghiệp viễn thông (VNPT, Viettel và doanh nghiệp khác): Bảo đảm thông tin liên "
                "lạc ổn định trong mùa mưa lũ.\n"
                "3. Cục Kinh tế - Quản lý đầu tư xây dựng\n"
                "- Hướng dẫn các chủ đầu tư rà soát công trình đang thi công.\n"
                "4. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội trực thuộc\n"
                "- Vận động hội viên tham gia sử dụng dịch vụ công trực tuyến.\n"
                "5. Sở Y tế, các doanh nghiệp dược, Trường Cao đẳng Y tế Lam Giang\n"
                "- Kết nối dữ liệu khám chữa bệnh với hồ sơ sức khỏe điện tử.\n")
    assert _task_leads(extractor, doc) == [
        ("I.1.-1", ["các doanh nghiệp công nghệ số"]),
        ("I.2", ["các doanh nghiệp viễn thông"]),
        ("I.3.-1", ["Cục Kinh tế - Quản lý đầu tư xây dựng"]),
        ("I.4.-1", ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Lam Giang", "các tổ chức chính trị - xã hội"]),
        ("I.5.-1", ["Sở Y tế", "các doanh nghiệp"])]  # the college is no part of the enterprises' name


def test_a_collective_subject_keeps_its_qualifier_and_named_bodies_their_level(extractor):
    # "Các địa phương ven biển khẩn trương …" is done by the coastal localities, not by every locality; a
    # national steering committee and "… các cấp" are parts of the name; "trên địa bàn", "tham gia" and the
    # bodies a "Chỉ đạo" directs stay out of it
    doc = _cong_dien(95,
                     "Về việc tập trung ứng phó với mưa lũ\n"
                     "1. Các địa phương ven biển khẩn trương rà soát, bố trí lực lượng sẵn sàng sơ tán người dân.\n"
                     "2. Các đơn vị điện lực khẩn trương khôi phục lưới điện tại các khu vực bị ảnh hưởng.\n"
                     "3. Ủy ban nhân dân các cấp chủ động rà soát các khu dân cư có nguy cơ sạt lở.\n"
                     "4. Ban Chỉ đạo quốc gia về phòng thủ dân sự theo dõi sát diễn biến mưa lũ, đôn đốc các bộ, "
                     "ngành.\n"
                     "5. Các ngân hàng thương mại tham gia phối hợp với Bộ Tài chính giãn nợ cho khách hàng bị thiệt "
                     "hại.\n")
    assert _task_leads(extractor, doc) == [
        ("1", ["các địa phương ven biển"]),
        ("2", ["các đơn vị điện lực"]),
        ("3", ["Ủy ban nhân dân các cấp"]),
        ("4", ["Ban Chỉ đạo quốc gia về phòng thủ dân sự"]),
        ("5", ["các ngân hàng thương mại"])]


def test_leaders_named_without_their_bodies_stand_for_all_of_them(extractor):
    # "Bộ trưởng," alone is every minister; "Bí thư Tỉnh ủy, Thành ủy" every provincial Party secretary
    doc = _cong_dien(96,
                     "Về việc cắt giảm thủ tục hành chính\n"
                     "1. Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Bí thư Tỉnh ủy, Thành ủy, Chủ tịch Ủy ban nhân "
                     "dân các tỉnh, thành phố trực thuộc Trung ương dành thời gian chỉ đạo quyết liệt việc cắt giảm "
                     "thủ tục.\n"
                     "2. Bộ trưởng Bộ Tài chính, Bộ trưởng Bộ Xây dựng khẩn trương rà soát các quy định về đầu tư.\n")
    assert _task_leads(extractor, doc) == [
        ("1", ["các bộ", "cơ quan ngang bộ", "các tỉnh ủy, thành ủy",
               "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"]),
        ("2", ["Bộ Tài chính", "Bộ Xây dựng"])]


def test_communes_listed_by_name_and_bodies_a_head_directs(extractor):
    # "Ủy ban nhân dân các xã: A, B" is one committee per commune; under "2. Ủy ban nhân dân các tỉnh: …", a bullet
    # that goes on "…; chỉ đạo Ủy ban nhân dân các xã …" is the provinces' work, not the communes'
    doc = _plan(91,
                "PHÒNG, CHỐNG THIÊN TAI NĂM 2026\n"
                "I. TỔ CHỨC THỰC HIỆN\n"
                "1. Ủy ban nhân dân các xã: Tân Điền, Gia Thuận\n"
                "- Rà soát các hộ dân sống ven sông, lập phương án di dời trước mùa mưa bão.\n"
                "2. Ủy ban nhân dân các tỉnh: Hà Sơn, Kim Giang:\n"
                "a) Tập trung bố trí kinh phí sửa chữa đê điều; chỉ đạo Ủy ban nhân dân các xã ven biển kiểm tra "
                "hệ thống kè chắn sóng.\n")
    assert _task_leads(extractor, doc) == [
        ("I.1.-1", ["Ủy ban nhân dân xã Tân Điền", "Ủy ban nhân dân xã Gia Thuận"]),
        ("I.2.a", ["Ủy ban nhân dân tỉnh Hà Sơn", "Ủy ban nhân dân tỉnh Kim Giang"])]


def test_the_order_to_report_problems_is_a_task_even_in_the_closing(extractor):
    # "Trên đây là Kế hoạch …" closes the plan and orders nothing, but the sentence after it asks the bodies it names
    # to report their problems: a task, led by them
    doc = _plan(92,
                "PHÒNG, CHỐNG MA TÚY NĂM 2026\n"
                "I. TỔ CHỨC THỰC HIỆN\n"
                "1. Công an tỉnh chủ trì, phối hợp với các sở, ngành triển khai Kế hoạch này.\n"
                "Trên đây là Kế hoạch phòng, chống ma túy năm 2026 của tỉnh. Trong quá trình thực hiện nếu có khó "
                "khăn, vướng mắc, các cơ quan, đơn vị, địa phương báo cáo về Công an tỉnh để tổng hợp, giải quyết./.\n")
    extractor.extract(doc)
    assert [t.lead_agencies for t in doc.tasks] == [["Công an tỉnh Lam Giang"], ["các cơ quan, đơn vị, địa phương"]]


def test_a_bare_trực_thuộc_ends_a_collective(nlp):
    assert _leads(nlp, "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội trực thuộc "
                       "tuyên truyền, vận động hội viên.") == \
        ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "các tổ chức chính trị - xã hội"]


@pytest.mark.parametrize("line, place", [
    ("Số: 220/CĐ-TTg Hà Nội, ngày 05 tháng 11 năm 2025", "Hà Nội"),
    ("Số: 11654/VPCP-CN V/v cung ứng vật liệu cho đoạn qua Thái Bình Hà Nội, ngày 27 tháng 11 năm 2025", "Hà Nội"),
    ("Thành phố Hồ Chí Minh, ngày 25 tháng 11 năm 2025", "Thành phố Hồ Chí Minh"),
    ("Na Hang, ngày 20 tháng 3 năm 2024", "Na Hang"),
])
def test_the_place_of_the_date_line(extractor, line, place):
    doc = _doc(f"ỦY BAN NHÂN DÂN TỈNH LAM GIANG\n{line}\nCÔNG ĐIỆN\nVề việc ứng phó với bão\n"
               "1. Giao Sở Xây dựng kiểm tra an toàn các công trình.\n")
    extractor.extract(doc)
    assert (doc.metadata["place"], doc.metadata["issue_date"][:4]) == (place, line[-4:])


def test_letter_metadata_signer_and_issuing_body(extractor):
    # a letter has no type line: its subject after "V/v" is the title; the signer's name is cut from what a web copy
    # glues after it; "TM. ỦY BAN …" opens the signature; of two bodies in the header the lower one issues
    letter = _doc("VĂN PHÒNG CHÍNH PHỦ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
                  "Số: 11654/VPCP-CN V/v cung ứng vật liệu xây dựng đoạn qua Thái Bình Hà Nội, ngày 27 tháng 11 năm 2025\n"
                  "Kính gửi: Ủy ban nhân dân tỉnh Hưng Yên.\n"
                  "Chủ tịch Ủy ban nhân dân tỉnh Hưng Yên khẩn trương làm việc với các địa phương có liên quan.\n"
                  "Nơi nhận:\n- Như trên;\n- Lưu: VT, CN.\nKT. BỘ TRƯỞNG, CHỦ NHIỆM PHÓ CHỦ NHIỆM\n"
                  "Nguyễn Sỹ Hiệp Công văn 11654/VPCP-CN năm 2025 cung ứng vật liệu xây dựng do Văn phòng Chính phủ ban hành\n")
    extractor.extract(letter)
    assert {k: letter.metadata.get(k) for k in ("doc_type", "title", "place", "signer_name", "signer_title")} == {
        "doc_type": "CÔNG VĂN", "title": "cung ứng vật liệu xây dựng đoạn qua Thái Bình", "place": "Hà Nội",
        "signer_name": "Nguyễn Sỹ Hiệp", "signer_title": "KT. BỘ TRƯỞNG, CHỦ NHIỆM PHÓ CHỦ NHIỆM"}
    notice = _doc("TỈNH ỦY BẮC SƠN\nHUYỆN ỦY KIM GIANG\nSố: 12-TB/HU\nKim Giang, ngày 03 tháng 4 năm 2025\n"
                  "THÔNG BÁO\nKết luận của Ban Thường vụ Huyện ủy\n1. Giao Ủy ban nhân dân huyện chỉ đạo các xã hoàn thành.\n"
                  "Nơi nhận:\n- Như trên.\nT/M BAN THƯỜNG VỤ\nBÍ THƯ\nHoàng Văn Ánh\n")
    extractor.extract(notice)
    assert (notice.metadata["issuer"], notice.metadata["signer_title"], notice.metadata["signer_name"]) == (
        "HUYỆN ỦY KIM GIANG", "T/M BAN THƯỜNG VỤ BÍ THƯ", "Hoàng Văn Ánh")


def test_header_of_legacy_ocr_text(extractor):
    # English-model OCR puts the header's two columns side by side, glues the type line to the date line and
    # loses the Đ of the number's type code; restored, that is still a Công điện of the provincial committee
    doc = _doc("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\n"
               "TỈNH BẮC NINH Độc lập - Tự do - Hạnh phúc\n"
               "Số: 09/CD-UBND Bắc Ninh, ngày 20 tháng 11 năm 2025\n"
               "CÔNG ĐIỆN\n\nVỀ VIỆC TẬP TRUNG ỨNG PHÓ VỚI MƯA LŨ\n\n"
               "1. Giao Sở Xây dựng kiểm tra an toàn các công trình.\n")
    extractor.extract(doc)
    assert {k: doc.metadata.get(k) for k in ("doc_type", "title", "issuer", "doc_number", "place")} == {
        "doc_type": "CÔNG ĐIỆN", "title": "VỀ VIỆC TẬP TRUNG ỨNG PHÓ VỚI MƯA LŨ",
        "issuer": "ỦY BAN NHÂN DÂN TỈNH BẮC NINH", "doc_number": "09/CĐ-UBND", "place": "Bắc Ninh"}


def test_issuer_beside_a_motto_broken_over_two_lines(extractor):
    # a born-digital PDF's text layer breaks the motto ("… VIỆT / NAM"); an OCR'd underline trails the body's name
    for header in ("ỦY BAN NHÂN DÂN\nTỈNH LAM GIANG\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT\nNAM\nSố: 12/KH-UBND\n"
                   "Độc lập - Tự do - Hạnh phúc\nLam Giang, ngày 16 tháng 01 năm 2025\n",
                   "ỦY BAN NHÂN DÂN __ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH LAM GIANG Độc lập - Tự do - Hạnh phúc\n"
                   "Số: 12/KH-UBND Lam Giang, ngày 16 tháng 01 năm 2025\n"):
        doc = _doc(header + "KẾ HOẠCH\nChuyển đổi số tỉnh Lam Giang năm 2025\n"
                   "1. Giao Sở Khoa học và Công nghệ chủ trì triển khai.\n")
        extractor.extract(doc)
        assert (doc.metadata["issuer"], doc.metadata["doc_type"]) == ("ỦY BAN NHÂN DÂN TỈNH LAM GIANG", "KẾ HOẠCH")


@pytest.mark.parametrize("header, expected", [
    # a web copy's table cells lose their line breaks: the issuer runs into the number, the motto into the date,
    # the type into the next line's capitals and the title into its subject
    ("BAN CHẤP HÀNH TRUNG ƯƠNG*Số 155-KL/TW ĐẢNG CỘNG SẢN VIỆT NAMHà Nội, ngày 27 tháng 5 năm 2025\n"
     "KẾT LUẬNCỦA BỘ CHÍNH TRỊvề phát triển hạ tầng số\n",
     ("KẾT LUẬN", "155-KL/TW", "2025-05-27", "BAN CHẤP HÀNH TRUNG ƯƠNG", "CỦA BỘ CHÍNH TRỊ về phát triển hạ tầng số")),
    ("BAN CHẤP HÀNH TRUNG ƯƠNG\n*\nSố 81-TB/TW\nĐẢNG CỘNG SẢN VIỆT NAM\nHà Nội, ngày 27 tháng 5 năm 2025\n"
     "THÔNG BÁOKẾT LUẬN CỦA BỘ CHÍNH TRỊ\nvề phát triển hạ tầng số\n",
     ("THÔNG BÁO KẾT LUẬN", "81-TB/TW", "2025-05-27", "BAN CHẤP HÀNH TRUNG ƯƠNG",
      "CỦA BỘ CHÍNH TRỊ về phát triển hạ tầng số")),
    # a legal document's number carries its year; a date line broken after "ngày", "tháng" glued to its number
    ("ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH\nSố:\n79/2025/QĐ-UBND\nHà Tĩnh, ngày\n24 tháng11 năm 2025\n"
     "QUYẾT ĐỊNH BÃI BỎ MỘT SỐ QUYẾT ĐỊNH\n",
     ("QUYẾT ĐỊNH", "79/2025/QĐ-UBND", "2025-11-24", "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH", "BÃI BỎ MỘT SỐ QUYẾT ĐỊNH")),
    # a date line that lost its place
    ("BAN CHẤP HÀNH TRUNG ƯƠNG\nSố 155-KL/TW\nngày 27 tháng 5 năm 2025\nKẾT LUẬN\nCỦA BỘ CHÍNH TRỊ\n",
     ("KẾT LUẬN", "155-KL/TW", "2025-05-27", "BAN CHẤP HÀNH TRUNG ƯƠNG", "CỦA BỘ CHÍNH TRỊ")),
    # a news page's copy names the document in its heading and has no header
    ("Kết luận số 155-KL/TW ngày 27/5/2025 của Bộ Chính trị về phát triển hạ tầng số\n",
     ("KẾT LUẬN", "155-KL/TW", "2025-05-27", None, "số 155-KL/TW ngày 27/5/2025 của Bộ Chính trị về phát triển "
                                                  "hạ tầng số")),
])
def test_headers_of_web_copies(extractor, header, expected):
    doc = _doc(header + "1. Giao Đảng ủy Chính phủ chỉ đạo rà soát, hoàn thiện thể chế.")
    extractor.extract(doc)
    assert tuple(doc.metadata.get(k) for k in ("doc_type", "doc_number", "issue_date", "issuer", "title")) == expected


def test_an_appraisal_is_no_task_unless_it_also_orders(extractor):
    doc = _doc("VĂN PHÒNG CHÍNH PHỦ\nSố: 600/TB-VPCP\nHà Nội, ngày 10 tháng 11 năm 2025\nTHÔNG BÁO\n"
               "Kết luận của Phó Thủ tướng tại cuộc họp về cung ứng điện\n"
               "Sau khi nghe báo cáo, Phó Thủ tướng kết luận như sau:\n"
               "1. Đánh giá cao Bộ Công Thương, các địa phương đã tích cực, chủ động triển khai các giải pháp bảo đảm "
               "cung ứng điện năm 2025.\n"
               "2. Ghi nhận kết quả đạt được; đề nghị Bộ Công Thương tiếp tục theo dõi sát tình hình cung ứng điện.\n"
               "3. Giao Bộ Công Thương chủ trì rà soát quy hoạch điện, báo cáo trước ngày 15/12/2025.\n")
    extractor.extract(doc)
    assert [(t.item_path, t.lead_agencies) for t in doc.tasks] == [("2", ["Bộ Công Thương"]), ("3", ["Bộ Công Thương"])]


def test_an_approval_is_no_task_unless_it_also_orders(extractor):
    # "approvals and agreements that ask nobody to act" (annotation guide); a request referred to ("theo đề nghị
    # của …") is no order
    doc = _doc("VĂN PHÒNG CHÍNH PHỦ\nSố: 601/TB-VPCP\nHà Nội, ngày 12 tháng 11 năm 2025\nTHÔNG BÁO\n"
               "Kết luận của Phó Thủ tướng tại buổi làm việc với lãnh đạo tỉnh Lam Giang\n"
               "Sau khi nghe báo cáo, Phó Thủ tướng kết luận như sau:\n"
               "1. Đồng ý chủ trương đầu tư tuyến đường ven biển theo đề xuất của tỉnh, bảo đảm hiệu quả.\n"
               "2. Thống nhất chủ trương điều chỉnh quy hoạch chung đô thị theo đề nghị của Ủy ban nhân dân tỉnh.\n"
               "3. Cơ bản đồng ý với đề xuất bổ sung vốn; giao Bộ Tài chính chủ trì, hướng dẫn tỉnh thực hiện.\n"
               "4. Đồng ý chủ trương mở rộng cảng cá; Ủy ban nhân dân tỉnh khẩn trương hoàn thiện hồ sơ dự án.\n")
    extractor.extract(doc)
    assert [(t.item_path, t.lead_agencies) for t in doc.tasks] == [
        ("3", ["Bộ Tài chính"]), ("4", ["Ủy ban nhân dân tỉnh"])]


def test_signature_read_into_the_recipients_lines_of_a_scan(extractor):
    # OCR of a scan reads the signature column into the "Nơi nhận" lines beside it
    doc = _doc("ỦY BAN NHÂN DÂN TỈNH QUẢNG HÀ\nSố: 342/TB-UBND\nQuảng Hà, ngày 12 tháng 9 năm 2025\nTHÔNG BÁO\n"
               "Kết luận của Chủ tịch Ủy ban nhân dân tỉnh\n1. Giao Sở Tài chính bố trí vốn trước ngày 30/9/2025.\n"
               "Nơi nhận: TL. CHỦ TỊCH\n- Thường trực Tỉnh ủy (b/c); CHÁNH VĂN PHÒNG\n- Các sở: KH&ĐT, TC, XD,\n"
               "NN&PTNT, TN&MT, NV;\n- UBND các huyện, thành phố; Lương Thị Hải Yến\n- Lưu: VT, KT.\n")
    extractor.extract(doc)
    assert (doc.metadata["signer_title"], doc.metadata["signer_name"]) == ("TL. CHỦ TỊCH CHÁNH VĂN PHÒNG",
                                                                         "Lương Thị Hải Yến")


APPENDIX_NOTICE = """VĂN PHÒNG CHÍNH PHỦ
Số: 701/TB-VPCP
Hà Nội, ngày 20 tháng 11 năm 2025
THÔNG BÁO KẾT LUẬN
1. Các bộ, ngành khẩn trương hoàn thành các nhiệm vụ chậm tiến độ tại Phụ lục kèm theo.
Nơi nhận:
- Các bộ, ngành;
- Lưu: VT.
KT. BỘ TRƯỞNG, CHỦ NHIỆM
PHÓ CHỦ NHIỆM
Trần Văn Nam
PHỤ LỤC I TỔNG HỢP CÁC NHIỆM VỤ CHẬM TIẾN ĐỘ
(Kèm theo Thông báo kết luận số 701/TB-VPCP ngày 20 tháng 11 năm 2025)
1. Các nhiệm vụ về chuyển đổi số
STT
Nhiệm vụ Văn bản giao nhiệm vụ Cơ quan chủ trì thực hiện Thời hạn hoàn thành 1.
Xây dựng cơ sở dữ liệu về đê điều, gửi Bộ Tài chính trước ngày 15/12/2025.
Thông báo số 12-TB/BCĐ ngày 02/10/2025 Bộ Nông nghiệp và Môi trường 15/12/2025 2.
Ban hành quy chế chia sẻ dữ liệu giữa các cơ quan;
hướng dẫn các địa phương kết nối Nghị quyết số 88/NQ-CP Bộ Công an 31/10/2025
2. Các nhiệm vụ về thủ tục hành chính
STT
Nhiệm vụ Văn bản giao nhiệm vụ Cơ quan chủ trì thực hiện Thời hạn hoàn thành 1.
Rà soát, cắt giảm thủ tục hành chính về đầu tư.
Cung cấp dịch vụ công trực tuyến toàn trình cho 100% thủ tục đủ điều kiện.
Thông báo số 15-TB/BCĐ ngày 09/10/2025 Các bộ, ngành, địa phương 30/11/2025
PHỤ LỤC II KẾT QUẢ THỰC HIỆN NHIỆM VỤ
STT
Tên nhiệm vụ Đơn vị chủ trì Thời hạn Kết quả thực hiện Tiến độ 1.
Số hóa hồ sơ đất đai Bộ Nông nghiệp và Môi trường 30/9/2025 Đã hoàn thành 2.
"""


def test_appendix_task_table_rows_are_tasks_with_their_agency_and_deadline(extractor):
    """A flattened appendix table of tasks: each row's task cell is a task (one per sentence that stands alone), led
    by the agency cell and due by the deadline cell; the assigning document is neither; a table of results is no
    list of tasks."""
    doc = _doc(APPENDIX_NOTICE)
    extractor.extract(doc)
    rows = [(t.item_path, t.text, t.lead_agencies, [d.end for d in t.deadlines])
            for t in doc.tasks if t.item_path.startswith("PL")]
    assert rows == [
        ("PLI.1.1", "Xây dựng cơ sở dữ liệu về đê điều, gửi Bộ Tài chính trước ngày 15/12/2025.",
         ["Bộ Nông nghiệp và Môi trường"], ["2025-12-15"]),
        ("PLI.1.2", "Ban hành quy chế chia sẻ dữ liệu giữa các cơ quan;\nhướng dẫn các địa phương kết nối",
         ["Bộ Công an"], ["2025-10-31"]),
        ("PLI.2.1", "Rà soát, cắt giảm thủ tục hành chính về đầu tư.", ["các bộ, ngành, địa phương"], ["2025-11-30"]),
        ("PLI.2.1", "Cung cấp dịch vụ công trực tuyến toàn trình cho 100% thủ tục đủ điều kiện.",
         ["các bộ, ngành, địa phương"], ["2025-11-30"]),
    ]
    assert [m.task_id for m in doc.metrics if m.percent == 100.0] == [doc.tasks[-1].task_id]


CELL_TABLE_PLAN = """ỦY BAN NHÂN DÂN TỈNH HÀ SƠN
Số: 310/KH-UBND
Hà Sơn, ngày 18 tháng 11 năm 2025
KẾ HOẠCH
Đổi mới công nghệ đến năm 2030
1. Các sở, ngành thực hiện các nhiệm vụ tại Phụ lục kèm theo.
Nơi nhận:
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Lê Văn Bình
PHỤ LỤC
NHIỆM VỤ VÀ GIẢI PHÁP THỰC HIỆN
STT
NHIỆM VỤ VÀ GIẢI PHÁP
CHỦ TRÌ
PHỐI HỢP
THỜI GIAN
I
NHÓM GIẢI PHÁP VỀ CƠ CHẾ CHÍNH SÁCH
1
Rà soát các cơ chế khuyến khích đổi mới công nghệ.
Sở Tài chính
Sở Công Thương; Sở Xây dựng
2026
2
Nghiên cứu, phản biện các giải pháp công nghệ.
Viện Lúa đồng bằng sông Cửu Long
Các sở, ngành liên quan
Thường xuyên
II. PHÁT TRIỂN NHÂN LỰC
1
Đào tạo nhân lực chất lượng cao.
Sở Giáo dục và Đào tạo
2025 - 2030
"""


def test_appendix_table_with_a_line_per_cell_gives_lead_partners_and_deadline(extractor):
    """Text extraction often puts each cell of a table on a line of its own: the rows' task cells are tasks, the
    "Chủ trì" cell leads (even a body the patterns do not know), the "Phối hợp" cell cooperates, a year cell is the
    deadline; a row with an empty cell, whose lines cannot be matched to columns, is not cut into cells."""
    doc = _doc(CELL_TABLE_PLAN)
    extractor.extract(doc)
    rows = [(t.item_path, t.section, t.text, t.lead_agencies, sorted(a.name for a in t.agencies if a.role == "cooperate"),
             [d.end for d in t.deadlines]) for t in doc.tasks if t.item_path.startswith("PL")]
    assert rows == [
        ("PL.I.1", "NHÓM GIẢI PHÁP VỀ CƠ CHẾ CHÍNH SÁCH", "Rà soát các cơ chế khuyến khích đổi mới công nghệ.",
         ["Sở Tài chính"], ["Sở Công Thương", "Sở Xây dựng"], ["2026-12-31"]),
        ("PL.I.2", "NHÓM GIẢI PHÁP VỀ CƠ CHẾ CHÍNH SÁCH", "Nghiên cứu, phản biện các giải pháp công nghệ.",
         ["Viện Lúa đồng bằng sông Cửu Long"], ["các sở, ngành liên quan"], []),
    ]


def test_appendix_rows_as_ocr_wraps_them(extractor):
    """On a scan the lines wrap: a task cell over two lines is still the row's task when the cells after it are short
    and the last is a deadline; the assigning document's reference may start on the line before the row's end."""
    plan = CELL_TABLE_PLAN.replace("II. PHÁT TRIỂN NHÂN LỰC\n", "3\nXây dựng cơ sở dữ liệu dùng chung về đổi mới công nghệ"
                                   " của tỉnh,\nkết nối với hệ thống thông tin của các sở, ngành.\nSở Khoa học và Công"
                                   " nghệ\nCác sở, ngành liên quan\nQuý II/2026\nII. PHÁT TRIỂN NHÂN LỰC\n")
    doc = _doc(plan)
    extractor.extract(doc)
    assert [(t.text, t.lead_agencies, [d.end for d in t.deadlines]) for t in doc.tasks if t.item_path == "PL.I.3"] == [
        ("Xây dựng cơ sở dữ liệu dùng chung về đổi mới công nghệ của tỉnh,\nkết nối với hệ thống thông tin của các sở, "
         "ngành.", ["Sở Khoa học và Công nghệ"], ["2026-06-30"])]
    notice = APPENDIX_NOTICE.replace("hướng dẫn các địa phương kết nối Nghị quyết số 88/NQ-CP Bộ Công an 31/10/2025",
                                     "hướng dẫn các địa phương kết nối Nghị quyết số\n88/NQ-CP Bộ Công an 31/10/2025")
    doc = _doc(notice)
    extractor.extract(doc)
    assert [(t.text, t.lead_agencies) for t in doc.tasks if t.item_path == "PLI.1.2"] == [
        ("Ban hành quy chế chia sẻ dữ liệu giữa các cơ quan;\nhướng dẫn các địa phương kết nối", ["Bộ Công an"])]


def test_appendix_tables_whose_cells_cannot_be_told_apart_are_left_alone(extractor):
    """Flattened, a row of "Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời hạn" runs the lead and the cooperating
    agencies together, and a table that opens with the agency puts it before the task: neither is cut into rows."""
    for header in ("Nhiệm vụ Cơ quan chủ trì Cơ quan phối hợp Thời hạn hoàn thành 1.",
                   "Cơ quan chủ trì Nội dung nhiệm vụ Thời hạn hoàn thành 1."):
        notice = APPENDIX_NOTICE.replace(
            "Nhiệm vụ Văn bản giao nhiệm vụ Cơ quan chủ trì thực hiện Thời hạn hoàn thành 1.", header)
        doc = _doc(notice)
        extractor.extract(doc)
        assert not [t for t in doc.tasks if t.item_path.startswith("PL")], header


PARTY_CONCLUSION = """BAN CHẤP HÀNH TRUNG ƯƠNG
ĐẢNG CỘNG SẢN VIỆT NAM
Số: 215-KL/TW
Hà Nội, ngày 18 tháng 11 năm 2025
KẾT LUẬN
CỦA BỘ CHÍNH TRỊ
về phát triển công nghiệp quốc gia
Tại phiên họp ngày 10/11/2025, Bộ Chính trị kết luận:
1. Về kết quả thực hiện
Sau 7 năm thực hiện Nghị quyết, nhận thức của các cấp ủy về vai trò của công nghiệp được nâng lên.
Tuy nhiên, năng lực nội tại của ngành công nghiệp còn yếu, cần khắc phục.
2. Về nhiệm vụ thời gian tới
Bộ Chính trị yêu cầu các cấp ủy, tổ chức đảng tập trung thực hiện các nhiệm vụ sau:
2.1. Rà soát, hoàn thiện thể chế, chính sách phát triển công nghiệp, hoàn thành trong năm 2026.
2.2. Phát triển nguồn nhân lực chất lượng cao cho công nghiệp.
3. Tổ chức thực hiện
a. Đảng ủy Chính phủ lãnh đạo, chỉ đạo xây dựng Chiến lược công nghiệp, trình Bộ Chính trị trong quý II/2026.
b. Báo Nhân dân mở chuyên mục tuyên truyền Kết luận.
c. Trung tâm Kiểm soát bệnh tật tỉnh Hà Sơn, Công an tỉnh Hà Sơn sẵn sàng lực lượng.
Nơi nhận:
- Các tỉnh ủy, thành ủy,
- Lưu Văn phòng Trung ương Đảng.
T/M BỘ CHÍNH TRỊ
Trần Cẩm Tú
"""


def test_numbered_titles_lettered_items_with_a_stop_and_subjects_that_act(extractor):
    doc = _doc(PARTY_CONCLUSION)
    extractor.extract(doc)
    # the assessment under "1. Về kết quả thực hiện" orders nothing; "a." opens an item as "a)" does; an item that
    # opens with the body that acts is a task whatever its verb; a name in sentence case is whole
    assert [t.item_path for t in doc.tasks] == ["2.1", "2.2", "3.a", "3.b", "3.c"]
    assert [t.section for t in doc.tasks] == ["2. Về nhiệm vụ thời gian tới"] * 2 + ["3. Tổ chức thực hiện"] * 3
    assert [t.lead_agencies for t in doc.tasks[2:]] == [
        ["Đảng ủy Chính phủ"], ["Báo Nhân dân"], ["Trung tâm Kiểm soát bệnh tật tỉnh Hà Sơn", "Công an tỉnh Hà Sơn"]]
    assert doc.tasks[0].lead_agencies == ["các cấp ủy, tổ chức đảng"]
    assert [t.deadline for t in doc.tasks] == ["2026-12-31", None, "2026-06-30", None, None]


def test_the_addressee_line_after_a_title_in_sentence_case_ends_the_title(extractor):
    doc = _doc("THỦ TƯỚNG CHÍNH PHỦ\nSố: 301/CĐ-TTg\nHà Nội, ngày 24 tháng 11 năm 2025\nCÔNG ĐIỆN\n"
               "Về việc khắc phục hậu quả mưa lũ\nTHỦ TƯỚNG CHÍNH PHỦ điện:\n"
               "- Chủ tịch Ủy ban nhân dân các tỉnh: Quảng Ngãi, Gia Lai;\n"
               "- Các Bộ trưởng: Quốc phòng, Công an, Xây dựng.\n"
               "1. Bộ trưởng Bộ Xây dựng chỉ đạo khôi phục giao thông, hoàn thành trước ngày 30/11/2025.\n")
    extractor.extract(doc)
    assert doc.metadata["title"] == "Về việc khắc phục hậu quả mưa lũ"
    assert [t.item_path for t in doc.tasks] == ["1"]


def test_collectives_run_over_their_level_and_leaders_of_a_list_of_bodies_are_one_collective(extractor):
    doc = _cong_dien(96,
                     "Về việc đẩy nhanh giải ngân vốn đầu tư công\n"
                     "1. Bộ trưởng, Thủ trưởng các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ chỉ đạo rà soát.\n"
                     "2. Các bộ, cơ quan trung ương và địa phương khẩn trương hoàn thiện hồ sơ.\n"
                     "3. Các đơn vị sự nghiệp công lập rà soát, sắp xếp lại tổ chức bộ máy.\n"
                     "4. Các cơ quan, đơn vị liên quan tổng hợp biểu mẫu báo cáo theo dự án.\n"
                     "5. Các xã, phường, các doanh nghiệp khẩn trương triển khai.\n"
                     "6. Các cơ quan báo chí, truyền thông đẩy mạnh công tác tuyên truyền.\n")
    assert _task_leads(extractor, doc) == [
        ("1", ["các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ"]),
        ("2", ["các bộ, cơ quan trung ương và địa phương"]),
        ("3", ["các đơn vị sự nghiệp công lập"]),
        ("4", ["các cơ quan, đơn vị liên quan"]),
        ("5", ["các xã, phường", "các doanh nghiệp"]),
        ("6", ["các cơ quan báo chí, truyền thông"])]


def test_items_that_state_a_goal_funds_or_a_passive_fact_are_no_tasks(extractor):
    doc = _cong_dien(97,
                     "Về việc triển khai Dự án đường sắt tốc độ cao\n"
                     "1. Mục tiêu đến năm 2030 hoàn thành 5.000 km đường cao tốc.\n"
                     "2. Kinh phí thực hiện từ nguồn ngân sách trung ương.\n"
                     "3. Các dự án thành phần được triển khai theo hình thức đầu tư công.\n"
                     "4. Hoàn thành 100% thủ tục hành chính được thực hiện trực tuyến trong năm 2025.\n"
                     "5. Bộ Xây dựng khẩn trương hoàn thiện hồ sơ, trình Thủ tướng Chính phủ trước ngày 15/12/2025.\n"
                     "6. Các thành viên Ban Chỉ đạo theo lĩnh vực được phân công chỉ đạo, đôn đốc các địa phương.\n")
    # "được phân công", like "được giao", is the formula of a remit, not a passive statement
    assert [path for path, _ in _task_leads(extractor, doc)] == ["4", "5", "6"]


def test_items_naming_bodies_the_dev_documents_never_name_are_tasks(extractor):
    # the classifier reads agency names as their role ("xxlead"), so a list of bodies it never saw still reads as
    # the subject of an order
    doc = _cong_dien(98,
                     "Về việc ứng phó với mưa lũ\n"
                     "1. Đài Truyền hình Việt Nam, Đài Tiếng nói Việt Nam, Thông tấn xã Việt Nam tăng cường thông tin.\n"
                     "2. Ủy ban nhân dân các tỉnh, thành phố: Huế, Đà Nẵng, Quảng Ngãi, Gia Lai, Đắk Lắk, Khánh Hòa "
                     "chỉ đạo các lực lượng ứng phó với lũ.\n"
                     "3. Các Tổ công tác của Thủ tướng Chính phủ tăng cường kiểm tra, đôn đốc các bộ, ngành.\n")
    assert _task_leads(extractor, doc) == [
        ("1", ["Đài Truyền hình Việt Nam", "Đài Tiếng nói Việt Nam", "Thông tấn xã Việt Nam"]),
        ("2", ["Ủy ban nhân dân thành phố Huế", "Ủy ban nhân dân thành phố Đà Nẵng", "Ủy ban nhân dân tỉnh Quảng Ngãi",
               "Ủy ban nhân dân tỉnh Gia Lai", "Ủy ban nhân dân tỉnh Đắk Lắk", "Ủy ban nhân dân tỉnh Khánh Hòa"]),
        ("3", ["Tổ công tác của Thủ tướng Chính phủ"])]


def test_the_date_line_names_the_province_when_the_header_is_broken(extractor):
    # legacy OCR reads the two header columns side by side: "TỈNH" and its name end up on different lines
    doc = _doc("ỦY BAN NHÂN DÂN TỈNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nQUẢNG NGÃI Độc lập - Tự do - Hạnh phúc\n"
               "Số: 486/TB-UBND\nQuảng Ngãi, ngày 12 tháng 12 năm 2025\nTHÔNG BÁO\n"
               "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về giải phóng mặt bằng\n"
               "1. Công an tỉnh chủ trì, phối hợp với UBND xã Bình Sơn xây dựng phương án bảo đảm an ninh, trật tự.\n"
               "2. Giao Văn phòng UBND tỉnh theo dõi, đôn đốc việc thực hiện các nội dung trên.\n")
    assert _task_leads(extractor, doc) == [("1", ["Công an tỉnh Quảng Ngãi"]),
                                           ("2", ["Văn phòng Ủy ban nhân dân tỉnh Quảng Ngãi"])]


def test_a_head_that_addresses_bodies_gives_its_items_their_lead(extractor):
    # "Đối với …", "Nhiệm vụ của …", "Về <topic>, …:" name whom the bullets under them address; a head that only
    # reports ("Về kết quả thực hiện của …") or speaks ("Ý kiến kết luận của …") names no lead
    bullets = "- Khẩn trương rà soát, hoàn thiện hồ sơ các dự án.\n- Tăng cường kiểm tra, giám sát các dự án.\n"
    heads = {"Đối với các bộ, ngành, địa phương:": ["các bộ, ngành, địa phương"],
             "Nhiệm vụ của Bộ Tài chính, Bộ Xây dựng": ["Bộ Tài chính", "Bộ Xây dựng"],
             "Về giải ngân vốn đầu tư công, các bộ, ngành, địa phương:": ["các bộ, ngành, địa phương"],
             "Về kết quả thực hiện của các bộ, ngành:": [],
             "Ý kiến kết luận của Thủ tướng Chính phủ:": []}
    for head, leads in heads.items():
        doc = _pm_notice(640, f"1. {head}\n{bullets}")
        assert [found for _, found in _task_leads(extractor, doc)] == [leads, leads], head


def test_what_a_body_has_done_is_reported_not_ordered(extractor):
    # under the directive section, "Bộ A đã …" reports; "đã được giao" is a remit, and an order word makes it a task
    doc = _pm_notice(641,
                     "1. Bộ Xây dựng đã chủ động phối hợp với các địa phương tổ chức thi công nhiều dự án.\n"
                     "2. Các bộ, ngành, địa phương đã tích cực triển khai, đạt nhiều kết quả quan trọng.\n"
                     "3. Bộ Xây dựng đã được giao chủ trì xây dựng đề án, khẩn trương hoàn thành.\n"
                     "4. Các địa phương đã được phân bổ vốn cần khẩn trương giải ngân.\n")
    assert [path for path, _ in _task_leads(extractor, doc)] == ["II.3", "II.4"]


def test_the_issuer_praising_or_agreeing_in_its_own_name_orders_nothing(extractor):
    # an appraisal or approval after the speaker's name, and the situation described, are no tasks; an order is,
    # and "nhất là" (a focus) is no copula that would make an order a statement
    doc = _pm_notice(642,
                     "1. Thủ tướng Chính phủ biểu dương các lực lượng quân đội, công an đã kịp thời hỗ trợ người dân.\n"
                     "2. Thủ tướng Chính phủ gửi lời thăm hỏi, chia buồn sâu sắc tới gia đình các nạn nhân.\n"
                     "3. Ban Chỉ đạo cơ bản đồng ý với Báo cáo tổng kết của Bộ Tài chính.\n"
                     "4. Bối cảnh tình hình thế giới tiếp tục diễn biến phức tạp, khó lường, tác động đến các bộ, "
                     "ngành.\n"
                     "5. Theo dõi sát diễn biến giá cả thị trường, nhất là các mặt hàng thiết yếu.\n"
                     "6. Thủ tướng Chính phủ biểu dương Bộ Công Thương; yêu cầu Bộ Công Thương tiếp tục theo dõi thị "
                     "trường.\n")
    assert [path for path, _ in _task_leads(extractor, doc)] == ["II.5", "II.6"]


def test_a_party_body_leads_through_the_bodies_it_leads_a_minister_does_not(extractor):
    doc = _doc("BAN CHẤP HÀNH TRUNG ƯƠNG\nSố: 99-TB/TW\nHà Nội, ngày 10 tháng 11 năm 2025\nTHÔNG BÁO\n"
               "KẾT LUẬN CỦA BAN BÍ THƯ\nBan Bí thư kết luận như sau:\n"
               "1. Đảng ủy Chính phủ lãnh đạo, chỉ đạo các bộ, ngành sửa đổi các văn bản quy phạm pháp luật.\n"
               "2. Đảng ủy Mặt trận Tổ quốc, các đoàn thể Trung ương lãnh đạo Mặt trận Tổ quốc Việt Nam và các tổ "
               "chức chính trị - xã hội tham gia giám sát.\n"
               "3. Đảng ủy Quốc hội lãnh đạo, chỉ đạo Quốc hội, các cơ quan của Quốc hội ưu tiên xem xét dự án luật.\n"
               "4. Ban cán sự đảng, đảng đoàn, đảng ủy trực thuộc Trung ương chỉ đạo rà soát quy chế làm việc.\n"
               "5. Bộ trưởng Bộ Tài chính tập trung lãnh đạo, chỉ đạo các đơn vị liên quan rà soát quy trình.\n")
    assert _task_leads(extractor, doc) == [
        ("1", ["Đảng ủy Chính phủ", "các bộ, ngành"]),
        ("2", ["Đảng ủy Mặt trận Tổ quốc, các đoàn thể Trung ương", "Mặt trận Tổ quốc Việt Nam",
               "các tổ chức chính trị - xã hội"]),
        ("3", ["Đảng ủy Quốc hội", "Quốc hội", "các cơ quan của Quốc hội"]),
        ("4", ["ban cán sự đảng, đảng đoàn, đảng ủy trực thuộc Trung ương"]),
        ("5", ["Bộ Tài chính"]),
    ]


def test_a_list_of_subjects_goes_on_after_a_title_and_its_charge(extractor):
    # "… Ủy viên Ban Thường vụ Tỉnh ủy phụ trách huyện" says whom the members are; the body after the comma is the
    # next subject, not an object (it had lost its lead role)
    doc = _doc("TỈNH ỦY LAM GIANG\nSố: 412-KL/TU\nLam Giang, ngày 12 tháng 11 năm 2025\nKẾT LUẬN\n"
               "CỦA BAN THƯỜNG VỤ TỈNH ỦY\nBan Thường vụ Tỉnh ủy kết luận như sau:\n"
               "1. Các đồng chí Ủy viên Ban Thường vụ Tỉnh ủy phụ trách huyện, Ban cán sự đảng Ủy ban nhân dân tỉnh "
               "lãnh đạo, chỉ đạo hoàn thành các tiêu chí còn thiếu.\n")
    assert _task_leads(extractor, doc) == [
        ("1", ["Ban Thường vụ Tỉnh ủy Lam Giang", "Ban cán sự đảng Ủy ban nhân dân tỉnh Lam Giang"])]


def test_items_announced_by_a_sentence_ending_in_a_stop_and_lines_broken_after_a_preposition(extractor):
    # "… thực hiện các nhiệm vụ sau đây." names who does the items below it, as a colon would; a line that ends
    # in "với" goes on in the next one even when that opens with a name
    doc = _doc("THỦ TƯỚNG CHÍNH PHỦ\nSố: 240/CĐ-TTg\nHà Nội, ngày 25 tháng 11 năm 2025\nCÔNG ĐIỆN\n"
               "Về việc tăng cường quản lý giá\n"
               "Để thực hiện tốt công tác quản lý giá, Thủ tướng Chính phủ yêu cầu Chủ tịch Ủy ban nhân dân các "
               "tỉnh, thành phố trực thuộc Trung ương tập trung thực hiện các nhiệm vụ sau đây.\n"
               "1. Tăng cường công tác kiểm tra việc chấp hành pháp luật về giá.\n"
               "2. Sở Tài chính chủ trì, phối hợp với\nSở Công Thương theo dõi sát giá cả thị trường.\n")
    extractor.extract(doc)
    assert [(t.item_path, t.lead_agencies, t.text) for t in doc.tasks] == [
        ("1", ["Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"],
         "1. Tăng cường công tác kiểm tra việc chấp hành pháp luật về giá."),
        ("2", ["Sở Tài chính"],
         "2. Sở Tài chính chủ trì, phối hợp với\nSở Công Thương theo dõi sát giá cả thị trường."),
    ]


def test_looking_back_and_the_bullets_of_a_results_head_assess(extractor):
    # "Qua 5 năm thực hiện …", "Tuy nhiên, … còn hạn chế" and the bullets of "Về kết quả thực hiện:" report;
    # "Tuy nhiên, … cần …" orders
    doc = _doc("BAN CHẤP HÀNH TRUNG ƯƠNG\nSố: 98-TB/TW\nHà Nội, ngày 10 tháng 11 năm 2025\nTHÔNG BÁO\n"
               "KẾT LUẬN CỦA BỘ CHÍNH TRỊ\nBộ Chính trị kết luận như sau:\n"
               "1. Về kết quả thực hiện:\n"
               "- Qua 5 năm thực hiện Nghị quyết, công tác chăm sóc sức khỏe Nhân dân đạt được nhiều kết quả.\n"
               "- Triển khai thực hiện Nghị quyết đạt nhiều kết quả quan trọng, góp phần nâng cao sức khỏe Nhân dân.\n"
               "- Tuy nhiên, việc thực hiện Nghị quyết còn một số hạn chế: đầu tư cho y tế dự phòng còn thấp.\n"
               "2. Nhiệm vụ thời gian tới:\n"
               "- Tuy nhiên, các địa phương cần khẩn trương khắc phục hạn chế, yếu kém.\n"
               "- Tiếp tục quán triệt sâu sắc các quan điểm, mục tiêu của Nghị quyết.\n")
    assert [path for path, _ in _task_leads(extractor, doc)] == ["2.-1", "2.-2"]


def test_bodies_named_by_their_purpose_new_central_bodies_and_state_groups(extractor):
    # a purpose name in sentence case runs to "quốc gia" or its unit, over "Phòng" (no name alone) and
    # "nông thôn" (no "thôn"); "Bí thư Tỉnh ủy" beside the bodies of "các tỉnh" is each province's committee
    doc = _cong_dien(242, "THỦ TƯỚNG CHÍNH PHỦ điện:\n- Bộ trưởng các Bộ: Quốc phòng, Công an.\n"
                          "Thủ tướng Chính phủ yêu cầu:\n"
                          "1. Ban Chỉ đạo Phòng thủ dân sự quốc gia theo dõi sát tình hình, chỉ đạo ứng phó.\n"
                          "2. Ban Chỉ huy Phòng thủ dân sự tỉnh Khánh Hòa tổ chức trực ban nghiêm túc.\n"
                          "3. Ban Chỉ đạo xây dựng nông thôn mới tỉnh Khánh Hòa rà soát tiêu chí.\n"
                          "4. Ban Chính sách, chiến lược Trung ương chủ trì theo dõi, giám sát việc thực hiện.\n"
                          "5. Các tập đoàn kinh tế, tổng công ty nhà nước khẩn trương đẩy nhanh tiến độ các dự án.\n"
                          "6. Đồng chí Bí thư Tỉnh ủy, Chủ tịch Ủy ban nhân dân các tỉnh nêu trên trực tiếp chỉ đạo "
                          "sơ tán người dân.\n")
    assert _task_leads(extractor, doc) == [
        ("1", ["Ban Chỉ đạo Phòng thủ dân sự quốc gia"]),
        ("2", ["Ban Chỉ huy Phòng thủ dân sự tỉnh Khánh Hòa"]),
        ("3", ["Ban Chỉ đạo xây dựng nông thôn mới tỉnh Khánh Hòa"]),
        ("4", ["Ban Chính sách, chiến lược Trung ương"]),
        ("5", ["các tập đoàn kinh tế, tổng công ty nhà nước"]),
        ("6", ["các tỉnh ủy", "Ủy ban nhân dân các tỉnh"]),
    ]


def test_bodies_named_in_a_heading_in_capitals_are_written_as_in_running_text(extractor):
    doc = _cong_dien(244, "I. CÁC CƠ QUAN THUỘC CHÍNH PHỦ\n1. Khẩn trương rà soát, điều chuyển vốn sang dự án giải ngân tốt.\n"
                          "II. ĐỐI VỚI ỦY BAN NHÂN DÂN CÁC TỈNH, THÀNH PHỐ\n1. Tập trung tháo gỡ vướng mắc về đất đai.\n")
    assert _task_leads(extractor, doc) == [("I.1", ["các cơ quan thuộc Chính phủ"]),
                                           ("II.1", ["Ủy ban nhân dân các tỉnh, thành phố"])]


def test_the_province_a_notice_is_about_acts_as_tỉnh(extractor):
    # the title's "tỉnh Lâm Đồng" ends with its line; "Tỉnh" opening a clause before its predicate is that province,
    # "Tỉnh lộ 725" is a road
    doc = _doc("VĂN PHÒNG CHÍNH PHỦ\nSố: 655/TB-VPCP\nHà Nội, ngày 25 tháng 11 năm 2025\nTHÔNG BÁO\n"
               "Kết luận của Thủ tướng Chính phủ tại buổi làm việc với lãnh đạo tỉnh Lâm Đồng\n"
               "Tham dự có đồng chí Bí thư Tỉnh ủy Lâm Đồng.\nII. NHIỆM VỤ THỜI GIAN TỚI\n"
               "1. Tỉnh cần tập trung phát triển hạ tầng giao thông, nhất là các tuyến cao tốc.\n"
               "2. Về đề nghị hỗ trợ kinh phí: Tỉnh chủ động sử dụng ngân sách địa phương.\n"
               "3. Tỉnh ủy, Ủy ban nhân dân tỉnh chỉ đạo rà soát quy hoạch.\n"
               "4. Khẩn trương nâng cấp Tỉnh lộ 725.\n")
    assert _task_leads(extractor, doc) == [
        ("II.1", ["tỉnh Lâm Đồng"]), ("II.2", ["tỉnh Lâm Đồng"]),
        ("II.3", ["Tỉnh ủy Lâm Đồng", "Ủy ban nhân dân tỉnh Lâm Đồng"]), ("II.4", [])]


def test_a_system_of_bodies_and_the_members_of_a_steering_committee_act_in_a_list_of_subjects(nlp):
    text = "7. Đài Tiếng nói Việt Nam và hệ thống các cơ quan báo chí tăng cường thông tin."
    assert _leads(nlp, text) == ["Đài Tiếng nói Việt Nam", "các cơ quan báo chí"]
    text = "8. Bộ Nông nghiệp và Môi trường, các thành viên Ban Chỉ đạo theo dõi sát tình hình."
    assert _leads(nlp, text) == ["Bộ Nông nghiệp và Môi trường", "các thành viên Ban Chỉ đạo"]


def test_a_party_body_of_the_committee_written_in_lower_case_is_named_whole(extractor):
    # restoration writes a legacy OCR's lower-case "ty ban" as "ủy ban": still the People's Committee of the province
    doc = _doc("TỈNH ỦY TUYÊN QUANG\nSố 1534-KL/TU\nTuyên Quang, ngày 20 tháng 3 năm 2024\nKẾT LUẬN\n"
               "của Ban Thường vụ Tỉnh ủy về xây dựng nông thôn mới\n"
               "Ban Thường vụ Tỉnh ủy kết luận như sau:\n"
               "1. Ban cán sự đảng ủy ban nhân dân tỉnh chỉ đạo rà soát các xã đạt chuẩn nông thôn mới, báo cáo "
               "Ban Thường vụ Tỉnh ủy trước ngày 30/6/2024.\n")
    assert _task_leads(extractor, doc) == [("1", ["Ban cán sự đảng Ủy ban nhân dân tỉnh Tuyên Quang"])]


def test_the_issuer_reporting_or_asking_and_work_assigned_elsewhere_lead_nothing(extractor):
    # the sender's own past work and its courtesy formula are not its tasks; "do Thủ tướng giao cho các bộ" describes
    # work given elsewhere; encouraging named bodies outside the government's command makes them leads
    doc = _doc("BỘ NỘI VỤ\nSố: 11208/BNV-KHTC V/v tỷ lệ chi phí quản lý năm 2026\nHà Nội, ngày 26 tháng 11 năm 2025\n"
               "Kính gửi: Ủy ban nhân dân các tỉnh, thành phố\n"
               "1. Trên cơ sở ý kiến của Bộ Tài chính, Bộ Nội vụ đã hướng dẫn Sở Nội vụ xác định mức chi phí. Vì vậy, "
               "đề nghị Ủy ban nhân dân các tỉnh, thành phố căn cứ mức chi phí quản lý để thực hiện.\n"
               "2. Bộ Tài chính có trách nhiệm phân bổ kinh phí thực hiện các nhiệm vụ do Thủ tướng Chính phủ giao "
               "cho các bộ, cơ quan ngang bộ.\n"
               "3. Khuyến khích Hội Nông dân tỉnh, Liên minh Hợp tác xã xây dựng kế hoạch hành động.\n"
               "4. Ngân hàng Nhà nước Việt Nam - Chi nhánh Khu vực II chủ trì triển khai các nhiệm vụ được giao.\n"
               "(Kèm theo Phụ lục danh mục các nhiệm vụ, giải pháp trọng tâm thực hiện Kế hoạch).\n"
               "Bộ Nội vụ trân trọng đề nghị Ủy ban nhân dân các tỉnh, thành phố quan tâm, chỉ đạo thực hiện./.\n")
    first = next(a for a in extractor.analyse(doc).units if a.unit.path == "1")
    assert [(ag.name, ag.role) for ag in first.agencies if ag.role == "lead"] == \
        [("Ủy ban nhân dân các tỉnh, thành phố", "lead")]
    assert [(path, leads) for path, leads in _task_leads(extractor, doc) if path != "1"] == [
        ("2", ["Bộ Tài chính"]),
        ("3", ["Hội Nông dân tỉnh", "Liên minh Hợp tác xã"]),
        ("4", ["Ngân hàng Nhà nước Việt Nam - Chi nhánh Khu vực II"]),
        ("¶3", ["Ủy ban nhân dân các tỉnh, thành phố"])]


def test_views_goals_reports_and_forecasts_are_no_tasks_but_the_solutions_under_them_are(extractor):
    # a plan's views read like orders ("Phát triển …", "… phải bảo đảm …") and its report of the year like work done;
    # neither assigns anything, while "2. Các giải pháp" inside a forecast section and an intro ending "… sau:" do
    doc = _plan(31, "I. QUAN ĐIỂM\n"
                    "1. Phát triển hạ tầng số đồng bộ, hiện đại; việc xây dựng cơ sở dữ liệu phải bảo đảm đúng, đủ, "
                    "sạch, sống.\n"
                    "II. MỤC TIÊU ĐẾN NĂM 2030\n"
                    "b) Cơ quan nhà nước quản lý, chỉ đạo, điều hành dựa trên dữ liệu:\n"
                    "+ 100% hồ sơ công việc tại cấp tỉnh, cấp xã được xử lý trên môi trường điện tử và sử dụng chữ "
                    "ký số.\n"
                    "c) Căn cứ tình hình thực tế, các cơ quan, đơn vị thực hiện các hoạt động sau:\n"
                    "- Tổ chức lễ phát động và các hoạt động hưởng ứng với hình thức phù hợp, tiết kiệm.\n"
                    "III. TÌNH HÌNH THỰC HIỆN NHIỆM VỤ NĂM 2025\n"
                    "- Hoạt động thương mại tăng khá; các chương trình kích cầu tiêu dùng được quan tâm triển khai "
                    "thực hiện.\n"
                    "IV. DỰ BÁO TÁC ĐỘNG VÀ CÁC GIẢI PHÁP THỰC HIỆN\n"
                    "1. Dự báo tác động\n"
                    "- Một số dự án hạ tầng quan trọng tiếp tục được triển khai trên địa bàn tỉnh trong giai đoạn tới.\n"
                    "2. Các giải pháp thực hiện\n"
                    "- Tăng cường công tác phân tích, dự báo nguồn thu; chống thất thu ngân sách nhà nước.\n")
    assert [path for path, _ in _task_leads(extractor, doc)] == ["II.c.-1", "IV.2.-1"]


def test_a_dash_line_in_lower_case_carries_on_its_compound_and_a_timed_topic_is_no_task(extractor):
    # "… kinh tế" / "- xã hội của tỉnh." is one sentence broken at the dash of a compound; "1.1. Đối với vùng …"
    # over "a) Thời gian thực hiện: …" times a topic whose parts are described, not work to do
    doc = _plan(32, "II. NỘI DUNG\n"
                    "1. Quan trắc môi trường\n"
                    "1.1. Đối với vùng nuôi tôm nước lợ (tôm thẻ chân trắng, tôm sú)\n"
                    "a) Thời gian thực hiện: Từ tháng 3 đến tháng 11 hằng năm.\n"
                    "III. TỔ CHỨC THỰC HIỆN\n"
                    "1. Sở Tài chính chủ trì tham mưu bố trí kinh phí thực hiện Kế hoạch phát triển kinh tế\n"
                    "- xã hội của tỉnh theo quy định.\n")
    assert _task_leads(extractor, doc) == [("III.1", ["Sở Tài chính"])]
    assert extractor.analyse(doc).units[-1].unit.text.endswith("kinh tế\n- xã hội của tỉnh theo quy định.")


def test_units_joined_by_a_slash_and_a_time_after_a_collective_subject(extractor):
    # "UBND các xã/phường" lists two units as "các xã, phường" does; "định kỳ hằng năm" says when, not who
    doc = _plan(33, "III. TỔ CHỨC THỰC HIỆN\n"
                    "1. UBND các xã/phường:\n"
                    "- Kiểm tra, xử lý các cơ sở vi phạm quy định về bảo vệ môi trường theo quy định.\n"
                    "2. Các sở, ban, ngành định kỳ hằng năm gửi báo cáo Sở Nông nghiệp và Môi trường trước ngày "
                    "15 tháng 12.\n")
    assert _task_leads(extractor, doc) == [("III.1.-1", ["Ủy ban nhân dân các xã, phường"]),
                                           ("III.2", ["các sở, ban, ngành"])]


def test_a_web_copy_glues_the_authority_to_the_title_and_an_appendix_to_the_signer(extractor):
    doc = _doc("ỦY BAN NHÂN DÂN TỈNH LAM GIANG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
               "Số: 1521/QĐ-UBND Lam Giang, ngày 22 tháng 11 năm 2025\n"
               "QUYẾT ĐỊNH VỀ VIỆC CÔNG BỐ DANH MỤC THỦ TỤC HÀNH CHÍNH CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LAM GIANG\n"
               "Căn cứ Luật Tổ chức chính quyền địa phương;\nQUYẾT ĐỊNH:\n"
               "Điều 1. Sở Tư pháp chủ trì niêm yết công khai các thủ tục hành chính được công bố.\n"
               "Nơi nhận:\n- Như Điều 1;\n- Lưu: VT.\nKT. CHỦ TỊCH PHÓ CHỦ TỊCH\nLê Văn Tâm Mẫu biểu số 01\n")
    extractor.extract(doc)
    assert doc.metadata["title"] == "VỀ VIỆC CÔNG BỐ DANH MỤC THỦ TỤC HÀNH CHÍNH"
    assert doc.metadata["signer_name"] == "Lê Văn Tâm"


def test_a_collective_subject_keeps_its_qualifiers_in_a_list_after_a_title_and_mid_paragraph(extractor):
    # "… viễn thông, doanh nghiệp bưu chính" lists one kind of body; "có biển" qualifies a subject that opens a
    # sentence after a leader's title; "căn cứ" opens the predicate's clause, with or without its comma
    doc = _plan(34, "III. TỔ CHỨC THỰC HIỆN\n"
                    "1. Các doanh nghiệp viễn thông, doanh nghiệp bưu chính ưu tiên đầu tư hạ tầng số tại vùng sâu.\n"
                    "2. Các ban đảng ban hành kế hoạch thực hiện. Bí thư các tỉnh ủy, thành ủy có biển trực tiếp chỉ đạo "
                    "việc thực hiện.\n"
                    "3. Các ngành, lĩnh vực khác, căn cứ nội dung Kế hoạch này, xây dựng kế hoạch của ngành.\n"
                    "4. Các sở, ngành căn cứ hướng dẫn của Sở Nội vụ tổ chức rà soát hồ sơ.\n")
    assert _task_leads(extractor, doc) == [
        ("III.1", ["các doanh nghiệp viễn thông, doanh nghiệp bưu chính"]),
        ("III.2", ["các ban đảng", "các tỉnh ủy, thành ủy có biển"]),
        ("III.3", ["các ngành, lĩnh vực khác"]),
        ("III.4", ["các sở, ngành"])]


def test_a_body_singled_out_a_collective_pointing_back_and_a_list_ended_by_a_title(extractor):
    # "Riêng UBND tỉnh C …" under the head of five provinces is C's alone; "các tỉnh này" are the three named before
    # it; "…, Tân Đức và Chủ tịch UBND phường Hà Thanh" ends the list of communes at the title
    doc = _cong_dien(245, "1. Chủ tịch UBND các tỉnh: Hòa Lĩnh, Nam Tân, Bắc Khê chưa chỉ đạo quyết liệt. Chủ tịch UBND "
                          "các tỉnh này trực tiếp chỉ đạo lập chốt kiểm dịch, báo cáo trước ngày 15/12/2025.\n"
                          "2. Ủy ban nhân dân các tỉnh: Hòa Lĩnh, Nam Tân:\n"
                          "a) Chủ động vận hành các cống ngăn mặn, tích trữ nước ngọt trong hệ thống kênh rạch.\n"
                          "b) Riêng UBND tỉnh Nam Tân khẩn trương hoàn thành dự án cống ngăn mặn Rạch Đùng.\n"
                          "3. Chủ tịch UBND các xã: Phú Thịnh, Tân Đức và Chủ tịch UBND phường Hà Thanh:\n"
                          "a) Trực tiếp chỉ đạo, chịu trách nhiệm về tiến độ giải phóng mặt bằng trên địa bàn.\n")
    provinces = ["Ủy ban nhân dân tỉnh Hòa Lĩnh", "Ủy ban nhân dân tỉnh Nam Tân"]
    assert _task_leads(extractor, doc) == [
        ("1", provinces + ["Ủy ban nhân dân tỉnh Bắc Khê"]),
        ("2.a", provinces),
        ("2.b", ["Ủy ban nhân dân tỉnh Nam Tân"]),
        ("3.a", ["Ủy ban nhân dân xã Phú Thịnh", "Ủy ban nhân dân xã Tân Đức", "Ủy ban nhân dân phường Hà Thanh"])]


def test_answers_to_proposals_that_only_approve_or_note_assign_nothing_and_bullets_of_an_order_are_tasks(extractor):
    # "Về đề xuất …: Ghi nhận …" and "Đồng ý … các hộ đã bàn giao mặt bằng" ("bàn giao" is no "giao") ask nobody
    # to act; "Đồng ý …; giao Bộ Công Thương …" does; the bullets of "(4) Chỉ đạo … các giải pháp …:" are orders
    # whatever verb they open with
    doc = _pm_notice(650, "1. Về đề xuất của UBND tỉnh Hòa Lĩnh về đầu tư Trung tâm logistics lúa gạo: Ghi nhận đề "
                          "xuất của Tỉnh; việc lựa chọn địa điểm thực hiện theo quy hoạch được duyệt.\n"
                          "2. Về đề xuất của Hiệp hội Lương thực Việt Nam về dự trữ lưu thông: Đồng ý về chủ trương; "
                          "giao Bộ Công Thương nghiên cứu, tiếp thu khi sửa đổi Nghị định số 107/2018/NĐ-CP.\n"
                          "3. Đồng ý về chủ trương cho phép tạm ứng kinh phí bồi thường cho các hộ đã bàn giao mặt "
                          "bằng trước khi phê duyệt phương án tái định cư.\n"
                          "4. Chỉ đạo UBND tỉnh Hòa Lĩnh thực hiện đồng bộ các giải pháp thúc đẩy tăng trưởng:\n"
                          "- Cơ cấu lại nền kinh tế gắn với đổi mới mô hình tăng trưởng; cải thiện môi trường đầu tư, "
                          "thu hút các nhà đầu tư chiến lược.\n")
    assert _task_leads(extractor, doc) == [("II.2", ["Bộ Công Thương"]),
                                           ("II.4.-1", ["Ủy ban nhân dân tỉnh Hòa Lĩnh"])]


def test_an_appendix_table_with_cells_parted_by_bars_gives_its_rows_as_tasks(extractor):
    doc = _plan(263, "III. TỔ CHỨC THỰC HIỆN\n"
                     "1. Sở Nội vụ chủ trì theo dõi, đôn đốc thực hiện Kế hoạch này.\n"
                     "Nơi nhận:\n- Lưu: VT.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nHoàng Văn Sĩ\n"
                     "PHỤ LỤC\nDANH MỤC NHIỆM VỤ TRỌNG TÂM\n"
                     "STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành\n"
                     "1 | Ban hành Quy định đánh giá, xếp loại công chức cấp xã | Sở Nội vụ | Các sở, ngành | "
                     "Trước ngày 15/01/2026\n"
                     "2 | Bố trí kinh phí thực hiện Kế hoạch | Sở Tài chính | Sở Nội vụ | Quý I/2026\n")
    extractor.extract(doc)
    rows = [(t.text, t.lead_agencies, t.deadline) for t in doc.tasks[1:]]
    assert rows == [("Ban hành Quy định đánh giá, xếp loại công chức cấp xã", ["Sở Nội vụ"], "2026-01-15"),
                    ("Bố trí kinh phí thực hiện Kế hoạch", ["Sở Tài chính"], "2026-03-31")]


def test_a_plenum_of_a_party_term_is_no_count_and_named_departments_are_whole(extractor):
    finder = MetricFinder(load_lexicon())
    assert finder.find("Nghị quyết Hội nghị Trung ương 8 khóa XIII; tổ chức 03 khóa đào tạo.")[0].unit == "khóa"
    assert len(finder.find("Nghị quyết Hội nghị Trung ương 8 khóa XIII; tổ chức 03 khóa đào tạo.")) == 1
    doc = _cong_dien(246, "1. Bộ trưởng Bộ Nông nghiệp và Môi trường:\n"
                          "a) Chỉ đạo Cục Chăn nuôi và Thú y tăng cường kiểm tra chất lượng vắc xin lưu hành.\n"
                          "2. Đề nghị Hiệp hội Lương thực Việt Nam hướng dẫn doanh nghiệp hội viên tạm trữ lúa gạo.\n")
    assert _task_leads(extractor, doc) == [("1.a", ["Cục Chăn nuôi và Thú y"]),
                                           ("2", ["Hiệp hội Lương thực Việt Nam"])]
