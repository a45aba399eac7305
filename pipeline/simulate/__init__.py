"""Scan simulator: Vietnamese official-document text rendered as realistic scanned pages.

>>> scan = simulate(read_text_file("doc.txt"), "moderate", seed=1)
>>> save_pdf(scan, "doc.pdf"); scan.ground_truth  # page texts joined by "\\f"

Text is parsed into the parts of a Decree 30/2020 page (:func:`parse_official_text`),
typeset on A4 with Liberation Serif, stamped with a signature and a red seal, then
degraded by a :class:`Degradation` preset (``clean``, ``moderate``, ``heavy``).
Ground truth is every drawn line in reading order; seal text is not part of it.
"""

from .degrade import PRESETS, Degradation
from .output import save_pdf, save_pngs, save_tiff
from .parse import OfficialText, parse_official_text, read_text_file
from .scan import SimulatedPage, SimulatedScan, seed_for, simulate

__all__ = [
    "PRESETS",
    "Degradation",
    "OfficialText",
    "SimulatedPage",
    "SimulatedScan",
    "seed_for",
    "parse_official_text",
    "read_text_file",
    "save_pdf",
    "save_pngs",
    "save_tiff",
    "simulate",
]
