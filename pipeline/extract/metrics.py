"""Figures in Vietnamese administrative text: percentages, fractions, quantities with units.

Numbers are written the Vietnamese way (thousands ".", decimals ","). A figure
needs a unit or counted noun from ``metrics.json`` (or "%"); a number followed by
a time word is a date or a duration, a whole number right after one ("năm 2025")
is a date, and one after a reference word ("chỉ tiêu 8.9", "Tiêu chí số 2",
"Điều 5") is a reference, not a figure, and so is a count followed by a Roman
numeral ("Trung ương 8 khóa XIII"). A range ("250-400 mm")
is read as its lower bound; figures inside quotation marks belong to slogans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import Lexicon, words_pattern

NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?(?:\.\d{1,2}(?!\d))?"
SPACED_DECIMAL = r"\d{1,3}, \d{1,2}(?=%)"  # "80, 68%": a decimal comma followed by a stray space


def parse_number(text: str) -> float:
    """ "13.966" → 13966, "17,03" → 17.03, "1.219,11" → 1219.11, "2.5" → 2.5."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", text):
        return float(text.replace(".", "").replace(",", "."))
    return float(text.replace(" ", "").replace(",", "."))


@dataclass
class Figure:
    text: str
    value: float
    total: float | None
    unit: str
    percent: float | None
    subject: str
    start: int  # span in the paragraph
    end: int


class MetricFinder:
    def __init__(self, lexicon: Lexicon):
        m = lexicon.metrics
        units = words_pattern([u for u in m["units"] if u != "%"])
        unit = rf"(?:{units})(?!\w)"
        self.figure_re = re.compile(
            rf"(?<![\w.,/-])(?P<value>{NUMBER}|{SPACED_DECIMAL})(?:\s*[-–]\s*(?P<upper>{NUMBER}))?(?:\s*/\s*(?P<total>{NUMBER}))?"
            rf"(?:\s*(?P<pct>%)|\s*(?P<unit>{unit}(?:\s*/\s*[^\W\d_]+)?(?:,\s+{unit})*))",
            re.IGNORECASE,
        )
        self.reference_re = re.compile(rf"(?:^|[^\w])(?:{words_pattern(m['reference_before'])})\s*[:.]?\s*$", re.IGNORECASE)
        # "năm 2025", "ngày 15": a date; but "cả năm 5.817,196 tỷ đồng", "giảm hằng năm 1%", "01 năm: 1.500.000.000
        # đồng" are figures: only a whole number without thousands right after a time word is one
        self.date_after_re = re.compile(rf"(?:^|[^\w])(?:{words_pattern(m['time_words'])})\s*$", re.IGNORECASE)
        self.not_reference_re = re.compile(rf"(?:^|[^\w])(?:{words_pattern(m['not_reference'])})\s*$", re.IGNORECASE)
        self.time_re = re.compile(rf"\s+(?:{words_pattern(m['time_words'])})(?!\w)", re.IGNORECASE)

    def find(self, text: str) -> list[Figure]:
        figures: list[Figure] = []
        for m in self.figure_re.finditer(text):
            before = text[max(0, m.start() - 25): m.start()]
            if self.reference_re.search(before) and not self.not_reference_re.search(before) or _quoted(text, m.start()):
                continue
            if self.date_after_re.search(before) and re.fullmatch(r"\d+", m.group("value")) and not m.group("pct"):
                continue
            unit = "%" if m.group("pct") else re.sub(r"\s+", " ", m.group("unit")).lower()
            # "18/30" before a time word is a date ("18/3 năm"), not a fraction
            if m.group("total") and not m.group("pct") and self.time_re.match(text, m.end("total")):
                continue
            # "2 Bộ Công Thương": a row number before a name, not a count of ministries
            if m.group("unit") and m.group("unit")[0].isupper() and not m.group("unit").isupper() \
                    and re.match(r"\s+[A-ZĐ]", text[m.end():]):
                continue
            # "Hội nghị Trung ương 8 khóa XIII": a plenum of a term, named by its numbers, not a count of terms
            if m.group("unit") and re.match(r"\s+[IVXL]+(?!\w)", text[m.end():]):
                continue
            # "1900-2030": a span of years, not a range of figures
            if m.group("upper") and re.fullmatch(r"(?:19|20)\d\d", m.group("value")):
                continue
            end = m.end()
            total = parse_number(m.group("total")) if m.group("total") else None
            # "3.071 TTHC/4.888 TTHC": the total repeats the unit
            if total is None and m.group("unit"):
                repeated = re.match(rf"\s*/\s*({NUMBER})\s*{re.escape(m.group('unit'))}(?!\w)", text[end:], re.IGNORECASE)
                if repeated:
                    total, end = parse_number(repeated.group(1)), end + repeated.end()
            value = parse_number(m.group("value"))
            percent = value if unit == "%" else None
            figures.append(Figure(text[m.start():end], value, total, unit, percent, _subject(text, m.start(), end),
                                  m.start(), end))
        return figures


def _quoted(text: str, pos: int) -> bool:
    """Inside quotation marks: a slogan or a name ("“3 ca, 4 kíp”"), not a reported figure."""
    before = text[:pos]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _subject(text: str, start: int, end: int) -> str:
    """The clause around a figure, without it: what the figure measures (at most 14 words)."""
    left = re.split(r"[;:.()]|,\s", text[:start])[-1]
    right = re.split(r"[;:.()]|,\s", text[end:])[0]
    words = (left.split()[-8:] + ["…"] + right.split()[:6])
    return " ".join(words).strip(" …") if len(words) > 1 else ""
