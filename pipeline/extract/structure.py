"""Document structure: header metadata, then the body as a tree of items.

Header fields are found by the genre's fixed formulas (the "Số:" line, the
"<place>, ngày … tháng … năm …" line, the document-type line in capitals); the
body is cut into units at the item markers of Decree 30 (I., 1., a), -, +), each
with its path and its parent, so that a bullet can inherit the agencies named in
its item's head. Everything after "Nơi nhận" or the signature is not body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .layout import LETTER, LETTER_DOT, MARKER_RE, NUMBER, ROMAN, Paragraph, in_capitals, roman_label
from .lexicon import Lexicon, words_pattern

_ROMAN_RE = re.compile(rf"^\s*({ROMAN})\s*[.\-–/]?\s*")
_NUMBER_RE = re.compile(rf"^\s*({NUMBER})(?:\s*[.),]|-)\s*")
_PAREN_RE = re.compile(r"^\s*\((\d{1,2})\)\s*")
_LETTER_RE = re.compile(rf"^\s*(?:({LETTER})\s*\)|({LETTER_DOT})\.)\s*")
_DASH_RE = re.compile(r"^\s*([-–—•*])\s*")
_PLUS_RE = re.compile(r"^\s*(\+)\s*")
# a legal document's number carries its year ("Số: 45/2025/TT-BYT")
_DOC_NUMBER_RE = re.compile(r"(?:Số|S[ố6o8]|So)\s*[:.]?\s*(\d{1,5}\s*[-/]\s*(?:\d{4}\s*/\s*)?[A-ZĐ][\w&Đđ./\-]*)")
_CODE = r"\d{1,5}\s*[-/]\s*(?:\d{4}/)?(?:KL|TB|CĐ|CD|KH|CT|NQ|QĐ|QD|BC|CV|HD|TTr)[\w&Đđ./\-]*"
_CODE_RE = re.compile(rf"(?<![\w/])({_CODE})")
# the date of the date line; web copies glue "tháng12" and break the line after "ngày"
_ISSUE_DATE = r"ngày\s*(?P<d>\d{1,2})\s*tháng\s*(?P<m>\d{1,2})\s*năm\s*(?P<y>\d{4})"
_DATE_LINE_RE = re.compile(
    r"(?P<place>(?<![\w/.\-])(?:Thành[ \t]+phố[ \t]+|TP\.[ \t]*)?(?:[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][^\W\dA-ZĐ]+[ \t]+){0,4}?"
    rf"[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][^\W\dA-ZĐ]+)[ \t]*,\s*{_ISSUE_DATE}")
# a date line whose place was lost or left out: "ngày 27 tháng 5 năm 2025" on its own
_BARE_DATE_LINE_RE = re.compile(rf"^[\s,.…]*{_ISSUE_DATE}\s*$", re.MULTILINE | re.IGNORECASE)
_NUMERIC_DATE_RE = re.compile(r"(?:ngày\s+)?(\d{1,2})\s*(?:/|-|\s+tháng\s+)\s*(\d{1,2})\s*(?:/|-|\s+năm\s+)\s*(\d{4})",
                              re.IGNORECASE)
# a title naming the document itself: "Kết luận số 155-KL/TW ngày 27/5/2025 của …"
_SELF_REFERENCE_RE = re.compile(rf"số\s+({_CODE})\s+{_NUMERIC_DATE_RE.pattern}", re.IGNORECASE)
OPEN_SENTENCE = 200  # characters: a line this long without final punctuation is a sentence, not a heading
HEADING_MAX = 80  # characters: a numbered title ("1. Về kết quả thực hiện") is short
# "(1)" enumerates inside an item ("b) Các Bộ …, cụ thể: (1) … (2) …"), below its letters, above its dashes
LEVELS = {"roman": 1, "number": 2, "letter": 4, "paren": 4.5, "dash": 5, "plus": 6, "plain": 8}


@dataclass
class Unit:
    start: int  # span in Document.text (the whole paragraph, marker included)
    end: int
    text: str
    kind: str  # roman | number | paren | letter | dash | plus | plain
    label: str  # "II", "1", "2.1", "a", "-", "+", ""
    level: float
    page: int | None = None
    parent: int | None = None  # index of the enclosing unit
    path: str = ""
    section: str = ""  # text of the enclosing roman heading
    children: list[int] = field(default_factory=list)

    @property
    def is_head(self) -> bool:
        return bool(self.children) and self.text.rstrip().endswith(":")


@dataclass
class Structure:
    metadata: dict[str, str]
    units: list[Unit]
    doc_date: date | None
    body_end: int  # offset in the text where recipients / signature begin


def _is_title(segment: str) -> bool:
    """A line of a signer's title: capitals, words only ("PHÓ CHỦ TỊCH", "CHÁNH VĂN PHÒNG"), not "TN&MT, GTVT"."""
    return segment.isupper() and len(segment) < 60 and bool(re.fullmatch(r"[^\W\d_]+(?:[ ,./]+[^\W\d_]+)*\.?", segment))


