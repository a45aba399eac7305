"""Vietnamese temporal normaliser for administrative deadlines.

dateparser knows neither quarters, Roman numerals nor the genre's phrasing, so
the expressions are recognised here in two steps: *atoms* (a day, a month, a
quarter, a half, a year, a span of years) with the first and last day they
cover, then the words before an atom (from ``temporal.json``) that make it a
deadline and set its kind: by, within, from_to or recurring. A time with no such
word ("dự toán năm 2025", "Nghị quyết … ngày 22/12/2024") is not a deadline.
Dates without a year take the document's year.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..model import Deadline
from .lexicon import LOWER, Lexicon, words_pattern

_NUMBER_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10,
                 "mười lăm": 15, "hai mươi": 20, "ba mươi": 30}
_TIME_OF_DAY = r"(?:\d{1,2}\s*(?:giờ|h)(?:\s*\d{1,2}(?:\s*phút)?)?\s*,?\s*(?:ngày\s*)?)?"
_YEAR = r"(\d{4})"
_ATOMS = {
    # "từ ngày 08 đến ngày 10 tháng 12 năm 2025": the first day borrows the month and year of the second
    "day_range": rf"(?:ngày\s+)?(\d{{1,2}})\s+(?:đến|tới)\s+(?:hết\s+)?(?:ngày\s+)?(\d{{1,2}})\s+tháng\s+(\d{{1,2}})"
                 rf"(?:\s*(?:năm|,)\s*{_YEAR})?",
    "day_long": rf"(?:ngày\s+)?(\d{{1,2}})\s+tháng\s+(\d{{1,2}})(?:\s*(?:năm|,)\s*{_YEAR})?",
    "day": rf"(?:ngày\s+)?(\d{{1,2}})\s*[/-]\s*(\d{{1,2}})(?:\s*[/-]\s*{_YEAR})?(?![\d/])",
    "day_dotted": rf"(?:ngày\s+)?(\d{{1,2}})\.(\d{{1,2}})\.{_YEAR}(?!\d)",  # "31.12.2025"; "8.9" is a criterion
    "half": rf"(?:0?6|sáu)\s+tháng\s+(đầu|cuối)\s+năm(?:\s+{_YEAR})?|nửa\s+(đầu|cuối)\s+năm(?:\s+{_YEAR})?",
    "quarter": rf"quý\s+(IV|I{{1,3}}|[1-4])(?:\s*(?:/|năm|,)\s*{_YEAR})?(?![\w/])",
    "month": rf"tháng\s+(\d{{1,2}})(?:\s*(?:/|năm|,)\s*{_YEAR})?(?![\d/])",
    "years": rf"(?:năm\s+)?{_YEAR}\s*[-–]\s*{_YEAR}",
    "year": rf"năm\s+{_YEAR}",
    "this": r"(tuần|tháng|quý|năm)\s+n(?:ày|ay)",
    # not "năm sau": "các năm sau" are the years after; "năm tới" only as the one year ("trong năm tới")
    "next": r"(tuần|tháng|quý)\s+(?:tới|sau)(?!\s+nữa)|(?<!các\s)(?<!những\s)(năm)\s+tới",
    # "Tết Nguyên đán Bính Ngọ 2026": the first day of a lunar year, named by its sexagenary name or year
    "lunar_new_year": rf"Tết\s+(?:Nguyên\s+đán|Âm\s+lịch|cổ\s+truyền)(?:\s+([A-ZĐ][^\W\d_]*\s+[A-ZĐ][^\W\d_]*))?"
                      rf"(?:\s+(?:năm\s+)?{_YEAR})?",
    # "15 (mười lăm) ngày làm việc": the number may be spelt out again in brackets
    "relative": r"(\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")(?:\s*\([^()\d]{1,20}\))?"
                r"\s+(ngày|tuần|tháng)(\s+làm\s+việc)?",
}
_BARE_YEAR_RE = re.compile(r"\s*((?:19|20)\d\d)\s*")
_ATOM_RE = re.compile("|".join(f"(?P<{k}>{_TIME_OF_DAY}{v})" for k, v in _ATOMS.items()), re.IGNORECASE)


@dataclass
class _Atom:
    start: int
    end: int
    first: date | None
    last: date | None
    granularity: str
    relative_days: int | None = None  # "10 ngày": a duration, counted from the document date
    working_days: bool = False  # "10 ngày làm việc": Saturdays and Sundays do not count (public holidays do)
    is_range: bool = False  # "2026-2030", "ngày 08 đến ngày 10 tháng 12": a span of its own, first to last


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _days_after(day: date, count: int, working: bool) -> date:
    """The date ``count`` days after ``day``; working days skip Saturdays and Sundays."""
    if not working:
        return day + timedelta(days=count)
    while count:
        day += timedelta(days=1)
        count -= day.weekday() < 5
    return day


_PERIODS = {"tháng": (1, "month"), "quý": (3, "quarter"), "năm": (12, "year")}  # months in each, granularity


def _calendar_period(day: date, unit: str, offset: int) -> tuple[date, date, str]:
    """The week (Monday to Sunday), month, quarter or year holding ``day``, or ``offset`` such periods after it."""
    if unit == "tuần":
        monday = day - timedelta(days=day.weekday()) + timedelta(weeks=offset)
        return monday, monday + timedelta(days=6), "week"
    months, granularity = _PERIODS[unit]
    start = ((day.month - 1) // months + offset) * months  # the period's first month, counted from day's January
    end = start + months - 1
    return (date(day.year + start // 12, start % 12 + 1, 1), _month_end(day.year + end // 12, end % 12 + 1),
            granularity)


# where a clause opens (after a list marker, or "; " ". ") and what may follow a period that opens it: a comma or a
# lower-case word that is no copula ("Năm 2025 là năm …" states, it does not set a time)
_CLAUSE_OPENING = re.compile(r"(?:^|[;.]\s+|^\s*(?:[-+•]|[0-9IVXa-zđ]{1,4}[.)])\s*)$")
_CLAUSE_GOES_ON = re.compile(rf"\s*,\s*|\s+(?!là\b|có\b|đã\b|được\b|đạt\b)[{LOWER}]")


_CLAUSE_SPLIT = re.compile(r"[;:.()]|,\s")


def _last_clause(text: str) -> str:
    """The clause that ``text`` ends in."""
    return _CLAUSE_SPLIT.split(text)[-1]


class TemporalNormaliser:
    def __init__(self, lexicon: Lexicon):
        t = lexicon.temporal
        self.roman = t["roman"]
        self.lunar_new_year = {int(y): date.fromisoformat(d) for y, d in t["lunar_new_year"].items()}
        self.lunar_year_names = {k.lower(): v for k, v in t["lunar_year_names"].items()}
        # "trước thứ Hai, ngày 24/11/2025": the weekday may stand between the word and the date
        end = r"\s*(?:(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật)\s*,?\s*)?(?:là|vào|ngày|thời\s+điểm|,)?\s*$"
        self.by_re = re.compile(rf"(?:^|[^\w])(?:{words_pattern(t['by'])}){end}", re.IGNORECASE)
        self.within_re = re.compile(rf"(?:^|[^\w])(?:{words_pattern(t['within'])}){end}", re.IGNORECASE)
        self.from_re = re.compile(rf"(?<!\w)(?:{words_pattern(t['from'])})(?:\s+hết)?{end}", re.IGNORECASE)
        self.label_re = re.compile(rf"(?:^|[^\w])(?:{words_pattern(t['label'])})\s*:\s*$", re.IGNORECASE)
        self.period_re = re.compile(rf"(?:^|[^\w])(?:{words_pattern(t['period'])})\s*$", re.IGNORECASE)
        self.until_re = re.compile(r"\s*(?:đến|tới)\s+(?:hết\s+)?", re.IGNORECASE)
        self.periods = t["recurring_periods"]
        periods = words_pattern(list(self.periods))
        every = rf"(?:{words_pattern(t['recurring_every'])})\s+(?:{periods})"
        self.recurring_re = re.compile(
            rf"(?:(?:trước|vào|chậm\s+nhất)\s+(?:ngày\s+)?\d{{1,2}}\s+)?"
            rf"(?:(?:{words_pattern(t['recurring_periodic'])})(?:\s+(?:{every}|{periods}))?|{every})(?!\w)",
            re.IGNORECASE,
        )
        self.programme_re = re.compile(rf"(?:{words_pattern(t['not_deadline_before'])})", re.IGNORECASE)
        self.onward_re = re.compile(r"\s*và\s+(?:các|những)\s+năm\s+(?:tiếp\s+theo|sau)", re.IGNORECASE)
        self.plan_re = re.compile(rf"(?<!\w)(?:{words_pattern(t['not_recurring_after'])})(?!\w)[^,;:.()]{{0,60}}$",
                                  re.IGNORECASE)

    # --- atoms -------------------------------------------------------------------------------
    def _atom(self, m: re.Match, doc_date: date | None) -> _Atom | None:
        kind = m.lastgroup
        g = [x for x in m.groups() if x is not None]  # the named group first, then its captures
        caps = g[1:]
        anchor = doc_date.year if doc_date else None
        try:
            if kind == "day_range":
                first_day, last_day, month = int(caps[0]), int(caps[1]), int(caps[2])
                year = int(caps[3]) if len(caps) > 3 else anchor
                if year is None:
                    return None
                last = date(year, month, last_day)
                # "từ ngày 25 đến ngày 05 tháng 01": the first day lies in the month before
                first_month = date(year, month, 1) if first_day <= last_day else date(year, month, 1) - timedelta(days=1)
                first = date(first_month.year, first_month.month, first_day)
                return _Atom(m.start(), m.end(), first, last, "day", is_range=True)
            if kind in ("day", "day_long", "day_dotted"):
                day, month = int(caps[0]), int(caps[1])
                year = int(caps[2]) if len(caps) > 2 else anchor
                if year is None:
                    return None
                d = date(year, month, day)
                if len(caps) == 2 and doc_date and d < doc_date:
                    d = date(year + 1, month, day)
                return _Atom(m.start(), m.end(), d, d, "day")
            if kind == "month":
                month = int(caps[0])
                year = int(caps[1]) if len(caps) > 1 else anchor
                if year is None or not 1 <= month <= 12:
                    return None
                return _Atom(m.start(), m.end(), date(year, month, 1), _month_end(year, month), "month")
            if kind == "quarter":
                q = int(caps[0]) if caps[0].isdigit() else self.roman[caps[0].upper()]
                year = int(caps[1]) if len(caps) > 1 else anchor
                if year is None:
                    return None
                return _Atom(m.start(), m.end(), date(year, 3 * q - 2, 1), _month_end(year, 3 * q), "quarter")
            if kind == "half":
                second = caps[0].lower() == "cuối"
                year = int(caps[1]) if len(caps) > 1 else anchor
                if year is None:
                    return None
                return _Atom(m.start(), m.end(), date(year, 7 if second else 1, 1),
                             _month_end(year, 12 if second else 6), "half")
            if kind == "years":
                a, b = int(caps[0]), int(caps[1])
                if not 1900 < a <= b < 2200:
                    return None
                return _Atom(m.start(), m.end(), date(a, 1, 1), date(b, 12, 31), "year", is_range=True)
            if kind == "year":
                year = int(caps[0])
                if not 1900 < year < 2200:
                    return None
                return _Atom(m.start(), m.end(), date(year, 1, 1), date(year, 12, 31), "year")
            if kind in ("this", "next"):  # "trong năm nay", "trong tuần tới": a period of the document's date or after
                if doc_date is None:
                    return None
                first, last, granularity = _calendar_period(doc_date, caps[0].lower(), 1 if kind == "next" else 0)
                return _Atom(m.start(), m.end(), first, last, granularity)
            if kind == "lunar_new_year":
                year = int(caps[-1]) if caps and caps[-1].isdigit() else None
                if year is None and caps:
                    year = self.lunar_year_names.get(" ".join(caps[0].split()).lower())
                if year is None:  # "trước Tết Nguyên đán": the next one
                    year = next((y for y, d in sorted(self.lunar_new_year.items()) if doc_date and d >= doc_date), None)
                d = self.lunar_new_year.get(year)
                return _Atom(m.start(), m.end(), d, d, "day") if d else None
            if kind == "relative":
                n = int(caps[0]) if caps[0].isdigit() else _NUMBER_WORDS[caps[0].lower()]
                days = n * {"ngày": 1, "tuần": 7, "tháng": 30}[caps[1].lower()]
                return _Atom(m.start(), m.end(), None, None, "day", relative_days=days,
                             working_days=len(caps) > 2 and caps[1].lower() == "ngày")
        except (ValueError, KeyError):
            return None
        return None

    # --- deadlines ---------------------------------------------------------------------------
    def find(self, text: str, doc_date: date | None = None, bare_kind: str | None = None) -> list[Deadline]:
        """Every deadline expression in ``text`` (one paragraph), spans relative to it.

        ``bare_kind`` ("by") makes a time with no trigger word a deadline too, as after
        the label "Thời gian thực hiện:".
        """
        found: list[Deadline] = []
        if bare_kind and (year := _BARE_YEAR_RE.fullmatch(text)):
            # a table's time cell holding only a year ("2026"): the work is done within it
            y = int(year.group(1))
            return [Deadline(year.group(1), "within", date(y, 1, 1).isoformat(), date(y, 12, 31).isoformat(), "year",
                             year.start(1), year.end(1))]
        taken: list[tuple[int, int]] = []
        for m in self.recurring_re.finditer(text):
            words = m.group(0).lower()
            if words.startswith(("hằng", "hàng")) and self.plan_re.search(text, 0, m.start()):
                continue  # "dự toán ngân sách nhà nước hằng năm": the budget's name
            gran = next((v for k, v in sorted(self.periods.items(), key=lambda kv: -len(kv[0])) if words.endswith(k)), "")
            found.append(Deadline(m.group(0), "recurring", None, None, gran, m.start(), m.end()))
            taken.append((m.start(), m.end()))
        atoms = [a for a in (self._atom(m, doc_date) for m in _ATOM_RE.finditer(text)) if a]
        used: set[int] = set()
        for i, atom in enumerate(atoms):
            if i in used or any(s < atom.end and atom.start < e for s, e in taken):
                continue
            before = text[max(0, atom.start - 40): atom.start]
            deadline = None
            if atom.relative_days is not None:
                if self.within_re.search(before) or self.by_re.search(before):
                    end = _days_after(doc_date, atom.relative_days, atom.working_days) if doc_date else None
                    deadline = self._make(text, atom.start, atom.end, "by", None, end, atom.granularity)
            elif m_from := self.from_re.search(before):
                start_pos = atom.start - (len(before) - m_from.start())
                nxt = atoms[i + 1] if i + 1 < len(atoms) else None
                until = self.until_re.match(text, atom.end)
                if nxt and until and nxt.start == until.end() and nxt.last:
                    used.add(i + 1)
                    deadline = self._make(text, start_pos, nxt.end, "from_to", atom.first, nxt.last, nxt.granularity)
                elif atom.is_range:  # "từ năm 2026 - 2030"
                    deadline = self._make(text, start_pos, atom.end, "from_to", atom.first, atom.last, atom.granularity)
                elif "nay" in m_from.group(0).lower() and atom.last:
                    # "từ nay đến hết năm 2025": the atom is the end, the start is the document date
                    deadline = self._make(text, start_pos, atom.end, "from_to", doc_date, atom.last, atom.granularity)
                else:  # "Từ 01/7/2025": open-ended
                    deadline = self._make(text, start_pos, atom.end, "from_to", atom.first, None, atom.granularity)
            elif self.period_re.search(before) and atom.granularity == "year" and atom.first != atom.last:
                clause = re.split(r"[;:.()]", text[max(0, atom.start - 80): atom.start])[-1]
                if not self.programme_re.search(clause):
                    deadline = self._make(text, atom.start, atom.end, "from_to", atom.first, atom.last, "year")
            elif self.by_re.search(before):
                # "Chiến lược dữ liệu … đến năm 2030" names a strategy's horizon, not a deadline
                clause = _last_clause(text[max(0, atom.start - 80): atom.start])
                if not (re.search(r"(?i)(?<!\w)đến\s*$", before) and self.programme_re.search(clause)):
                    deadline = self._make(text, atom.start, atom.end, "by", None, atom.last, atom.granularity)
            elif (m_within := self.within_re.search(before)) and not (
                    m_within.group(0).strip(" ,").lower() == "hoàn thành"
                    and self.programme_re.search(_last_clause(before))):
                # "… các dự án có kế hoạch hoàn thành năm 2025" is the projects' plan, not this task's deadline
                deadline = self._make(text, atom.start, atom.end, "within", atom.first, atom.last, atom.granularity)
            elif (bare_kind or self.label_re.search(before)) and atom.last:
                deadline = self._make(text, atom.start, atom.end, bare_kind or "by", None, atom.last, atom.granularity)
            elif atom.last and atom.granularity != "day" and (doc_date is None or atom.last >= doc_date) \
                    and _CLAUSE_OPENING.search(text, 0, atom.start) and _CLAUSE_GOES_ON.match(text, atom.end):
                # "…; năm 2030 tham mưu Ban Bí thư sơ kết …", "Quý I/2026, hoàn thành …": a period that opens the
                # clause sets when its work is done (a past one opens a report: "Năm 2024, toàn tỉnh có …")
                deadline = self._make(text, atom.start, atom.end, "within", atom.first, atom.last, atom.granularity)
            if self.onward_re.match(text, atom.end) and atom.first:  # "năm 2025 và các năm tiếp theo"
                deadline = self._make(text, atom.start, self.onward_re.match(text, atom.end).end(), "from_to",
                                      atom.first, None, atom.granularity)
            if deadline is None:
                continue
            found.append(deadline)
        found.sort(key=lambda d: d.span_start)
        return found

    def _make(self, text: str, start: int, end: int, kind: str, first, last, granularity: str) -> Deadline:
        # the phrase includes its trigger word ("trước ngày 05/4/2024"), found just before the atom
        lead = re.search(r"(?:(?:hoàn\s+thành|xong|phấn\s+đấu|chậm\s+nhất|muộn\s+nhất|ngay)\s+)?"
                         r"(?:trước|trong(?:\s+vòng|\s+suốt|\s+thời\s+hạn|\s+thời\s+gian)?|không\s+(?:muộn|chậm)\s+hơn|đến\s+hết|hết|"
                         r"đến|từ\s+nay\s+đến(?:\s+hết)?|"
                         r"từ|giai\s+đoạn|hoàn\s+thành)\s*(?:là\s+|vào\s+)?$", text[max(0, start - 40): start], re.IGNORECASE)
        if lead:
            start -= len(text[max(0, start - 40): start]) - lead.start()
        return Deadline(
            text=text[start:end].strip(), kind=kind,
            start=first.isoformat() if isinstance(first, date) else None,
            end=last.isoformat() if isinstance(last, date) else None,
            granularity=granularity, span_start=start, span_end=end,
        )
