"""Server-side SVG charts for the statistics page.

Built with ``format_html``/``format_html_join`` only, so every piece of text is
escaped and the result is a SafeString without any ``mark_safe``. No style
attributes (the CSP allows stylesheets from 'self' only): colours come from
classes in static/css/stats.css. Each chart has a ``viewBox`` and scales to its
container's width; font sizes are in the chart's own units, so they scale too."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

from django.utils import dateformat, formats
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from studyapp.study.stats import DayCount

SVG_NS = "http://www.w3.org/2000/svg"


def _num(value: float) -> str:
    """A coordinate: no locale, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _svg(*, css_class: str, width: float, height: float, label: str, body: SafeString) -> SafeString:
    return format_html(
        '<svg xmlns="{}" class="{}" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}">{}</svg>',
        SVG_NS,
        css_class,
        _num(width),
        _num(height),
        label,
        body,
    )


# ---------------------------------------------------------------- heatmap

CELL = 11
GAP = 2
STEP = CELL + GAP
HEAT_LEFT = 30  # room for weekday names
HEAT_TOP = 16  # room for month names
LEVELS = 5


def heat_level(count: int, busiest: int) -> int:
    """0 for no answers, else 1-4 by quarter of the busiest day in view."""
    if count <= 0 or busiest <= 0:
        return 0
    return min(LEVELS - 1, 1 + (4 * count - 1) // busiest)


def _sunday_row(day: date) -> int:
    # Rows run Sunday (0) to Saturday (6), as on most wall calendars.
    return (day.weekday() + 1) % 7


def heatmap_svg(days: Sequence[DayCount]) -> SafeString:
    """A GitHub-style grid: one column per week, one row per weekday, one
    square per study day with a tooltip; ``days`` oldest first, consecutive."""
    if not days:
        return SafeString("")
    first = days[0].day
    grid_start = first - timedelta(days=_sunday_row(first))
    busiest = max(d.count for d in days)
    columns = (days[-1].day - grid_start).days // 7 + 1
    width = HEAT_LEFT + columns * STEP
    grid_bottom = HEAT_TOP + 7 * STEP
    height = grid_bottom + 20  # legend row

    cells = []
    month_labels = []
    last_label_column = -10
    for item in days:
        offset = (item.day - grid_start).days
        column, row = divmod(offset, 7)
        tooltip = ngettext("%(date)s: %(count)s review", "%(date)s: %(count)s reviews", item.count) % {
            "date": formats.date_format(item.day, "DATE_FORMAT"),
            "count": item.count,
        }
        cells.append(
            (
                _num(HEAT_LEFT + column * STEP),
                _num(HEAT_TOP + row * STEP),
                heat_level(item.count, busiest),
                item.day.isoformat(),
                tooltip,
            )
        )
        # Name a month above the week its first day falls in, if there is room.
        starts_month = item.day.day == 1 or (item is days[0] and item.day.day <= 14)
        if starts_month and column - last_label_column >= 3 and columns - column >= 2:
            month_labels.append((_num(HEAT_LEFT + column * STEP), dateformat.format(item.day, "M")))
            last_label_column = column

    weekday_labels = [
        (_num(HEAT_LEFT - 4), _num(HEAT_TOP + row * STEP + CELL - 2), WEEKDAYS_ABBR[(row - 1) % 7])
        for row in (1, 3, 5)  # Monday, Wednesday, Friday
    ]
    legend_y = grid_bottom + 6
    legend_right = width - 30
    legend_cells = [(_num(legend_right - (LEVELS - i) * STEP), _num(legend_y), i) for i in range(LEVELS)]

    body = format_html(
        "{}{}{}{}{}{}",
        format_html_join("", '<text class="chart-label" x="{}" y="10">{}</text>', month_labels),
        format_html_join("", '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>', weekday_labels),
        format_html_join(
            "",
            '<rect x="{}" y="{}" width="11" height="11" rx="2" class="hm-l{}" data-day="{}"><title>{}</title></rect>',
            cells,
        ),
        format_html(
            '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>',
            _num(legend_right - LEVELS * STEP - 4),
            _num(legend_y + CELL - 2),
            _("Less"),
        ),
        format_html_join("", '<rect x="{}" y="{}" width="11" height="11" rx="2" class="hm-l{}"/>', legend_cells),
        format_html(
            '<text class="chart-label" x="{}" y="{}">{}</text>',
            _num(legend_right + 2),
            _num(legend_y + CELL - 2),
            _("More"),
        ),
    )
    total = sum(d.count for d in days)
    label = ngettext(
        "Reviews per day: %(count)s review in the last %(days)s days",
        "Reviews per day: %(count)s reviews in the last %(days)s days",
        total,
    ) % {"count": total, "days": len(days)}
    return _svg(css_class="chart heatmap", width=width, height=height, label=label, body=body)


# ---------------------------------------------------------------- forecast

FC_WIDTH = 360
FC_HEIGHT = 180
FC_LEFT = 30
FC_RIGHT = 6
FC_TOP = 24
FC_BOTTOM = 24


def short_date(day: date) -> str:
    # Translators: a date format (Django's "date" filter syntax) for a short
    # month and day, as on a chart axis: "Mar 17" in English.
    return formats.date_format(day, _("M j"))


def nice_ticks(peak: int, *, most: int = 4) -> list[int]:
    """0 and round steps (1, 2, 5 × 10^k) up to at least ``peak``."""
    peak = max(peak, 1)
    raw = peak / most
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    top = step * math.ceil(peak / step)
    return list(range(0, top + 1, step))


def forecast_svg(days: Sequence[DayCount]) -> SafeString:
    """Bars of reviews due per study day, today first (overdue included in today)."""
    if not days:
        return SafeString("")
    ticks = nice_ticks(max(d.count for d in days))
    top = ticks[-1]
    plot_w = FC_WIDTH - FC_LEFT - FC_RIGHT
    plot_h = FC_HEIGHT - FC_TOP - FC_BOTTOM
    base = FC_TOP + plot_h
    slot = plot_w / len(days)
    bar_w = slot * 0.75

    gridlines = [
        (_num(FC_LEFT), _num(base - plot_h * t / top), _num(FC_LEFT + plot_w), _num(base - plot_h * t / top))
        for t in ticks
    ]
    y_labels = [(_num(FC_LEFT - 4), _num(base - plot_h * t / top + 4), t) for t in ticks]
    bars = []
    x_labels = []
    for i, item in enumerate(days):
        name = _("Today") if i == 0 else short_date(item.day)
        x = FC_LEFT + i * slot + (slot - bar_w) / 2
        height = plot_h * item.count / top
        tooltip = ngettext("%(date)s: %(count)s review due", "%(date)s: %(count)s reviews due", item.count) % {
            "date": name,
            "count": item.count,
        }
        bars.append(
            (
                _num(x),
                _num(base - height),
                _num(bar_w),
                _num(height),
                "fc-bar fc-today" if i == 0 else "fc-bar",
                item.day.isoformat(),
                tooltip,
            )
        )
        if i % 7 == 0:
            x_labels.append((_num(FC_LEFT + i * slot + slot / 2), _num(base + 16), name))

    body = format_html(
        "{}{}{}{}{}{}",
        format_html('<text class="chart-label" x="0" y="12">{}</text>', _("Reviews due")),
        format_html_join("", '<line class="fc-grid" x1="{}" y1="{}" x2="{}" y2="{}"/>', gridlines),
        format_html_join("", '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>', y_labels),
        format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" class="{}" data-day="{}"><title>{}</title></rect>',
            bars,
        ),
        format_html(
            '<line class="fc-axis" x1="{}" y1="{}" x2="{}" y2="{}"/>',
            _num(FC_LEFT),
            _num(base),
            _num(FC_LEFT + plot_w),
            _num(base),
        ),
        format_html_join("", '<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>', x_labels),
    )
    total = sum(d.count for d in days)
    label = ngettext(
        "Forecast: %(count)s review due in the next %(days)s days",
        "Forecast: %(count)s reviews due in the next %(days)s days",
        total,
    ) % {"count": total, "days": len(days)}
    return _svg(css_class="chart forecast", width=FC_WIDTH, height=FC_HEIGHT, label=label, body=body)


# ---------------------------------------------------------------- bar


def bar_svg(fraction: float, *, label: str) -> SafeString:
    """A thin horizontal bar filled to ``fraction`` (0..1) of its width."""
    filled = max(0.0, min(1.0, fraction)) * 100
    return format_html(
        '<svg xmlns="{}" class="bar" viewBox="0 0 100 6" preserveAspectRatio="none" width="100%" '
        'role="img" aria-label="{}"><rect class="bar-track" width="100" height="6"/>'
        '<rect class="bar-fill" width="{}" height="6"/></svg>',
        SVG_NS,
        label,
        _num(filled),
    )
