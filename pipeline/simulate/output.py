"""Write simulated scans as a scanner would: an image-only PDF, a multi-page TIFF or PNGs.

Every file is written to a temporary name beside the target and moved into place.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path

from ..storage import atomic_write_bytes
from .scan import SimulatedPage, SimulatedScan


def save_pdf(scan: SimulatedScan, path: str | Path) -> None:
    """One full-page image per page, sized by its dpi: the JPEG stream as-is when there is one, else Flate."""
    objects: list[bytes] = []  # object n is objects[n - 1]

    def add(obj: bytes) -> int:
        objects.append(obj)
        return len(objects)

    add(b"<< /Type /Catalog /Pages 2 0 R >>")
    add(b"")  # the page tree, filled in once the kids are known
    kids = []
    for page in scan.pages:
        w, h = page.image.size
        w_pt, h_pt = w * 72 / page.dpi, h * 72 / page.dpi
        image = add(_image_object(page))
        content = f"q {w_pt:.4f} 0 0 {h_pt:.4f} 0 0 cm /Im0 Do Q".encode()
        contents = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        kids.append(add(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w_pt:.4f} {h_pt:.4f}] "
            f"/Resources << /XObject << /Im0 {image} 0 R >> >> /Contents {contents} 0 R >>".encode()
        ))
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (n, obj))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % off for off in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    atomic_write_bytes(Path(path), out.getvalue())


def _image_object(page: SimulatedPage) -> bytes:
    w, h = page.image.size
    if page.jpeg is not None:
        data, filt = page.jpeg, b"/DCTDecode"
    else:
        data, filt = zlib.compress(page.image.tobytes(), 6), b"/FlateDecode"
    head = b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB " % (w, h)
    head += b"/BitsPerComponent 8 /Filter %s /Length %d >>" % (filt, len(data))
    return head + b"\nstream\n" + data + b"\nendstream"


def save_tiff(scan: SimulatedScan, path: str | Path) -> None:
    """A multi-page, Deflate-compressed TIFF with each page's dpi."""
    first, *rest = scan.pages
    buffer = io.BytesIO()
    first.image.save(buffer, "TIFF", save_all=True, compression="tiff_deflate", dpi=(first.dpi, first.dpi),
                     append_images=[p.image for p in rest])
    atomic_write_bytes(Path(path), buffer.getvalue())


def save_pngs(scan: SimulatedScan, path: str | Path) -> list[Path]:
    """One PNG per page, named ``<stem>-<n>.png`` beside ``path``; returns the paths."""
    path = Path(path)
    written = []
    for n, page in enumerate(scan.pages, start=1):
        target = path.with_name(f"{path.stem}-{n}.png")
        buffer = io.BytesIO()
        page.image.save(buffer, "PNG", dpi=(page.dpi, page.dpi))
        atomic_write_bytes(target, buffer.getvalue())
        written.append(target)
    return written
