"""Figures in Vietnamese administrative text: percentages, fractions, quantities with units.

Numbers are written the Vietnamese way (thousands ".", decimals ","). A figure
needs a unit or counted noun from ``metrics.json`` (or "%"); a number followed by
a time word is a date or a duration, and one after a reference word ("chỉ tiêu
8.9", "Tiêu chí số 2", "Điều 5") is a reference, not a figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import Lexicon, words_pattern

NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?(?:\.\d{1,2}(?!\d))?"


def parse_number(text: str) -> float:
    """ "13.966" → 13966, "17,03" → 17.03, "1.219,11" → 1219.11, "2.5" → 2.5."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", text):
        return float(text.replace(".", "").replace(",", "."))
    return float(text.replace(",", "."))


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
        self.figure_re = re.compile(
            rf"(?<![\w.,/-])(?P<value>{NUMBER})(?:\s*/\s*(?P<total>{NUMBER}))?"
            rf"(?:\s*(?P<pct>%)|\s+(?P<unit>(?:{units})(?:\s*/\s*[^\W\d_]+)?)(?!\w))",
            re.IGNORECASE,
        )
        self.reference_re = re.compile(rf"(?:^|[^\w])(?:{words_pattern(m['reference_before'])})\s*[:.]?\s*$", re.IGNORECASE)
        self.time_re = re.compile(rf"\s+(?:{words_pattern(m['time_words'])})(?!\w)", re.IGNORECASE)

    def find(self, text: str) -> list[Figure]:
        figures: list[Figure] = []
        for m in self.figure_re.finditer(text):
            if self.reference_re.search(text[max(0, m.start() - 25): m.start()]):
                continue
            unit = "%" if m.group("pct") else re.sub(r"\s+", " ", m.group("unit")).lower()
            # "18/30" before a time word is a date ("18/3 năm"), not a fraction
            if m.group("total") and not m.group("pct") and self.time_re.match(text, m.end("total")):
                continue
            value = parse_number(m.group("value"))
            total = parse_number(m.group("total")) if m.group("total") else None
            percent = value if unit == "%" else None
            figures.append(Figure(m.group(0), value, total, unit, percent, _subject(text, m.start(), m.end()),
                                  m.start(), m.end()))
        return figures


def _subject(text: str, start: int, end: int) -> str:
    """The clause around a figure, without it: what the figure measures (at most 14 words)."""
    left = re.split(r"[;:.()]|,\s", text[:start])[-1]
    right = re.split(r"[;:.()]|,\s", text[end:])[0]
    words = (left.split()[-8:] + ["…"] + right.split()[:6])
    return " ".join(words).strip(" …") if len(words) > 1 else ""