def _capitalised(word: str) -> bool:
    """A word of a person's name: "Lương", "Hải", not "UBND" or "tỉnh"."""
    return word.isalpha() and word[0].isupper() and word[1:].islower()


def _right_column(line: str) -> str:
    """What a scan's OCR read of the signature column into a line of the recipients' column, beside it: the capitals
    ending "Nơi nhận: KT. CHỦ TỊCH" or "- Thường trực Tỉnh ủy (b/c); CHÁNH VĂN PHÒNG", or the name ending
    "- UBND các huyện, thành phố; Lương Thị Hải Yến"."""
    words = line.split()
    k = len(words)
    while k > 0 and re.fullmatch(r"[^\W\d_]+|T/M|(?:KT|TM|TL|TUQ|Q)\.", words[k - 1]) and words[k - 1].isupper():
        k -= 1
    if len(words) - k >= 2 and any(c.islower() for w in words[:k] for c in w):  # beside running text
        return " ".join(words[k:])
    k = len(words)
    while k > 0 and _capitalised(words[k - 1]):
        k -= 1
    if 2 <= len(words) - k <= 5 and k > 0 and words[k - 1][-1] in ";:.,":
        return " ".join(words[k:])
    return ""


def _person(line: str) -> str | None:
    """A person's name: two to five capitalised syllables, and nothing else on the line but what web copies glue after
    it (a catalogue title "Phạm Mạnh Cường Công văn 11414/VPCP-CN …", an appendix's "Mẫu biểu số 01", an underline
    and footnotes)."""
    words = line.split()
    k = 0
    while k < len(words) and _capitalised(words[k]):
        k += 1
    glued = k < len(words) and words[k][:1].islower()
    if glued:
        k -= 1  # "… Cường Công văn", "Lâm Văn Bi Mẫu biểu số 01": the last capitalised word opens a phrase
    if not 2 <= k <= 5 or (k < len(words) and len(line) < 60 and not glued):
        return None  # a name line carries nothing else, unless a web copy glued a tail to it
    return " ".join(words[:k])


def _iso(d: int, m: int, y: int) -> str:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return ""


