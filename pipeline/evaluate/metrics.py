"""Error rates shared by the evaluations."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import Levenshtein

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFC with all runs of whitespace (line breaks and page breaks too) as one space."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def char_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edit distance, reference length) on normalised text, to be summed over pages."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    return Levenshtein.distance(ref, hyp), len(ref)


def cer(reference: str, hypothesis: str) -> float:
    errors, length = char_errors(reference, hypothesis)
    return errors / max(1, length)
