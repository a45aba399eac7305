"""Measurements anyone can rerun: ``make eval`` (accuracy) and ``make bench`` (speed)."""