class StructureParser:
    def __init__(self, lexicon: Lexicon):
        s = lexicon.structure
        self.types = sorted(s["doc_types"], key=len, reverse=True)
        self.type_re = re.compile(rf"^\s*({words_pattern(self.types)})", re.IGNORECASE)
        self.motto_re = re.compile(words_pattern(s["motto"]), re.IGNORECASE)
        self.provinces = set(s["provinces"])
        self.letter_type = s["letter"]["type"]
        self.code_marks = s["code_marks"]
        self.code_part_re = re.compile(rf"(?<=[/\-])(?:{words_pattern(list(self.code_marks))})(?=[/\-]|$)")
        a = lexicon.agencies
        heads = [h.upper() for h in a["org_heads"] + a["fixed_names"] + list(a["party_committees"])]
        self.issuer_head_re = re.compile(rf"(?:{words_pattern(heads)})(?!\w)")
        self.subject_re = re.compile(rf"(?<!\w)(?:{words_pattern(s['letter']['subject_marks'])})\s*:?\s+")
        self.meeting_re = re.compile(rf"(?:{words_pattern(s['meeting_words'])})", re.IGNORECASE)
        self.recipients_re = re.compile(rf"^\s*(?:{words_pattern(s['recipients'])})\s*:?", re.IGNORECASE)
        self.signature_re = re.compile(r"^\s*(?:" + "|".join(re.escape(p.strip()) for p in s["signature_prefixes"])
                                       + r")\s*(?=[^\W\d_])(?!\w*[a-zđ])")  # "TM. ỦY BAN …", not "TM. các …"
        self.directive_head_re = re.compile(words_pattern(s["directive_headings"]), re.IGNORECASE)
        self.dangling_end_re = re.compile(rf"(?i)(?<!\w)(?:{words_pattern(s['dangling_words'])})$")
        self.leader_tail_re = re.compile(rf"(?i)\s+(?:{words_pattern(a['leader_titles'])})$")

    def parse(self, text: str, paras: list[Paragraph]) -> Structure:
        texts = [text[p.start:p.end] for p in paras]
        meta: dict[str, str] = {}
        type_at = self._doc_type(texts, meta)
        self._header(texts[: max(type_at, 0) + 3] if type_at >= 0 else texts[:8], meta)
        if type_at < 0:
            self._letter(texts[:8], meta)
        self._self_reference(meta)
        body_from = self._title(texts, type_at, meta)
        body_end_idx = self._body_end(texts, body_from)
        self._signature(texts[body_end_idx:], meta)
        doc_date = date.fromisoformat(meta["issue_date"]) if meta.get("issue_date") else None
        self._meeting(texts[body_from:body_from + 4], meta)
        units = self._units(text, _join_continuations(text, paras[body_from:body_end_idx], self.dangling_end_re))
        body_end = paras[body_end_idx].start if body_end_idx < len(paras) else len(text)
        return Structure(meta, units, doc_date, body_end)

    # --- header ------------------------------------------------------------------------------
    def _doc_type(self, texts: list[str], meta: dict[str, str]) -> int:
        for i, t in enumerate(texts[:15]):
            candidate = self.motto_re.sub(" ", t)
            dated = _DATE_LINE_RE.search(candidate)
            if dated:  # a web copy glues the type line to the date line ("Hà Nội, ngày … năm 2025 KẾT LUẬN …")
                candidate = candidate[dated.end():]
            m = self._type_match(candidate)
            if m:
                rest = candidate[m.end():].strip()
                # a capitalised type word opening a normal sentence is not the document type, unless it names the
                # document ("Kết luận số 155-KL/TW ngày 27/5/2025 của Bộ Chính trị …", a news page's heading)
                if not m.group(1).isupper() and not re.match(r"(?i)^(của|về|hội nghị|số\s+\d)", rest):
                    continue
                meta["doc_type"] = " ".join(m.group(1).upper().split())
                following = texts[i + 1] if i + 1 < len(texts) else ""
                if meta["doc_type"] == "THÔNG BÁO" and re.match(r"(?i)^kết\s+luận", rest or following):
                    meta["doc_type"] = "THÔNG BÁO KẾT LUẬN"  # "THÔNG BÁO" over "Kết luận của …"
                meta["title"] = re.sub(r"(?<=[A-ZĐÀ-Ỹ])(?=về\s)", " ", rest)  # "CỦA BỘ CHÍNH TRỊvề …", glued
                return i
        return -1

    def _type_match(self, line: str) -> re.Match | None:
        """The document type opening a line. A web copy glues the next line's capitals to it ("THÔNG BÁOKẾT LUẬN",
        "KẾT LUẬNCỦA BỘ CHÍNH TRỊ"); a letter after it is otherwise another word ("Kế hoạch hóa")."""
        m = self.type_re.match(line)
        after = line[m.end():m.end() + 1] if m else ""
        return m if m and (not after.isalnum() or after.isupper() and m.group(1).isupper()) else None

    @staticmethod
    def _self_reference(meta: dict[str, str]) -> None:
        """Number and date from a title that names the document itself ("Kết luận số 155-KL/TW ngày 27/5/2025 của
        …"), where the header shows neither: a news page's copy has no "Số:" or date line."""
        m = _SELF_REFERENCE_RE.match(meta.get("title", ""))
        if m:
            meta.setdefault("doc_number", re.sub(r"\s+", "", m.group(1)))
            if not meta.get("issue_date"):
                meta["issue_date"] = _iso(int(m.group(2)), int(m.group(3)), int(m.group(4)))

    def _letter(self, texts: list[str], meta: dict[str, str]) -> None:
        """A letter's type and subject: "Số: 11414/VPCP-CN V/v đẩy nhanh tiến độ … Hà Nội, ngày …"."""
        for t in texts:
            m = self.subject_re.search(t)
            if m:
                meta["doc_type"] = self.letter_type
                subject = t[m.end():]
                place = meta.get("place")
                date_line = re.search(rf"\s*{re.escape(place)}\s*,\s*ngày(?!\w)", subject) if place else None
                subject = subject[:date_line.start()] if date_line else subject
                meta.setdefault("title", " ".join(subject.split()).strip(" .;"))
                return

    def _place(self, written: str) -> str:
        """The province or city the capitalised words before ", ngày" end with, with its "Thành phố"; else as written
        (a district or commune, or a place the list does not know)."""
        words = written.split()
        for k in range(1, len(words)):
            if " ".join(words[-k:]) in self.provinces:
                city = words[-k - 2:] if words[-k - 2:-k] == ["Thành", "phố"] else words[-k:]
                return " ".join(city)
        return " ".join(words)

    def _header(self, texts: list[str], meta: dict[str, str]) -> None:
        head = "\n".join(texts)
        m = _DOC_NUMBER_RE.search(head) or _CODE_RE.search(head)
        if m:
            number = re.sub(r"\s+", "", m.group(1)).rstrip(".")
            meta["doc_number"] = self.code_part_re.sub(lambda c: self.code_marks[c.group()], number)
        m = _DATE_LINE_RE.search(head) or _BARE_DATE_LINE_RE.search(head)
        if m:
            if m.re is _DATE_LINE_RE:
                meta["place"] = self._place(m.group("place"))
            meta["issue_date"] = _iso(int(m.group("d")), int(m.group("m")), int(m.group("y")))
        issuer_lines = []
        # line by line, the motto taken out first (it may run over two lines): legacy OCR puts the header's
        # columns side by side ("TỈNH BẮC NINH Độc lập - Tự do - Hạnh phúc") and glues the number line on
        for line in self.motto_re.sub("\n", head).split("\n"):
            stop = _DOC_NUMBER_RE.search(line) or _DATE_LINE_RE.search(line)
            if stop:  # the issuer may be glued before it ("BAN CHẤP HÀNH TRUNG ƯƠNG*Số 155-KL/TW")
                line = line[:stop.start()]
            elif self._type_match(line):
                break
            line = re.sub(r"(?:^|\s+)\S*\d\S*$", "", line.strip(" *-_"))  # "… LAI CHÂU 7360/KH-UBND"
            if line and in_capitals(line):
                # a line opening with a body's name under the one above ("TỈNH ỦY BẮC SƠN" / "HUYỆN ỦY KIM
                # GIANG", "ỦY BAN NHÂN DÂN TỈNH …" / "VĂN PHÒNG") is the body that issues; the one above governs it
                issuer_lines = [line] if issuer_lines and self.issuer_head_re.match(line) else issuer_lines + [line]
            if stop:
                break
        if issuer_lines:
            meta["issuer"] = " ".join(issuer_lines)

    def _title(self, texts: list[str], type_at: int, meta: dict[str, str]) -> int:
        """Append title lines after the type line; return the index of the first body paragraph."""
        if type_at < 0:
            # no type line: the body starts after the header block (number / date lines)
            for i, t in enumerate(texts[:10]):
                if _DATE_LINE_RE.search(t):
                    return i + 1
            return 0
        i = type_at + 1
        title = [meta.get("title", "")]
        while i < len(texts) and i <= type_at + 3:
            t = texts[i].strip()
            if re.match(r"[IVX]{1,5}\s*[.\-–]\s", t):
                break  # the first section ("I. MỤC ĐÍCH, YÊU CẦU") right under the title
            if t.endswith(":"):
                break  # "THỦ TƯỚNG CHÍNH PHỦ điện:", "Kính gửi:": the addressees, no title ends so
            upper_share = sum(c.isupper() for c in t) / max(1, sum(c.isalpha() for c in t))
            # "Về …", or right under "THÔNG BÁO" its subject in sentence case: "Kết luận của Chủ tịch … tại cuộc họp …"
            subject = r"(?i)^(về|v/v|kết\s+luận\s+của)\s" if i == type_at + 1 else r"(?i)^(về|v/v)\s"
            if re.match(subject, t) and not t.endswith(".") or (upper_share > 0.6 and len(t) < 300) or (
                    not re.search(r"[.;:]$", t) and len(t) < 120 and not MARKER_RE.match(t)
                    and not re.match(r"(?i)^(ngày|căn cứ|thực hiện|sau khi|trong|vừa qua|chiều|sáng)\b", t)):
                title.append(t)
                i += 1
                continue
            break
        title_text = " ".join(x for x in title if x).strip(" -")
        if meta.get("doc_type") == "THÔNG BÁO KẾT LUẬN":  # "THÔNG BÁO" / "KẾT LUẬN CỦA …": the type's second line
            title_text = re.sub(r"(?i)^kết\s*luận\s*", "", title_text)
        meta["title"] = self._without_authority(title_text, meta.get("issuer", ""))
        return i

    def _without_authority(self, title: str, issuer: str) -> str:
        """A decision's title without the authority line a web copy glued to it: "… CHÍNH PHỦ SỐ THỦ TƯỚNG CHÍNH PHỦ",
        "… TỈNH BẮC NINH CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC NINH" (but "… CỦA ỦY BAN NHÂN DÂN TỈNH" names it)."""
        if not issuer or len(title) <= len(issuer) or not title.upper().endswith(issuer.upper()):
            return title
        rest = self.leader_tail_re.sub("", title[:-len(issuer)].rstrip())
        return title if self.dangling_end_re.search(rest) else rest.rstrip(" ,-")

    def _body_end(self, texts: list[str], start: int) -> int:
        for i in range(start, len(texts)):
            if self.recipients_re.match(texts[i]) or self.signature_re.match(texts[i]):
                return i
        return len(texts)

    def _signature(self, tail: list[str], meta: dict[str, str]) -> None:
        """The signer's title ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", or a bare "THỦ TƯỚNG") and the
        name under it."""
        segments = []
        for t in tail:
            for line in t.split("\n"):
                segments += [x for x in (line.strip(), _right_column(line)) if x]
        titles: list[str] = []
        for segment in segments:
            if self.signature_re.match(segment) or (titles and _is_title(segment)):
                titles.append(segment)
            elif titles and (name := _person(segment)):
                meta["signer_name"] = name
                break
        if not titles:  # no "TM." / "KT." prefix: a short line in capitals above a name ("THỦ TƯỚNG")
            for k, segment in enumerate(segments):
                name = _is_title(segment) and next((n for x in segments[k + 1:] if (n := _person(x))), None)
                if name:
                    titles, meta["signer_name"] = [segment], name
                    break
        if titles:
            meta["signer_title"] = " ".join(titles)

    def _meeting(self, texts: list[str], meta: dict[str, str]) -> None:
        for t in texts:
            for sentence in re.split(r"(?<=[.;])\s", t)[:2]:
                m = _NUMERIC_DATE_RE.search(sentence)
                if m and self.meeting_re.search(sentence):
                    meta["meeting_date"] = _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                    return

    # --- body --------------------------------------------------------------------------------
    def _units(self, text: str, paras: list[Paragraph]) -> list[Unit]:
        units: list[Unit] = []
        stack: list[int] = []
        counters: dict[tuple[int | None, str], int] = {}
        section: str | None = None  # the numeral of the last Roman heading
        part: Unit | None = None  # the last Roman heading or top numbered title
        for p in paras:
            t = text[p.start:p.end]
            kind, label = _marker(t)
            if kind == "roman":
                label = section = roman_label(label, section)
            level = LEVELS[kind]
            if kind == "number" and "." in label:
                level = 2 + label.count(".")
            while stack and units[stack[-1]].level >= level:
                stack.pop()
            # a plain paragraph right after a complete (non-head) item is its sibling, not its child
            parent = stack[-1] if stack else None
            if kind == "plain" and parent is not None and not units[parent].text.rstrip().endswith(":"):
                while stack and not units[stack[-1]].text.rstrip().endswith(":") and units[stack[-1]].kind != "roman":
                    stack.pop()
                parent = stack[-1] if stack else None
            unit = Unit(p.start, p.end, t, kind, label, level, p.page, parent)
            if kind in ("dash", "plus", "plain"):
                n = counters[(parent, kind)] = counters.get((parent, kind), 0) + 1
                label_path = f"{label or '¶'}{n}"
            else:
                label_path = f"({label})" if kind == "paren" else label
            parent_path = units[parent].path if parent is not None else ""
            prefix = label.rpartition(".")[0] if kind == "number" else ""
            if prefix and (parent_path == prefix or parent_path.endswith("." + prefix)):
                parent_path = parent_path[: -len(prefix)].rstrip(".")  # "4.1" under "4": path "4.1", not "4.4.1"
            unit.path = f"{parent_path}.{label_path}" if parent_path else label_path
            # the section: the Roman heading, or where a document has none, its last numbered title ("1. Về kết quả
            # thực hiện", "2. Về nhiệm vụ, giải pháp thời gian tới")
            if kind == "roman" or kind == "number" and parent is None and (part is None or level <= part.level):
                part = unit if kind == "roman" or titles_a_part(unit) else None
            roman = next((units[i] for i in stack if units[i].kind == "roman"), None)
            unit.section = (roman or part).text[:200] if roman or part else ""
            units.append(unit)
            if parent is not None:
                units[parent].children.append(len(units) - 1)
            stack.append(len(units) - 1)
        return units


