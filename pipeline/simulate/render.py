"""Typeset an :class:`OfficialText` as clean A4 pages in the Decree 30/2020 layout.

Pages are drawn in black ink on a white grayscale canvas at the target dpi; the
coloured marks (seal, signature) and scanner effects are added later. Each page
keeps the strings it drew, one per printed line, in reading order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .parse import OfficialText, upper_ratio

FONT_DIRS = (Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation"))
FONT_FILES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bolditalic": "LiberationSerif-BoldItalic.ttf",
}

# Page geometry (mm), Decree 30/2020 Appendix I.
PAGE_MM = (210.0, 297.0)
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 20.0, 20.0, 30.0, 15.0
HEADER_LEFT_MM = (65.0, 70.0)  # issuer column: centre, width
HEADER_RIGHT_MM = (147.5, 95.0)  # motto column: centre, width
CLOSING_LEFT_MM = 78.0  # width of the "Nơi nhận" column
SIGNATURE_MM = (150.0, 85.0)  # signature column: centre, width
SIGN_SPACE_MM = 36.0  # room between the signer's title and name for the hand signature
SEAL_RADIUS_MM = 17.0  # a 34 mm seal, as provincial bodies use
TITLE_WIDTH_MM = 150.0
INDENT_MM = 12.7

# Type sizes (pt).
ISSUER_PT, MOTTO_PT, MOTTO2_PT, NUMBER_PT, PLACE_DATE_PT = 13, 12, 13, 13, 13
MIN_PLACE_DATE_PT = 11
TITLE_PT = 14  # the doc type line and the title
SIGN_PT = 13
RECIPIENTS_HEAD_PT, RECIPIENTS_PT = 12, 11
LINE_SPACING = 1.25  # line pitch in ems: between single and 1.5 lines
TIGHT_SPACING = 1.15  # header, title and closing blocks
PARAGRAPH_GAP_PT = 6


@dataclass
class DrawnLine:
    text: str
    x: float  # left edge, px
    baseline: int  # px
    height: int  # font size, px


@dataclass
class RenderedPage:
    """One typeset page before any ink marks or scanner effects."""

    ink: Image.Image  # "L": 255 paper, 0 ink
    drawn: list[DrawnLine] = field(default_factory=list)
    body_boxes: list[tuple[int, int, int, int]] = field(default_factory=list)  # body line boxes (px)
    seal_center: tuple[int, int] | None = None  # the signature seal, when on this page
    signature_box: tuple[int, int, int, int] | None = None  # where the hand signature goes

    @property
    def lines(self) -> list[str]:
        """Drawn strings in reading order: rows top to bottom, side-by-side lines left to right.

        Lines of two columns that share a baseline (issuer and motto, "Số" and the date,
        "Nơi nhận" and the signer's title) form one row, as Tesseract reads them.
        """
        rows: list[list[DrawnLine]] = []
        for line in sorted(self.drawn, key=lambda ln: (ln.baseline, ln.x)):
            row = rows[-1] if rows else None
            if row and abs(line.baseline - row[0].baseline) < 0.4 * min(line.height, row[0].height):
                row.append(line)
            else:
                rows.append([line])
        return [ln.text for row in rows for ln in sorted(row, key=lambda ln: ln.x)]


def find_font_dir() -> Path:
    for d in FONT_DIRS:
        if all((d / f).is_file() for f in FONT_FILES.values()):
            return d
    raise FileNotFoundError(f"Liberation Serif fonts not found in {', '.join(map(str, FONT_DIRS))} (fonts-liberation2)")


class _Typesetter:
    def __init__(self, dpi: int, body_pt: float):
        self.dpi = dpi
        self.body_pt = body_pt
        self.font_dir = find_font_dir()
        self.fonts: dict[tuple[str, float], ImageFont.FreeTypeFont] = {}
        self.widths: dict[tuple[ImageFont.FreeTypeFont, str], float] = {}  # words recur: measure once
        self.width, self.height = self.px(PAGE_MM[0]), self.px(PAGE_MM[1])
        self.left, self.right = self.px(MARGIN_LEFT_MM), self.width - self.px(MARGIN_RIGHT_MM)
        self.top, self.bottom = self.px(MARGIN_TOP_MM), self.height - self.px(MARGIN_BOTTOM_MM)
        self.pages: list[RenderedPage] = []
        self.new_page()

    def px(self, mm: float) -> int:
        return round(mm * self.dpi / 25.4)

    def font(self, style: str, pt: float) -> ImageFont.FreeTypeFont:
        key = (style, pt)
        if key not in self.fonts:
            self.fonts[key] = ImageFont.truetype(str(self.font_dir / FONT_FILES[style]), round(pt * self.dpi / 72))
        return self.fonts[key]

    @property
    def page(self) -> RenderedPage:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append(RenderedPage(Image.new("L", (self.width, self.height), 255)))
        self.draw = ImageDraw.Draw(self.page.ink)
        self.y = self.top  # top of the free space

    # --- primitives -------------------------------------------------------------------

    def pitch(self, font: ImageFont.FreeTypeFont, spacing: float = LINE_SPACING) -> int:
        return round(font.size * spacing)

    def text(self, text: str, font: ImageFont.FreeTypeFont, x: float, baseline: int) -> None:
        self.draw.text((x, baseline), text, font=font, fill=0, anchor="ls")
        self.page.drawn.append(DrawnLine(text, x, baseline, font.size))

    def rule_under(self, cx: float, length: float, y_after: int, pitch: int, font: ImageFont.FreeTypeFont) -> None:
        """A centred rule just below the descenders of the line that ended at ``y_after``."""
        ascent, descent = font.getmetrics()
        y = y_after - pitch + ascent + descent + self.px(1.0)
        self.draw.line([(cx - length / 2, y), (cx + length / 2, y)], fill=0, width=max(1, self.px(0.25)))

    def wrap(self, text: str, font: ImageFont.FreeTypeFont, width: float, indent: float = 0) -> list[list[str]]:
        """Greedy word wrap; a word wider than the line (a URL) is cut into pieces."""
        space = self.length(font, " ")
        lines: list[list[str]] = [[]]
        used = indent
        for word in text.split():
            for piece in self._fit_word(word, font, width - indent if len(lines) == 1 else width):
                w = self.length(font, piece)
                if lines[-1] and used + space + w > width:
                    lines.append([])
                    used = 0
                used += (space if lines[-1] else 0) + w
                lines[-1].append(piece)
        return [ln for ln in lines if ln]

    def length(self, font: ImageFont.FreeTypeFont, text: str) -> float:
        key = (font, text)
        if key not in self.widths:
            self.widths[key] = font.getlength(text)
        return self.widths[key]

    def _fit_word(self, word: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
        if self.length(font, word) <= width:
            return [word]
        pieces = [""]
        for ch in word:
            if pieces[-1] and font.getlength(pieces[-1] + ch) > width:
                pieces.append("")
            pieces[-1] += ch
        return pieces

    def centered(self, lines: list[str], font: ImageFont.FreeTypeFont, cx: float, width: float, y: int,
                 pitch: int | None = None) -> tuple[list[str], int]:
        """Centred, wrapped lines in a column from top ``y``; returns the printed lines and the new y."""
        pitch = pitch or self.pitch(font, TIGHT_SPACING)
        ascent = font.getmetrics()[0]
        printed = []
        for line in lines:
            for words in self.wrap(line, font, width):
                s = " ".join(words)
                self.text(s, font, cx - font.getlength(s) / 2, y + ascent)
                printed.append(s)
                y += pitch
        return printed, y

    # --- document parts ---------------------------------------------------------------

    def header(self, doc: OfficialText) -> None:
        """Issuer left, motto right, on one line grid so side-by-side lines share baselines."""
        lcx, lw = (self.px(v) for v in HEADER_LEFT_MM)
        rcx, rw = (self.px(v) for v in HEADER_RIGHT_MM)
        pitch = self.pitch(self.font("bold", ISSUER_PT), TIGHT_SPACING)
        yl = yr = self.y
        for i, line in enumerate(doc.issuer):
            # The parent body of a two-level issuer is regular, the issuing unit bold.
            font = self.font("bold" if i == len(doc.issuer) - 1 else "regular", ISSUER_PT)
            printed, yl = self.centered([line], font, lcx, lw, yl, pitch)
        if doc.issuer:
            self.rule_under(lcx, max(self.px(15), 0.4 * font.getlength(printed[-1])), yl, pitch, font)
            yl += self.px(2.5)
        for i, line in enumerate(doc.motto):
            font = self.font("bold", MOTTO_PT if i == 0 else MOTTO2_PT)
            printed, yr = self.centered([line], font, rcx, rw, yr, pitch)
        if doc.motto:  # the rule under "Độc lập - Tự do - Hạnh phúc" (or the Party motto) spans it
            self.rule_under(rcx, font.getlength(printed[-1]), yr, pitch, font)
            yr += self.px(2.5)
        y = max(yl, yr) + self.px(1)
        if doc.number:
            _, yl = self.centered([doc.number], self.font("regular", NUMBER_PT), lcx, lw, y, pitch)
        if doc.place_date:  # set smaller rather than wrapped, as typists do with long place names
            pt = PLACE_DATE_PT
            while pt > MIN_PLACE_DATE_PT and self.font("italic", pt).getlength(doc.place_date) > rw:
                pt -= 0.5
            _, yr = self.centered([doc.place_date], self.font("italic", pt), rcx, rw, y, pitch)
        self.y = max(yl, yr, self.y)

    def heading(self, doc: OfficialText) -> None:
        if not (doc.doc_type or doc.title):
            return
        self.y += self.px(8) if self.y > self.top else 0
        font = self.font("bold", TITLE_PT)
        cx = (self.left + self.right) / 2
        lines = ([doc.doc_type] if doc.doc_type else []) + doc.title
        _, self.y = self.centered(lines, font, cx, self.px(TITLE_WIDTH_MM), self.y)
        self.rule_under(cx, self.px(40), self.y, self.pitch(font, TIGHT_SPACING), font)
        self.y += self.px(7)

    def paragraphs(self, paragraphs: list[str]) -> None:
        regular, bold = self.font("regular", self.body_pt), self.font("bold", self.body_pt)
        width, indent = self.right - self.left, self.px(INDENT_MM)
        for para in paragraphs:
            # All-caps paragraphs are section headings ("I. MỤC ĐÍCH, YÊU CẦU"): bold.
            font = bold if upper_ratio(para) > 0.9 else regular
            ascent, descent = font.getmetrics()
            lines = self.wrap(para, font, width, indent)
            for k, words in enumerate(lines):
                if self.y + ascent + descent > self.bottom:
                    self.new_page()
                x0 = self.left + (indent if k == 0 else 0)
                self.justified(words, font, x0, self.right - x0, self.y + ascent, k < len(lines) - 1)
                self.page.body_boxes.append((self.left, self.y, self.right, self.y + ascent + descent))
                self.y += self.pitch(font)
            self.y += self.px(PARAGRAPH_GAP_PT * 25.4 / 72)

    def justified(self, words: list[str], font: ImageFont.FreeTypeFont, x: float, width: float,
                  baseline: int, stretch: bool) -> None:
        widths = [self.length(font, w) for w in words]
        space = self.length(font, " ")
        if stretch and len(words) > 1:
            space = (width - sum(widths)) / (len(words) - 1)
        self.page.drawn.append(DrawnLine(" ".join(words), x, baseline, font.size))
        for w, wd in zip(words, widths):
            self.draw.text((x, baseline), w, font=font, fill=0, anchor="ls")
            x += wd + space

    def closing(self, doc: OfficialText) -> None:
        """'Nơi nhận' bottom-left and the signature block bottom-right.

        Both columns sit on one line grid from a common top line, so each signature
        line shares its baseline with a recipients line, as in a tidy typed document.
        """
        if not (doc.recipients or doc.signature):
            return
        sign_font = self.font("bold", SIGN_PT)
        head_font, item_font = self.font("bolditalic", RECIPIENTS_HEAD_PT), self.font("regular", RECIPIENTS_PT)
        grid = self.pitch(sign_font, TIGHT_SPACING)
        rec_w = self.px(CLOSING_LEFT_MM)
        rec_lines = [(doc.recipients[0], head_font, 0)] if doc.recipients else []
        hang = item_font.getlength("- ")
        for item in doc.recipients[1:]:
            for k, words in enumerate(self.wrap(item, item_font, rec_w, hang)):
                rec_lines.append((" ".join(words), item_font, 0 if k == 0 else hang))
        scx, sw = (self.px(v) for v in SIGNATURE_MM)
        gap_rows = round(self.px(SIGN_SPACE_MM) / grid)
        sign_rows = sum(len(self.wrap(t, sign_font, sw)) for t in doc.signature) + gap_rows - 1 if doc.signature else 0
        self.y += self.px(4)
        if self.y + grid * max(sign_rows, min(len(rec_lines), 12)) > self.bottom:  # long lists may flow over
            self.new_page()
        y0, sign_page = self.y, self.page
        ascent = sign_font.getmetrics()[0]
        if doc.signature:
            _, y = self.centered(doc.signature[:-1], sign_font, scx, sw, y0, grid)
            gap_mid = round(y + (gap_rows - 1) * grid / 2)
            self.page.signature_box = (scx - self.px(24), gap_mid - self.px(9), scx + self.px(24), gap_mid + self.px(9))
            self.page.seal_center = (scx - self.px(15), gap_mid)
            self.centered(doc.signature[-1:], sign_font, scx, sw, y + (gap_rows - 1) * grid, grid)
        y = y0
        for text, font, indent in rec_lines:
            if y + grid > self.bottom:
                self.new_page()
                y = self.y
            self.text(text, font, self.left + indent, y + ascent)
            y += grid
        self.y = max(y, y0 + grid * sign_rows) if self.page is sign_page else y


def typeset(doc: OfficialText, dpi: int, body_pt: float = 14) -> list[RenderedPage]:
    """Lay the document out on as many A4 pages as it needs."""
    ts = _Typesetter(dpi, body_pt)
    ts.header(doc)
    ts.heading(doc)
    ts.paragraphs(doc.body)
    ts.closing(doc)
    if doc.appendix:  # annexes and footnotes start on a page of their own
        ts.new_page()
        ts.paragraphs(doc.appendix)
    return ts.pages
