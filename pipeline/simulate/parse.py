"""Split plain official-document text into the parts a Decree 30/2020 page lays out.

The texts come from web dumps and typed copies, so the header is often reflowed:
issuer and motto on one line, number and place/date on one line, "Nơi nhận: - A; - B"
on one line, signature titles glued together. The parser undoes that with a few
patterns; whatever it cannot place stays in the body, so no text is lost.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

_UPPER = "A-ZÀ-ỸĐ"  # Latin capitals incl. all precomposed Vietnamese ones (NFC)

MOTTO_RE = re.compile(
    r"CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM"
)
MOTTO2_RE = re.compile(r"Độc\s+lập\s*[-–—]\s*Tự\s+do\s*[-–—]\s*Hạnh\s+phúc")
NUMBER_RE = re.compile(r"(?<!\w)Số\s*:?\s*[^\s:]+")
NUMBER_LINE_RE = re.compile(r"^Số\s*(?::|$|\d|/)")  # "Số: 12/KH", "Số 1534-KL/TU", a bare "Số:"
PLACE_DATE_RE = re.compile(
    rf"[{_UPPER}][^,\d]{{0,40}}?,\s*ngày\s*\d*\s*tháng\s*\d*\s*năm\s*\d{{4}}"
)
DOC_TYPES = (
    "KẾT LUẬN", "THÔNG BÁO", "CÔNG ĐIỆN", "KẾ HOẠCH", "CHỈ THỊ", "QUYẾT ĐỊNH",
    "NGHỊ QUYẾT", "NGHỊ ĐỊNH", "THÔNG TƯ", "BÁO CÁO", "TỜ TRÌNH", "HƯỚNG DẪN",
    "CHƯƠNG TRÌNH", "QUY CHẾ", "QUY ĐỊNH", "ĐỀ ÁN", "PHƯƠNG ÁN", "BIÊN BẢN",
    "GIẤY MỜI", "CÔNG VĂN",
)
DOC_TYPE_RE = re.compile(r"^(" + "|".join(DOC_TYPES) + r")(?=$|\s|[" + _UPPER + r"])")
RECIPIENTS_RE = re.compile(r"^Nơi\s+nhận\s*:?\s*", re.IGNORECASE)
# Two-level issuers are printed as parent body over the issuing unit.
ISSUER_PARENTS = ("ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN")
SIGN_MARKER_RE = re.compile(r"(?:(?<=\s)|^)(?:T/?M|K/?T|T/?L|TUQ|Q)\.?\s+(?=[" + _UPPER + r"])")
SIGN_POSITIONS = (
    "CHỦ TỊCH", "BÍ THƯ", "THỦ TƯỚNG", "BỘ TRƯỞNG", "CHỦ NHIỆM", "GIÁM ĐỐC",
    "TRƯỞNG BAN", "CHÁNH VĂN PHÒNG", "TỔNG CỤC TRƯỞNG", "CỤC TRƯỞNG", "THỨ TRƯỞNG",
    "TRƯỞNG", "CHÁNH", "TỔNG", "ỦY BAN", "UỶ BAN", "BAN", "VĂN PHÒNG",
)
# A final position title ("PHÓ CHỦ TỊCH", "BÍ THƯ") glued after a "TM./KT. <body>" line.
TRAILING_POSITION_RE = re.compile(
    r"\s((?:PHÓ\s+|TỔNG\s+)?(?:CHỦ TỊCH|BÍ THƯ|THỦ TƯỚNG|BỘ TRƯỞNG|CHỦ NHIỆM|GIÁM ĐỐC|TRƯỞNG BAN)"
    r"(?:\s+THƯỜNG\s+TRỰC)?)$"
)
NAME_RE = re.compile(rf"^(?:[{_UPPER}][^\s\[\](){{}}\d,;:]*(?:\s+|$)){{2,6}}")
RULE_RE = re.compile(r"^[-_=*.…\s]{3,}$")


@dataclass
class OfficialText:
    """The parts of an official document, each as the strings to print.

    ``recipients`` starts with the "Nơi nhận:" heading; the last item of ``signature``
    is the signer's name. ``appendix`` is what follows the signature in the source
    (footnotes, annexes, news framing), printed after it.
    """

    issuer: list[str] = field(default_factory=list)
    motto: list[str] = field(default_factory=list)
    number: str = ""
    place_date: str = ""
    doc_type: str = ""
    title: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)
    appendix: list[str] = field(default_factory=list)


def read_text_file(path: str | Path) -> str:
    """Read a document text, dropping the leading ``# `` metadata lines."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    while lines and (lines[0].startswith("# ") or lines[0] == "#"):
        lines.pop(0)
    return "\n".join(lines)


