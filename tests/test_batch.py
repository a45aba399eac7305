"""A clerk's folder end to end: every input kind, born-digital PDFs, bad inputs, re-runs."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from pipeline.batch import run_batch
from pipeline.config import Config
from pipeline.evaluate.metrics import cer
from pipeline.simulate import save_pdf, save_tiff
from pipeline.storage import read_json

from .conftest import REPO, SHORT_CONCLUSION, make_born_digital_pdf, make_scan

BORN_DIGITAL_LINES = [
    "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG",
    "Số: 112/TB-UBND",
    "Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng báo cáo trước ngày 15/5/2024.",
]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def good_inbox(tmp_path_factory) -> Path:
    inbox = tmp_path_factory.mktemp("inbox")
    two_pages = SHORT_CONCLUSION + "\n".join(
        f"{i}. Ủy ban nhân dân huyện Sơn Dương tập trung chỉ đạo các xã hoàn thành tiêu chí về giao thông, "
        "thủy lợi, điện, trường học và cơ sở vật chất văn hóa theo kế hoạch đã đề ra." for i in range(1, 12)
    )
    pdf_scan, tiff_scan = make_scan(two_pages, "moderate", seed=1), make_scan(two_pages, "clean", seed=2)
    assert len(pdf_scan.pages) == len(tiff_scan.pages) == 2
    save_pdf(pdf_scan, inbox / "scan_two_pages.pdf")
    save_tiff(tiff_scan, inbox / "scan.tiff")
    one_page = make_scan(SHORT_CONCLUSION, "clean", seed=3).pages[0]
    one_page.image.save(inbox / "photo.png", dpi=(one_page.dpi, one_page.dpi))
    one_page.image.save(inbox / "photo.jpg", quality=90, dpi=(one_page.dpi, one_page.dpi))
    (inbox / "legacy_ocr.txt").write_text("Ket luan cua Chu tich UBND tinh\n\nNgay 05/4/2024, ...\n", encoding="utf-8")
    make_born_digital_pdf(inbox / "born_digital.pdf", BORN_DIGITAL_LINES)
    return inbox


@pytest.fixture(scope="module")
def good_batch(good_inbox, tmp_path_factory):
    hashes = {p.name: _sha(p) for p in good_inbox.iterdir()}
    config = Config(inbox=good_inbox, out=tmp_path_factory.mktemp("out"), quiet=True)
    result = run_batch(config)
    return config, result, hashes


def _documents(config: Config) -> pd.DataFrame:
    """documents.csv indexed by file name."""
    docs = pd.read_csv(config.out / "documents.csv", encoding="utf-8-sig")
    return docs.set_index(docs["source_path"].map(lambda p: Path(p).name))


def test_every_input_kind_becomes_a_document(good_batch):
    config, result, _ = good_batch
    assert result.exit_code == 0 and not result.failed
    docs = _documents(config)
    assert set(docs.index) == {"scan_two_pages.pdf", "scan.tiff", "photo.png", "photo.jpg", "legacy_ocr.txt", "born_digital.pdf"}
    assert (docs["status"] == "ok").all()
    assert docs.loc["scan_two_pages.pdf", "pages"] == 2 and docs.loc["scan.tiff", "pages"] == 2
    assert docs.loc["scan_two_pages.pdf", "text_source"] == "ocr"
    assert docs.loc["legacy_ocr.txt", "text_source"] == "text_file"
    assert docs.loc["photo.png", "ocr_mean_confidence"] > 80
    # doc_id is the first 16 hex digits of the file's SHA-256
    for name, row in docs.iterrows():
        assert row["doc_id"] == _sha(Path(row["source_path"]))[:16]


def test_ocr_text_and_word_provenance(good_batch):
    config, _, _ = good_batch
    docs = _documents(config)
    doc = read_json(config.json_dir / f"{docs.loc['photo.png', 'doc_id']}.json")
    truth = make_scan(SHORT_CONCLUSION, "clean", seed=3).pages[0].ground_truth
    assert cer(truth, doc["text"]) < 0.01
    text_on_disk = (config.text_dir / f"{doc['doc_id']}.txt").read_text(encoding="utf-8")
    assert text_on_disk == doc["text"]
    words = [w for line in doc["pages"][0]["lines"] for w in line["words"]]
    giao = next(w for w in words if w["text"] == "Giao")
    assert doc["text"][giao["start"] : giao["end"]] == "Giao"
    left, top, width, height = giao["box"]
    assert width > 10 and height > 10 and 0 <= left < doc["pages"][0]["width"]
    assert {"render", "ocr"} <= set(doc["timings"]) and doc["pipeline_version"]


def test_born_digital_pdf_uses_its_text_layer(good_batch):
    config, _, _ = good_batch
    docs = _documents(config)
    assert docs.loc["born_digital.pdf", "text_source"] == "text_layer"
    doc = read_json(config.json_dir / f"{docs.loc['born_digital.pdf', 'doc_id']}.json")
    assert doc["text"].split("\n") == BORN_DIGITAL_LINES
    assert "render" not in doc["timings"]  # no page was rasterised


def test_sources_are_never_modified(good_batch, good_inbox):
    _, _, hashes = good_batch
    assert {p.name: _sha(p) for p in good_inbox.iterdir()} == hashes


def test_rerun_does_no_work(good_batch):
    config, first, _ = good_batch
    mtimes = {p: p.stat().st_mtime_ns for p in config.json_dir.iterdir()}
    again = run_batch(config)
    assert again.processed == [] and again.pages_ocr == 0
    assert sorted(again.skipped) == sorted(first.processed)
    assert {p: p.stat().st_mtime_ns for p in config.json_dir.iterdir()} == mtimes


def _encrypted_pdf(path: Path, plain: Path) -> None:
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt(user_password="mat-khau", owner_password="chu-so-huu")
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())


def test_bad_inputs_get_error_rows_and_the_batch_goes_on(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    make_born_digital_pdf(inbox / "good.pdf", BORN_DIGITAL_LINES)
    (inbox / "empty.pdf").write_bytes(b"")
    (inbox / "corrupt.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20)
    _encrypted_pdf(inbox / "encrypted.pdf", inbox / "good.pdf")
    (inbox / "minutes.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    (inbox / "blank.png").write_bytes(_png(Image.new("RGB", (1240, 1754), "white")))
    (inbox / "huge.tiff").write_bytes(_tiff(Image.new("1", (12000, 12000), 1)))
    config = Config(inbox=inbox, out=tmp_path / "out", quiet=True, max_page_pixels=50_000_000)
    result = run_batch(config)
    assert result.exit_code == 1
    errors = pd.read_csv(config.out / "errors.csv", encoding="utf-8-sig")
    reasons = {Path(p).name: e for p, e in zip(errors["source_path"], errors["error"])}
    assert set(reasons) == {"empty.pdf", "corrupt.pdf", "encrypted.pdf", "minutes.docx", "blank.png", "huge.tiff"}
    assert "empty" in reasons["empty.pdf"]
    assert "corrupt" in reasons["corrupt.pdf"]
    assert "password" in reasons["encrypted.pdf"]
    assert "not a document" in reasons["minutes.docx"]
    assert "no text" in reasons["blank.png"]
    assert "too large" in reasons["huge.tiff"]
    docs = pd.read_csv(config.out / "documents.csv", encoding="utf-8-sig")
    assert (docs.loc[docs["source_path"].str.endswith("good.pdf"), "status"] == "ok").all()
    assert len(docs) == 7 and docs["doc_id"].is_unique


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _tiff(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="TIFF", compression="group4")
    return buffer.getvalue()


def test_cli_usage_errors_exit_2(tmp_path):
    from pipeline.cli import main

    assert main(["run", str(tmp_path / "missing"), "--out", str(tmp_path / "out")]) == 2
    assert main([]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0


def test_text_files_are_restored_with_changes_recorded(good_batch):
    config, _, _ = good_batch
    docs = _documents(config)
    doc = read_json(config.json_dir / f"{docs.loc['legacy_ocr.txt', 'doc_id']}.json")
    assert doc["restoration_mode"] == "stripped"
    assert doc["text"].startswith("Kết luận của Chủ tịch UBND tỉnh\n\nNgày 05/4/2024")
    assert doc["ocr_text"].startswith("Ket luan cua Chu tich UBND tinh")
    first = doc["changes"][0]
    assert (first["original"], first["replacement"]) == ("Ket", "Kết")
    assert doc["ocr_text"][first["start"] : first["end"]] == "Ket" and 0 < first["score"] <= 1


def test_seed_legacy_ocr_comes_out_as_vietnamese(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    seed = REPO / "samples" / "seed_000_604c8d4a32438447.txt"
    (inbox / seed.name).write_bytes(seed.read_bytes())
    config = Config(inbox=inbox, out=tmp_path / "out", quiet=True)
    assert run_batch(config).exit_code == 0
    text = next(config.text_dir.glob("*.txt")).read_text(encoding="utf-8")
    assert "Tuyên Quang, ngày 20 tháng 3 năm 2024" in text
    assert "Ban Thường vụ Tỉnh ủy" in text and "nông thôn mới" in text
    assert "Tinh ty" not in text and "nim 2024" not in text
