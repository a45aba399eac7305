"""ketluan: scanned Vietnamese official conclusions to tables."""

__version__ = "0.7.15"
