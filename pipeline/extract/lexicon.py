"""Language data of the extract stage, loaded once from ``pipeline/data/extract/*.json``."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "extract"
# the lower-case Vietnamese letters, for regex character classes ("[{LOWER}]+" is a lower-case word)
LOWER = "a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"

# Old-style tone placement ("hoà", "uỷ") → new style ("hòa", "ủy"), the project's output convention.
_OLD_STYLE = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
# "qu" is an onset: "quý", "quỳ" are right in both styles and stay.
_OLD_STYLE_RE = re.compile("(?<![qQ])(?:" + "|".join(_OLD_STYLE) + r")(?=\W|$)", re.IGNORECASE)


def normalize_text(text: str) -> str:
    """NFC, new-style tone marks: the form every pattern in the data files is written in."""
    text = unicodedata.normalize("NFC", text)

    def swap(m: re.Match) -> str:
        old = m.group(0)
        new = _OLD_STYLE[old.lower()]
        return "".join(n.upper() if o.isupper() else n for o, n in zip(old, new))

    return _OLD_STYLE_RE.sub(swap, text)


def words_pattern(phrases: list[str]) -> str:
    """A regex alternation of phrases, longest first, matching whole words and any run of spaces."""
    parts = sorted({p for p in phrases if p}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in parts)


@dataclass(frozen=True)
class Lexicon:
    agencies: dict[str, Any]
    temporal: dict[str, Any]
    metrics: dict[str, Any]
    structure: dict[str, Any]


@lru_cache(maxsize=4)
def load_lexicon(data_dir: str | None = None) -> Lexicon:
    base = Path(data_dir) if data_dir else DATA_DIR

    def read(name: str) -> dict[str, Any]:
        return json.loads((base / f"{name}.json").read_text(encoding="utf-8"))

    return Lexicon(read("agencies"), read("temporal"), read("metrics"), read("structure"))