def clean_line(line: str) -> str:
    """NFC, no control or format characters, single spaces."""
    line = unicodedata.normalize("NFC", line)
    line = "".join(" " if ch == "\t" else ch for ch in line if unicodedata.category(ch) not in ("Cc", "Cf"))
    return " ".join(line.split())


def upper_ratio(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum(ch.isupper() for ch in letters) / len(letters) if letters else 0.0


def parse_official_text(text: str) -> OfficialText:
    """Classify the lines of a document text; unknown lines go to the body."""
    lines = [ln for ln in (clean_line(raw) for raw in text.splitlines()) if ln and not RULE_RE.match(ln)]
    doc = OfficialText()
    pos = _parse_header(lines, doc)
    pos = _parse_doc_type_and_title(lines, pos, doc)
    end = _parse_closing(lines, pos, doc)
    doc.body.extend(lines[pos:end])
    return doc


def _parse_header(lines: list[str], doc: OfficialText) -> int:
    """Fill issuer, motto, number and place/date; return the index of the first line after them."""
    motto_at = next((i for i, ln in enumerate(lines[:8]) if MOTTO_RE.search(ln)), None)
    if motto_at is None:
        return 0
    end = motto_at + 1
    for j in range(motto_at + 1, min(motto_at + 6, len(lines))):
        if DOC_TYPE_RE.match(lines[j]):
            break
        number_part = NUMBER_LINE_RE.match(lines[j]) or lines[j - 1].endswith(("Số:", "Số"))  # "Số:" may stand alone
        if not (number_part or MOTTO2_RE.search(lines[j]) or PLACE_DATE_RE.search(lines[j])):
            break
        end = j + 1
    first = MOTTO_RE.search(lines[motto_at])
    issuer_lines = lines[:motto_at] + ([lines[motto_at][: first.start()].strip()] if first.start() else [])
    doc.issuer = _split_issuer(issuer_lines)
    doc.motto = [first.group(0)]
    rest = " ".join([lines[motto_at][first.end():]] + lines[motto_at + 1 : end])
    if m := MOTTO2_RE.search(rest):
        doc.motto.append(m.group(0))
        rest = rest[: m.start()] + " " + rest[m.end():]
    if m := NUMBER_RE.search(rest):
        doc.number = " ".join(m.group(0).split())
        rest = rest[: m.start()] + " " + rest[m.end():]
    if m := PLACE_DATE_RE.search(rest):
        doc.place_date = " ".join(m.group(0).split())
        rest = rest[: m.start()] + " " + rest[m.end():]
    if leftover := " ".join(rest.split()):
        doc.body.append(leftover)
    return end


def _split_issuer(lines: list[str]) -> list[str]:
    if len(lines) == 1:
        for parent in ISSUER_PARENTS:
            if lines[0].startswith(parent + " "):
                return [parent, lines[0][len(parent):].strip()]
    return lines


def _parse_doc_type_and_title(lines: list[str], pos: int, doc: OfficialText) -> int:
    """Find the doc type line (right after the header, or near the top of a bare text)."""
    window = range(pos, min(pos + 1, len(lines))) if doc.motto else range(0, min(6, len(lines)))
    at = next((i for i in window if DOC_TYPE_RE.match(lines[i]) and upper_ratio(lines[i][:12]) > 0.9), None)
    if at is None:
        return pos
    doc.body.extend(lines[pos:at])  # text above a bare document's doc type (news framing)
    line = lines[at]
    m = DOC_TYPE_RE.match(line)
    doc.doc_type = m.group(1)
    title = [line[m.end():].strip()] if line[m.end():].strip() else []
    pos = at + 1
    while pos < len(lines) and len(title) < 4 and not RECIPIENTS_RE.match(lines[pos]):
        ln = lines[pos]
        # A sentence-case title ("Kết luận của ...", "Về ...") ends without the stop of a body paragraph.
        standalone_first = not title and (upper_ratio(ln) > 0.5 or (len(ln) < 250 and not ln.endswith((".", ":", ";"))))
        subject = ln.startswith(("về ", "Về ", "V/v ", "V/V ")) and len(ln) < 250
        if not (standalone_first or upper_ratio(ln) > 0.9 or (subject and len(title) < 3)):
            break
        title.append(ln)
        pos += 1
    # "BAN BÍ THƯvề một số ...": a lowercase subject glued onto an uppercase title line.
    doc.title = [part.strip() for t in title for part in re.split(rf"(?<=[{_UPPER}])(?=về\s)", t)]
    return pos


def _is_sign_title(line: str) -> bool:
    if line.startswith("-") or line.endswith((";", ",")) or upper_ratio(line) < 0.9:
        return False
    return bool(SIGN_MARKER_RE.match(line)) or any(p in line for p in SIGN_POSITIONS)


def _split_sign_titles(line: str) -> list[str]:
    """'TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH' -> one printed line per title."""
    cuts = [m.start() for m in SIGN_MARKER_RE.finditer(line)] or [0]
    parts = [line[a:b].strip() for a, b in zip([0] + cuts, cuts + [len(line)]) if line[a:b].strip()]
    out: list[str] = []
    for part in parts:
        m = TRAILING_POSITION_RE.search(part)
        if SIGN_MARKER_RE.match(part) and m and m.start() > part.find(" "):
            out += [part[: m.start()].strip(), m.group(1)]
        else:
            out.append(part)
    return out


def _parse_closing(lines: list[str], pos: int, doc: OfficialText) -> int:
    """Fill recipients, signature and appendix; return where the body ends."""
    heads = [i for i in range(pos, len(lines)) if RECIPIENTS_RE.match(lines[i])]
    if heads:
        start = heads[-1]
        first = RECIPIENTS_RE.sub("", lines[start])
        tail = ([first] if first else []) + lines[start + 1 :]
        items: list[str] = []
        i = 0
        while i < len(tail) and not _is_sign_title(tail[i]):
            for piece in re.split(r"(?<=[;.)])\s+(?=-\s*\S)", tail[i]):
                if items and not piece.startswith("-") and not items[-1].endswith((";", ".")):
                    items[-1] += " " + piece  # a recipient line broken by the reflow
                else:
                    items.append(piece)
            i += 1
        signature, appendix = _parse_signature(tail[i:])
        if not signature:  # no signature found: keep the recipients, rest is appendix
            appendix = tail[i:]
        doc.recipients = ["Nơi nhận:"] + items
        doc.signature, doc.appendix = signature, appendix
        return start
    # No "Nơi nhận": a signature block may still close the text.
    for k in (3, 2, 1):
        if len(lines) - pos > k and all(_is_sign_title(ln) for ln in lines[-k - 1 : -1]):
            signature, appendix = _parse_signature(lines[-k - 1 :])
            if signature and not appendix:
                doc.signature = signature
                return len(lines) - k - 1
    return len(lines)


def _parse_signature(lines: list[str]) -> tuple[list[str], list[str]]:
    """Signature titles then the signer's name; what follows the name is appendix."""
    titles: list[str] = []
    i = 0
    while i < len(lines) and _is_sign_title(lines[i]):
        titles += _split_sign_titles(lines[i])
        i += 1
    if not titles or i >= len(lines) or not (m := NAME_RE.match(lines[i])):
        return [], lines
    name = m.group(0).strip()
    rest = lines[i][m.end():].strip()
    return titles + [name], ([rest] if rest else []) + lines[i + 1 :]

