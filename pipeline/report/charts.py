"""Inline SVG charts for the report: no charting library, no network, readable without scripts.

The timeline carries each month's deadlines as data attributes, so the page's script
can recount overdue tasks when the reader picks another date.
"""

from __future__ import annotations

import datetime as dt
from html import escape

BAR_HEIGHT = 18
LABEL_WIDTH = 330
PLOT_WIDTH = 420
MAX_FILLED_MONTHS = 60  # a longer span shows only the months that have deadlines
TIMELINE_HEIGHT = 180
MONTH_WIDTH = 26


def agency_bars(counts: list[tuple[str, int]]) -> str:
    """Horizontal bars: tasks per lead agency, largest first."""
    if not counts:
        return '<p class="empty">No tasks extracted yet.</p>'
    top = max(c for _, c in counts)
    height = BAR_HEIGHT * len(counts) + 10
    rows = []
    for i, (name, count) in enumerate(counts):
        y = i * BAR_HEIGHT + 5
        width = max(1.0, PLOT_WIDTH * count / top)
        label = name if len(name) <= 52 else name[:51] + "…"
        rows.append(
            f'<g class="bar" data-agency="{escape(name)}" data-count="{count}">'
            f'<title>{escape(name)}: {count} task(s)</title>'
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{width:.1f}" height="{BAR_HEIGHT - 4}"/>'
            f'<text class="count" x="{LABEL_WIDTH + width + 4:.1f}" y="{y + 13}">{count}</text></g>'
        )
    return (
        f'<svg id="agency-chart" class="chart" viewBox="0 0 {LABEL_WIDTH + PLOT_WIDTH + 40} {height}" '
        f'role="img" aria-label="Tasks per lead agency">{"".join(rows)}</svg>'
    )


def months_of(deadlines: list[str]) -> list[str]:
    """The months (YYYY-MM) to show: every month from the first deadline to the last, when that is not too many."""
    present = sorted({d[:7] for d in deadlines})
    if not present:
        return []
    first, last = (int(present[0][:4]), int(present[0][5:7])), (int(present[-1][:4]), int(present[-1][5:7]))
    span = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    if span > MAX_FILLED_MONTHS:
        return present
    months = []
    year, month = first
    for _ in range(span):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_timeline(deadlines: list[str], as_of: dt.date) -> str:
    """Vertical bars per month of deadline: overdue part (before ``as_of``) at the bottom, the rest on top."""
    months = months_of(deadlines)
    if not months:
        return '<p class="empty">No deadlines extracted yet.</p>'
    by_month: dict[str, list[str]] = {m: [] for m in months}
    for d in deadlines:
        by_month[d[:7]].append(d)
    top = max(len(v) for v in by_month.values())
    plot = TIMELINE_HEIGHT - 40
    cutoff = as_of.isoformat()
    groups = []
    for i, month in enumerate(months):
        days = by_month[month]
        overdue = sum(1 for d in days if d < cutoff)
        x = 30 + i * MONTH_WIDTH
        h_over = plot * overdue / top
        h_open = plot * (len(days) - overdue) / top
        base = plot + 10
        label = f'<text x="{x + MONTH_WIDTH / 2 - 1}" y="{base + 12}" transform="rotate(45 {x + 4} {base + 12})">{month}</text>'
        groups.append(
            f'<g class="month" data-month="{month}" data-deadlines="{" ".join(days)}">'
            f"<title>{month}: {len(days)} task(s) due, {overdue} overdue</title>"
            f'<rect class="overdue" x="{x}" y="{base - h_over:.1f}" width="{MONTH_WIDTH - 6}" height="{h_over:.1f}"/>'
            f'<rect class="open" x="{x}" y="{base - h_over - h_open:.1f}" width="{MONTH_WIDTH - 6}" height="{h_open:.1f}"/>'
            f"{label}</g>"
        )
    width = 60 + len(months) * MONTH_WIDTH
    return (
        f'<svg id="timeline-chart" class="chart" viewBox="0 0 {width} {TIMELINE_HEIGHT + 20}" data-top="{top}" '
        f'data-plot="{plot}" role="img" aria-label="Deadlines by month">'
        f'<text class="axis" x="2" y="14">{top}</text><text class="axis" x="2" y="{plot + 10}">0</text>'
        f'{"".join(groups)}</svg>'
    )
