"""The analyst's side: SQL over the tables, Excel-safe CSV, the hot folder, the HTML report
(checked in a real headless Chromium) and the notebook."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
import pytesseract

from pipeline.batch import run_batch
from pipeline.config import Config
from pipeline.simulate import save_pdf

from .conftest import REPO, SHORT_CONCLUSION, make_scan

KETLUAN = [sys.executable, "-m", "pipeline.cli"]
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
LEAD = "Sở Nông nghiệp và Phát triển nông thôn"
BULLETS = """ỦY BAN NHÂN DÂN
HUYỆN SƠN DƯƠNG
Số: 12/KH-UBND
Sơn Dương, ngày 02 tháng 5 năm 2024
KẾ HOẠCH
Thực hiện chuyển đổi số năm 2024
Ủy ban nhân dân huyện giao các cơ quan thực hiện các nhiệm vụ sau:
1. Phòng Văn hóa và Thông tin huyện chủ trì thực hiện:
- Hoàn thành số hóa hồ sơ, tài liệu lưu trữ trước ngày 31/7/2024.
- Báo cáo kết quả định kỳ hằng quý.
2. Giao Phòng Tài chính - Kế hoạch huyện bố trí kinh phí trong quý III năm 2024.
"""


@pytest.fixture(scope="module")
def analyst_out(tmp_path_factory) -> tuple[Config, object]:
    """A batch over a real scan (OCR'd) and a text file with bullet tasks."""
    inbox = tmp_path_factory.mktemp("inbox")
    scan = make_scan(SHORT_CONCLUSION, "clean", seed=7)
    save_pdf(scan, inbox / "tb_45.pdf")
    (inbox / "kh_12.txt").write_text(BULLETS, encoding="utf-8")
    config = Config(inbox=inbox, out=tmp_path_factory.mktemp("out"), quiet=True)
    assert run_batch(config).exit_code == 0
    return config, scan


def ketluan(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*KETLUAN, *args], capture_output=True, text=True, cwd=REPO, timeout=120, **kwargs)