def titles_a_part(unit: Unit) -> bool:
    """A short numbered title without a full stop ("1. Về kết quả thực hiện", "3. Tổ chức thực hiện")."""
    body = unit.text.rstrip()
    return unit.kind == "number" and len(body) < HEADING_MAX and not re.search(r"[.;:,!?]$", body)


def _join_continuations(text: str, paras: list[Paragraph], dangling_end_re: re.Pattern) -> list[Paragraph]:
    """Lines that carry on the sentence above are not paragraphs of their own.

    Text dumps break long paragraphs at arbitrary points: a line that opens in lower case
    ("yêu cầu nộp hồ sơ …"), or in a digit that is no marker after a line left open ("… ngày" /
    "19 tháng 6 năm 2025 …"), or any line after an open enumeration ("… tồn đọng: (i)"), continues
    the paragraph before it. So does a dash line after a long sentence left open: a heading is short, and
    "… về trật tự xã hội" / "- Cơ quan thường trực …" is one sentence with a dash inside, and so is a dash line in
    lower case after any open line: the dash of a compound ("… kinh tế" / "- xã hội của tỉnh."). A line that ends in a
    word no sentence or heading ends in ("… phối hợp với" / "Bộ Công an …") goes on in the next, whatever its case.
    """
    out: list[Paragraph] = []
    for p in paras:
        t = text[p.start:p.end]
        if out and out[-1].page == p.page:
            prev = text[out[-1].start:out[-1].end].rstrip()
            open_end = not re.search(r"[.:;!?]$", prev)
            if (not MARKER_RE.match(t) and (t[:1].islower() or (t[:1].isdigit() and open_end)
                                            or dangling_end_re.search(prev)
                                            or re.search(r"\((?:[ivx]+|\d{1,2})\)$", prev))) \
                    or (open_end and (dash := _DASH_RE.match(t))
                        and (len(prev) >= OPEN_SENTENCE or t[dash.end():][:1].islower())):
                out[-1] = Paragraph(out[-1].start, p.end, p.page)
                continue
        out.append(p)
    return out


def _marker(t: str) -> tuple[str, str]:
    for kind, regex in (("roman", _ROMAN_RE), ("number", _NUMBER_RE), ("paren", _PAREN_RE), ("letter", _LETTER_RE),
                        ("dash", _DASH_RE), ("plus", _PLUS_RE)):
        m = regex.match(t)
        if m:
            label = next((g for g in m.groups() if g), "")
            if kind == "roman" and not t[m.end():].strip():
                continue
            return kind, ("-" if kind == "dash" else label.lower() if kind == "letter" else label)
    return "plain", ""
