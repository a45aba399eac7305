"""Appendix tables of tasks, as text extraction flattens them (and OCR, where its lines come out the same way).

A Thông báo kết luận often lists its tasks in an appendix table ("PHỤ LỤC I … STT | Nhiệm vụ | Văn bản giao nhiệm vụ |
Cơ quan chủ trì thực hiện | Thời hạn hoàn thành"). Read row by row, such a table comes out as the task's lines, then one
line with the end of the task, the assigning document, the agency, the deadline and the next row's number:

    Rà soát các quy định pháp luật … chuyển đổi số Nghị quyết số 71/NQ-CP Các bộ, ngành 30/06/2025 3.

Where text extraction puts each cell on a line of its own, a header of one label per line follows "STT", and each row
is its number on a line, then one line per cell:

    STT / NHIỆM VỤ VÀ GIẢI PHÁP / CHỦ TRÌ / PHỐI HỢP / THỜI GIAN / I / NHÓM GIẢI PHÁP VỀ CƠ CHẾ CHÍNH SÁCH / 1 / Rà soát … /
    Sở Tài chính / Sở, ban, ngành có liên quan / Thường xuyên

Where a document converted from a word processor or a spreadsheet keeps the cells of a row on one line, parted by
"|" or tabs, the header names the columns and each row is its number, then its cells:

    STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành
    1 | Ban hành Quy định … | Sở Nội vụ | Các sở, ngành; UBND các xã, phường | Trước ngày 15/01/2026

Each row becomes units of the document's structure: the task (one unit per sentence-ending paragraph of its cell), and
its agency and deadline cells as field units, so that the extractor reads them like a plan's "- Cơ quan chủ trì: …" lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import Lexicon, words_pattern
from .structure import LEVELS, Unit

# the deadline cell closing a row, and the next row's number after it
_ROW_END_RE = re.compile(
    r"(?P<deadline>\d{1,2}/\d{1,2}/\d{4}|(?:[Tt]háng|[Qq]uý)\s+[\dIVX]{1,4}/\d{4}|[Nn]ăm\s+\d{4})"
    r"(?:\s+(?P<next>\d{1,3})\s*\.)?\s*$")
# a date in running text ("… trình trước ngày 30/9/2025") is no deadline cell
_DATE_IN_TEXT_RE = re.compile(r"(?i)(?:ngày|trước|đến|hết|từ|vào|trong|tại|hạn)\s*$")
_APPENDIX_RE = re.compile(r"^\s*PHỤ\s+LỤC\b\s*([IVX]+|\d+)?")
_GROUP_RE = re.compile(r"^\s*(\d{1,2})\s*[.)]\s+\S")
# a row's number, or a group's Roman numeral, on a line of its own
_ROW_NUMBER_RE = re.compile(r"^\s*(\d{1,3})\s*\.?\s*$")
_GROUP_NUMBER_RE = re.compile(r"^\s*([IVX]{1,5})(?:\s*[.)]\s*(?P<title>\S.*)|\s*\.?\s*)$")
# a deadline cell on a line of its own: "31/05/2025", "Tháng 9/2025", "Quý I/2026", "Năm 2026", "2026", "Thường xuyên"
_DEADLINE_CELL_RE = re.compile(r"(?i)^\s*(?:\d{1,2}/\d{1,2}/\d{4}|(?:tháng|quý)\s+[\dIVX]{1,4}/\d{4}|(?:năm\s+)?\d{4}"
                               r"|thường\s+xuyên|hằng\s+năm|hàng\s+năm)\s*\.?\s*$")
CELL_LABEL_MAX = 60  # a column label on a line of its own is short and holds no digit
# which column a label names, tried in this order: "Văn bản giao nhiệm vụ" is the document's, not the task's
_COLUMN_ORDER = ("results", "document", "cooperate", "lead", "deadline", "task")


@dataclass
class TableRow:
    tasks: list[Unit]  # the task cell: one unit per paragraph
    fields: list[tuple[Unit, str]]  # (cell, "lead" | "cooperate" | "deadline")


class TaskTableParser:
    def __init__(self, lexicon: Lexicon):
        t = lexicon.structure["task_tables"]
        self.columns = {kind: re.compile(rf"(?i)(?<!\w)(?:{words_pattern(t[kind])})(?!\w)")
                        for kind in _COLUMN_ORDER}
        self.serial_re = re.compile(rf"(?i)^\s*(?:{words_pattern(t['serial'])})\s*$")
        kinds = words_pattern(t["reference_kinds"])
        # the assigning document's reference; its last one on a row's closing line ends the task's text
        self.reference_re = re.compile(
            rf"(?:{kinds})\s+(?:số\s+)?\d[\w/.\-&]*(?:\s+ngày\s+\d{{1,2}}\s*/\s*\d{{1,2}}\s*/\s*\d{{4}})?")

    def rows(self, text: str, start: int) -> list[TableRow]:
        """The rows of every task table in ``text[start:]`` (the part after the body: appendices)."""
        return self._flattened_rows(text, start) + self._cell_rows(text, start) + self._delimited_rows(text, start)

    def _flattened_rows(self, text: str, start: int) -> list[TableRow]:
        out: list[TableRow] = []
        table = None  # (has a document column, appendix title, appendix label, group label) inside a table of tasks
        title, appendix, group = "", "", ""
        pending: list[tuple[int, int]] = []  # lines of the row being read
        row = 1
        for a, b in _lines(text, start):
            line = text[a:b]
            if m := _APPENDIX_RE.match(line):
                title, appendix, group, table, pending = " ".join(line.split()), m.group(1) or "", "", None, []
                continue
            if self._is_header(line):
                # the group heading over the table: "2. Các nhiệm vụ về chuyển đổi số quá hạn chưa hoàn thành" / "STT"
                group = next((g.group(1) for s, e in reversed(pending) if (g := _GROUP_RE.match(text[s:e]))), group)
                readable = self._is_task_first(line) and not any(
                    self.columns[kind].search(line) for kind in ("results", "cooperate"))
                table = (bool(self.columns["document"].search(line)), title, appendix, group) if readable else None
                pending, row = [], 1
                if m := _ROW_END_RE.search(line):
                    row = int(m.group("next") or 1)
                continue
            end = _ROW_END_RE.search(line)
            if table is None or end is None or _DATE_IN_TEXT_RE.search(line, 0, end.start()):
                pending.append((a, b))
                continue
            parsed = self._row(text, pending, (a, a + end.start()), (a + end.start("deadline"), a + end.end("deadline")),
                               table, row)
            if parsed:
                out.append(parsed)
            pending = []
            row = int(end.group("next")) if end.group("next") else row + 1
        return out

    def _is_header(self, line: str) -> bool:
        return all(self.columns[kind].search(line) for kind in ("task", "lead", "deadline"))

    def _is_task_first(self, header: str) -> bool:
        """The columns run task, lead, deadline: the order in which a row's closing line is cut."""
        task, lead, deadline = (self.columns[kind].search(header).start() for kind in ("task", "lead", "deadline"))
        return task < lead < deadline

    def _row(self, text: str, lines: list[tuple[int, int]], closing: tuple[int, int], deadline: tuple[int, int],
             table: tuple[bool, str, str, str], row: int) -> TableRow | None:
        has_document, title, appendix, group = table
        a, b = closing
        closing_text = text[a:b]
        split = None  # where the agency cell starts on the closing line
        if has_document:
            # the reference may start on the line before ("… chuyển đổi số Nghị quyết số" / "71/NQ-CP Các bộ, ngành …")
            window = lines[-1][0] if lines else a
            refs = [m for m in self.reference_re.finditer(text, window, b) if m.end() > a]
            if refs:
                task_end, split = refs[-1].start(), refs[-1].end()
        if split is None:
            # no reference to cut at: the agency follows the task's last sentence, or has the closing line to itself
            stop = max(closing_text.rfind(". "), closing_text.rfind("; "))
            if stop >= 0:
                task_end, split = a + stop + 1, a + stop + 2
            elif lines and text[lines[-1][1] - 1] in ".;":
                task_end, split = a, a
            else:  # the end of the task and its agency run together: the text's own subject has to do
                task_end, split = b, b
        task_lines = [(s, min(e, task_end)) for s, e in lines if s < task_end] + \
            ([(a, task_end)] if text[a:task_end].strip() else [])
        if not task_lines:
            return None
        path = ".".join(p for p in (f"PL{appendix}", group, str(row)) if p)
        tasks = [_unit(text, s, e, path, title) for s, e in _paragraphs(text, task_lines)]
        fields = []
        agency = _strip(text, split, b)
        if agency:
            fields.append((_unit(text, *agency, path, title), "lead"))
        fields.append((_unit(text, *deadline, path, title), "deadline"))
        return TableRow(tasks, fields)

    def _cell_rows(self, text: str, start: int) -> list[TableRow]:
        """Rows of tables with one line per cell."""
        lines = list(_lines(text, start))
        texts = [text[a:b] for a, b in lines]
        ends_row = (_ROW_NUMBER_RE, _GROUP_NUMBER_RE, _APPENDIX_RE, self.serial_re)
        out: list[TableRow] = []
        title, appendix = "", ""
        i = 0
        while i < len(lines):
            line = texts[i]
            i += 1
            if m := _APPENDIX_RE.match(line):
                title, appendix = " ".join(line.split()), m.group(1) or ""
            if not self.serial_re.match(line):
                continue
            columns = []
            while i < len(lines) and (kind := self._column_of(texts[i])):
                columns.append(kind)
                i += 1
            if columns.count("task") != 1 or columns.count("lead") != 1 or "results" in columns:
                continue
            group, section = "", title
            while i < len(lines) and not (_APPENDIX_RE.match(texts[i]) or self.serial_re.match(texts[i])):
                line = texts[i]
                i += 1
                if m := _GROUP_NUMBER_RE.match(line):  # "I" over its title, or "I. Kinh tế số"
                    group = m.group(1)
                    if m.group("title"):
                        section = " ".join(m.group("title").split())
                    elif i < len(lines) and not _ROW_NUMBER_RE.match(texts[i]):
                        section = " ".join(texts[i].split())
                        i += 1
                    continue
                if not (m := _ROW_NUMBER_RE.match(line)):
                    continue
                first = i
                while i < len(lines) and not any(r.match(texts[i]) for r in ends_row):
                    i += 1
                cells = self._cells(text, lines[first:i], columns)
                if cells is None:
                    continue  # an empty or wrapped cell: which line is which column cannot be told
                path = ".".join(p for p in (f"PL{appendix}", group, m.group(1)) if p)
                task = cells[columns.index("task")]
                fields = [(_unit(text, *span, path, section), kind) for kind, span in zip(columns, cells)
                          if kind in ("lead", "cooperate", "deadline")]
                out.append(TableRow([_unit(text, *task, path, section)], fields))
        return out

    def _delimited_rows(self, text: str, start: int) -> list[TableRow]:
        """Rows of tables whose cells are parted by "|" or tabs, one row per line."""
        out: list[TableRow] = []
        title, appendix, columns = "", "", None
        for a, b in _lines(text, start):
            line = text[a:b]
            if m := _APPENDIX_RE.match(line):
                title, appendix, columns = " ".join(line.split()), m.group(1) or "", None
            cells = [_strip(text, *c) for c in _delimited_cells(text, a, b)]
            if len(cells) < 3:
                columns = None  # the table has ended
                continue
            if any(c is None for c in cells[1:]):
                continue  # an empty cell: the row is not read
            if cells[0] and self.serial_re.match(text[slice(*cells[0])]):
                kinds = [self._column_of(text[slice(*c)]) for c in cells[1:]]
                readable = kinds.count("task") == 1 and kinds.count("lead") == 1 and "results" not in kinds
                columns = kinds if readable else None
                continue
            if columns is None or len(cells) - 1 != len(columns) or not cells[0] \
                    or not (number := _ROW_NUMBER_RE.match(text[slice(*cells[0])])):
                continue
            path = ".".join(p for p in (f"PL{appendix}", number.group(1)) if p)
            task = cells[1 + columns.index("task")]
            fields = [(_unit(text, *span, path, title), kind) for kind, span in zip(columns, cells[1:])
                      if kind in ("lead", "cooperate", "deadline")]
            out.append(TableRow([_unit(text, *task, path, title)], fields))
        return out

    @staticmethod
    def _cells(text: str, lines: list[tuple[int, int]], columns: list[str]) -> list[tuple[int, int]] | None:
        """A row's lines as its cells, one per column; where there are more lines than columns, the task cell wrapped
        (its text is the long one) when the cells after it are short and the row ends with a deadline cell."""
        extra = len(lines) - len(columns)
        if extra == 0:
            return lines
        t = columns.index("task")
        after = lines[t + 1 + extra:]
        if extra < 0 or t != 0 or columns[-1] != "deadline" or not _DEADLINE_CELL_RE.match(text[slice(*lines[-1])]) \
                or any(b - a > CELL_LABEL_MAX + 20 for a, b in after):
            return None
        return [(lines[0][0], lines[extra][1])] + after

    def _column_of(self, line: str) -> str | None:
        """The column a header line names ("other" for a label of none of ours), None for no label."""
        if len(line.strip()) > CELL_LABEL_MAX or re.search(r"\d", line) or _GROUP_NUMBER_RE.match(line) \
                or not line.strip():
            return None
        return next((kind for kind in _COLUMN_ORDER if self.columns[kind].search(line)), "other")


def _lines(text: str, start: int):
    """(start, end) of each line from ``start`` on."""
    for m in re.finditer(r"[^\n]+", text[start:]):
        yield start + m.start(), start + m.end()


def _delimited_cells(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """(start, end) of each cell of a line whose cells are parted by "|" or tabs."""
    cuts = [a + m.start() for m in re.finditer(r"[|\t]", text[a:b])]
    starts, ends = [a] + [c + 1 for c in cuts], cuts + [b]
    return list(zip(starts, ends))


def _paragraphs(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A cell's lines joined into paragraphs: a line that ends a sentence and a capitalised next line part them."""
    out: list[list[int]] = []
    for a, b in lines:
        if out and not (text[out[-1][1] - 1] == "." and text[a:b].lstrip()[:1].isupper()):
            out[-1][1] = b
        else:
            out.append([a, b])
    return [span for span in (_strip(text, a, b) for a, b in out) if span]


def _strip(text: str, a: int, b: int) -> tuple[int, int] | None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (a, b) if a < b else None


def _unit(text: str, start: int, end: int, path: str, section: str) -> Unit:
    return Unit(start=start, end=end, text=text[start:end], kind="plain", label="", level=LEVELS["plain"], path=path,
                section=section)
