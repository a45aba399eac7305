"""Regenerate ``samples/``: the project's invented documents as a clerk would receive them.

    python -m pipeline.simulate.samples --out samples

Scanned-looking PDFs in three conditions, a multi-page TIFF scan, a born-digital PDF with a real text layer (reportlab), and the two legacy
OCR seeds from ../shared/seeds when they are there (samples/ keeps copies).
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from ..storage import atomic_write_bytes
from .output import save_pdf, save_tiff
from .parse import OfficialText, parse_official_text, read_text_file
from .scan import simulate

SOURCES = Path(__file__).resolve().parents[2] / "samples" / "src"
FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")

# (source text, output name, degradation, seed); the kind follows from the suffix.
SCANS = [
    ("kl_tinh_uy_nong_thon_moi.txt", "kl_1187-KL-TU_scan_moderate.pdf", "moderate", 11),
    ("tbkl_ubnd_giai_ngan.txt", "tb_342-TB-UBND_scan_heavy.pdf", "heavy", 12),
    ("cong_dien_ubnd_mua_lu.txt", "cd_09-CD-UBND_scan_clean.pdf", "clean", 13),
    ("chi_thi_phong_chay.txt", "ct_06-CT-UBND_scan.tiff", "clean", 14),
]
BORN_DIGITAL = ("ke_hoach_chuyen_doi_so.txt", "kh_12-KH-UBND_born_digital.pdf")


def save_born_digital_pdf(doc: OfficialText, path: Path) -> None:
    """Typeset a document as an office would export it from a word processor (Decree 30 layout)."""
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    for name, file in [("Serif", "Regular"), ("Serif-Bold", "Bold"), ("Serif-Italic", "Italic")]:
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"LiberationSerif-{file}.ttf")))

    def style(name: str, size: float = 13, font: str = "Serif", align=TA_JUSTIFY, indent: float = 0) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.3, alignment=align,
                              firstLineIndent=indent, spaceAfter=4)

    centre = style("centre", 12.5, align=TA_CENTER)
    centre_bold = style("centre_bold", 13, "Serif-Bold", TA_CENTER)
    centre_italic = style("centre_italic", 13, "Serif-Italic", TA_CENTER)
    body = style("body", indent=10 * mm)
    small = style("small", 11, align=TA_LEFT)

    def para(text: str, st: ParagraphStyle) -> Paragraph:
        return Paragraph(escape(text), st)

    left = [para(line, centre_bold if i else centre) for i, line in enumerate(doc.issuer)]
    left.append(para(doc.number, centre))
    right = [para(line, centre_bold) for line in doc.motto] + [para(doc.place_date, centre_italic)]
    header = Table([[left, right]], colWidths=[70 * mm, 95 * mm])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [header, Spacer(1, 8 * mm), para(doc.doc_type, centre_bold)]
    story += [para(line, centre_bold) for line in doc.title] + [Spacer(1, 5 * mm)]
    story += [para(line, body) for line in doc.body] + [Spacer(1, 8 * mm)]
    recipients = [para(line, small) for line in doc.recipients]
    signature = [para(line, centre_bold) for line in doc.signature]
    closing = Table([[recipients, signature]], colWidths=[85 * mm, 80 * mm])
    closing.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [closing] + [para(line, body) for line in doc.appendix]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=30 * mm, rightMargin=15 * mm,
                      topMargin=20 * mm, bottomMargin=20 * mm).build(story)
    atomic_write_bytes(path, buffer.getvalue())


def build_samples(out: Path, shared: Path | None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for source, name, degradation, seed in SCANS:
        scan = simulate(read_text_file(SOURCES / source), degradation, seed=seed)
        target = out / name
        (save_tiff if target.suffix == ".tiff" else save_pdf)(scan, target)
        written.append(target)
    source, name = BORN_DIGITAL
    save_born_digital_pdf(parse_official_text(read_text_file(SOURCES / source)), out / name)
    written.append(out / name)
    if shared is not None and (shared / "seeds").is_dir():
        for seed in sorted((shared / "seeds").glob("*.txt")):
            target = out / f"seed_{seed.name}"
            shutil.copyfile(seed, target)
            written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("samples"))
    parser.add_argument("--shared", type=Path, default=SOURCES.parents[2] / "shared")
    args = parser.parse_args(argv)
    for path in build_samples(args.out, args.shared):
        print(f"{path}  {path.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
