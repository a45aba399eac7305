"""Where the shared material (../shared beside the checkout) is, when it is there at all."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def find_shared(explicit: Path | None = None) -> Path | None:
    """The shared folder with its docs/, or None when this checkout has none beside it."""
    candidate = explicit if explicit is not None else REPO_ROOT.parent / "shared"
    return candidate if (candidate / "docs").is_dir() else None