# --- ketluan query ----------------------------------------------------------------------------------
def test_query_answers_with_typed_dates_in_three_formats(analyst_out):
    config, _ = analyst_out
    sql = ("SELECT a.agency, t.deadline FROM tasks t JOIN task_agencies a ON a.task_id = t.task_id "
           "WHERE a.role = 'lead' AND t.deadline <= DATE '2024-06-30' + INTERVAL 30 DAY ORDER BY t.deadline")
    as_json = ketluan("query", sql, "--out", str(config.out), "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    rows = json.loads(as_json.stdout)
    assert {"agency": LEAD, "deadline": "2024-06-30"} in rows
    assert all(r["deadline"] <= "2024-07-30" for r in rows)  # the comparison is on dates

    table = ketluan("query", sql, "--out", str(config.out))
    header, rule = table.stdout.splitlines()[:2]
    assert header.split() == ["agency", "deadline"] and set(rule) <= {"-", " "}
    assert f"({len(rows)} row" in table.stdout.splitlines()[-1]

    as_csv = ketluan("query", "SELECT count(*) AS n FROM documents", "--out", str(config.out), "--format", "csv")
    assert as_csv.stdout.splitlines() == ["n", "2"]
    assert (config.out / "parquet" / "tasks.parquet").exists()


def test_query_errors_are_clear_and_exit_2(analyst_out, tmp_path):
    config, _ = analyst_out
    bad = ketluan("query", "SELECT * FROM taskz", "--out", str(config.out))
    assert bad.returncode == 2 and "taskz" in bad.stderr
    empty = ketluan("query", "SELECT 1", "--out", str(tmp_path / "nothing"))
    assert empty.returncode == 2 and "no tables" in empty.stderr


# --- Excel-safe CSV ---------------------------------------------------------------------------------
def test_csv_is_excel_safe_and_parquet_keeps_the_text(analyst_out):
    config, _ = analyst_out
    raw = (config.out / "tasks.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"task_id,") == 1  # BOM, one header row
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    bullets = [r for r in rows if "số hóa" in r["text"]]
    assert bullets and bullets[0]["text"].startswith("'- Hoàn thành")  # "-…" would be a formula in Excel
    assert bullets[0]["deadline"] == "2024-07-31"
    assert not any(v[:1] in "=+-@" for r in rows for v in r.values() if v)
    from pipeline.query import run_query

    result = run_query("SELECT text FROM tasks WHERE text LIKE '%số hóa%'", config.out)
    assert result.rows[0][0].startswith("- Hoàn thành")


# --- ketluan watch ----------------------------------------------------------------------------------
def test_watch_reads_files_only_once_complete_and_stops_on_ctrl_c(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    proc = subprocess.Popen(
        [*KETLUAN, "watch", str(inbox), "--out", str(out), "--interval", "0.2", "--settle", "1.5"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        time.sleep(2)
        content = BULLETS.encode("utf-8")
        target = inbox / "kh_12.txt"
        with target.open("wb") as handle:  # a slow copy: pauses shorter than the settle time
            for i in range(0, len(content), len(content) // 4 + 1):
                handle.write(content[i:i + len(content) // 4 + 1])
                handle.flush()
                time.sleep(0.6)
        deadline = time.time() + 90
        while time.time() < deadline and not (out / "tasks.csv").exists():
            time.sleep(0.3)
        records = [json.loads(p.read_text(encoding="utf-8")) for p in (out / "json").glob("*.json")]
        assert [r["sha256"] for r in records] == [hashlib.sha256(content).hexdigest()]  # never a partial file
        assert "số hóa" in (out / "tasks.csv").read_text(encoding="utf-8-sig")
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert "stopped watching" in stderr


# --- the report, in a real browser ------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("chromium and chromium-driver (Debian packages) are needed; make test installs them")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def report(analyst_out):
    config, _ = analyst_out
    result = ketluan("report", "--out", str(config.out), "--as-of", "2024-07-01")
    assert result.returncode == 0, result.stderr
    return config.out / "report.html"


def _severe_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_report_renders_with_charts_and_overdue_tasks(report, browser):
    from selenium.webdriver.common.by import By

    assert "http" not in report.read_text(encoding="utf-8").replace("http://www.w3.org", "")  # nothing online
    browser.get(report.as_uri())
    bars = browser.find_elements(By.CSS_SELECTOR, "#agency-chart g.bar")
    assert LEAD in {b.get_attribute("data-agency") for b in bars}
    months = {g.get_attribute("data-month") for g in browser.find_elements(By.CSS_SELECTOR, "#timeline-chart g.month")}
    assert {"2024-06", "2024-07"} <= months
    overdue = browser.find_elements(By.CSS_SELECTOR, "tr.overdue td.deadline")
    assert [td.text for td in overdue] == ["2024-06-30"]  # as of 2024-07-01
    # another date chosen in the page: everything up to it is overdue, charts follow
    browser.execute_script(
        "var i = document.getElementById('as-of'); i.value = '2025-01-01'; i.dispatchEvent(new Event('change'));"
    )
    assert len(browser.find_elements(By.CSS_SELECTOR, "tr.overdue")) == len(
        browser.find_elements(By.CSS_SELECTOR, "tr[data-deadline]")) >= 3
    july = browser.find_element(By.CSS_SELECTOR, '#timeline-chart g.month[data-month="2024-07"] rect.overdue')
    assert float(july.get_attribute("height")) > 0
    assert not _severe_errors(browser)


def test_review_page_highlights_sit_on_the_right_words(report, browser, analyst_out):
    from selenium.webdriver.common.by import By

    _, scan = analyst_out
    browser.get(report.as_uri())
    links = browser.find_elements(By.CSS_SELECTOR, "a.review-link")
    assert len(links) == 2
    scanned = next(a for a in links if "Sơn Dương" in a.text)
    scanned.click()
    assert browser.current_url.endswith(".html") and "/review/" in browser.current_url
    image = browser.find_element(By.CSS_SELECTOR, ".page img")
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image) > 0
    # the deadline: in the text, the highlighted words are the deadline phrase...
    marks = browser.find_elements(By.CSS_SELECTOR, ".text .hl-deadline")
    assert "30/6/2024" in "".join(m.text for m in marks)
    item = marks[0].get_attribute("data-items").split()[-1]
    # ...and on the page image, its box covers the same words: read them back with Tesseract
    box = browser.find_element(By.CSS_SELECTOR, f'.box[data-item="{item}"]')
    img_rect = browser.execute_script("return arguments[0].getBoundingClientRect()", image)
    box_rect = browser.execute_script("return arguments[0].getBoundingClientRect()", box)
    page = scan.pages[0].image
    sx, sy = page.width / img_rect["width"], page.height / img_rect["height"]
    left, top = (box_rect["x"] - img_rect["x"]) * sx, (box_rect["y"] - img_rect["y"]) * sy
    crop = page.crop((int(left) - 8, int(top) - 8, int(left + box_rect["width"] * sx) + 8,
                      int(top + box_rect["height"] * sy) + 8))
    read = pytesseract.image_to_string(crop, lang="vie", config="--psm 7")
    assert "30/6/2024" in read.replace(" ", "")
    # hovering the text lights the box up; OCR confidence is shown per page
    from selenium.webdriver import ActionChains

    ActionChains(browser).move_to_element(marks[0]).perform()
    assert "active" in box.get_attribute("class")
    assert "OCR confidence" in browser.find_element(By.CSS_SELECTOR, ".page-head").text
    # the way back
    browser.find_element(By.ID, "back").click()
    assert browser.current_url == report.as_uri()
    assert not _severe_errors(browser)


def test_every_link_of_the_report_resolves(report):
    import re

    out = report.parent
    pages = [report, *sorted((out / "review").glob("*.html"))]
    for page in pages:
        for target in re.findall(r'(?:href|src)="([^"#]+)', page.read_text(encoding="utf-8")):
            assert (page.parent / target).resolve().exists(), f"{page.name}: broken link {target}"


# --- the notebook -----------------------------------------------------------------------------------
def test_notebook_runs_and_answers(analyst_out):
    import nbformat
    from nbclient import NotebookClient

    config, _ = analyst_out
    notebook = nbformat.read(REPO / "notebooks" / "analyst.ipynb", as_version=4)
    env = {"KETLUAN_OUT": str(config.out), "KETLUAN_AS_OF": "2024-07-01", "KETLUAN_PLACE": "Sơn Dương"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        NotebookClient(notebook, timeout=180, kernel_name="python3",
                       resources={"metadata": {"path": str(REPO / "notebooks")}}).execute()
    finally:
        for k, v in saved.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "2 documents" in text and LEAD in text
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the plot
