"""Find source files in the inbox, identify them by content, and reject what is not a document.

Kinds are told by their first bytes, not their extension: a clerk's "scan.pdf"
may be a JPEG. Source files are only ever opened for reading.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .config import Config

# Magic numbers of the kinds the pipeline reads.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
)
TEXT_SUFFIXES = {".txt"}


class InputError(Exception):
    """A source file the pipeline cannot use; the message is shown to the clerk."""


@dataclass(frozen=True)
class Source:
    path: Path
    sha256: str
    size: int
    kind: str  # pdf | tiff | png | jpeg | text

    @property
    def doc_id(self) -> str:
        return self.sha256[:16]


def discover(config: Config) -> list[Path]:
    """Files in the inbox in a stable order, skipping hidden files and partial downloads."""
    inbox = config.inbox
    if not inbox.is_dir():
        raise FileNotFoundError(f"inbox folder not found: {inbox}")
    pattern = "**/*" if config.recursive else "*"
    found = []
    for path in inbox.glob(pattern):
        rel_parts = path.relative_to(inbox).parts
        if any(part.startswith(".") for part in rel_parts):
            continue
        if path.suffix.lower() in {".part", ".crdownload", ".tmp"} or path.name.startswith("~$"):
            continue
        if path.is_file():
            found.append(path)
    return sorted(found)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def identify(path: Path, config: Config) -> Source:
    """Hash and classify one file; raise InputError with a clerk-readable reason."""
    size = path.stat().st_size
    if size == 0:
        raise InputError("empty file (0 bytes)")
    if size > config.max_file_mb * 1024 * 1024:
        raise InputError(f"file too large: {size / 1024 / 1024:.0f} MB (limit {config.max_file_mb:.0f} MB)")
    with path.open("rb") as handle:
        head = handle.read(16)
    kind = next((k for magic, k in _SIGNATURES if head.startswith(magic)), None)
    if kind is None and path.suffix.lower() in TEXT_SUFFIXES:
        kind = "text"
    if kind is None:
        raise InputError(
            f"not a document this pipeline reads ({path.suffix or 'no extension'}): "
            "expected PDF, TIFF, PNG, JPEG or .txt"
        )
    return Source(path=path, sha256=file_sha256(path), size=size, kind=kind)


def path_doc_id(path: Path) -> str:
    """An id for a file that could not even be read, so its error still has a stable row."""
    return hashlib.sha256(str(path).encode("utf-8")).hexdigest()[:16]
