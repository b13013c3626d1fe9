"""The report's trend chart: percent correct of each attempt of a blueprint,
with its 95 % interval, as server-side SVG (as studyapp.study.charts builds
the statistics page's: format_html only, colours from classes in
static/css/report.css, a viewBox that scales to the page's width). The
page shows the same figures as a table beside it."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from studyapp.exams.report import TrendPoint
from studyapp.study.charts import _num, _svg, short_date

WIDTH, HEIGHT = 480, 200
LEFT, RIGHT, TOP, BOTTOM = 34, 12, 22, 26
TICKS = (0, 25, 50, 75, 100)


def trend_svg(points: Sequence[TrendPoint], *, current_id: int | None = None) -> SafeString:
    """A line through each attempt's percent correct, a whisker for its
    interval; the attempt the page reports on is marked."""
    points = [p for p in points if p.percent is not None]
    if not points:
        return SafeString("")
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    slot = plot_w / len(points)

    def y(percent: float) -> str:
        return _num(base - plot_h * percent / 100)

    def x(i: int) -> str:
        return _num(LEFT + slot * i + slot / 2)

    grid = [(_num(LEFT), y(t), _num(LEFT + plot_w), y(t)) for t in TICKS]
    y_labels = [(_num(LEFT - 4), _num(float(y(t)) + 4), f"{t}%") for t in TICKS]
    whiskers = [(x(i), y(p.interval.low), x(i), y(p.interval.high)) for i, p in enumerate(points)]
    dots = [
        (
            x(i),
            y(p.percent),
            "trend-dot trend-current" if p.attempt_id == current_id else "trend-dot",
            _("%(date)s: %(correct)s of %(total)s correct (%(percent)s%%)")
            % {
                "date": short_date(p.submitted_at.date()),
                "correct": p.correct,
                "total": p.questions,
                "percent": round(p.percent),
            },
        )
        for i, p in enumerate(points)
    ]
    # Every label when they fit, else about six of them.
    every = max(1, round(len(points) / 6))
    x_labels = [
        (x(i), _num(base + 16), short_date(p.submitted_at.date())) for i, p in enumerate(points) if i % every == 0
    ]
    line = " ".join(f"{x(i)},{y(p.percent)}" for i, p in enumerate(points))
    body = format_html(
        "{}{}{}{}{}{}{}",
        format_html('<text class="chart-label" x="0" y="12">{}</text>', _("Percent correct")),
        format_html_join("", '<line class="trend-grid" x1="{}" y1="{}" x2="{}" y2="{}"/>', grid),
        format_html_join("", '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>', y_labels),
        format_html_join("", '<line class="trend-interval" x1="{}" y1="{}" x2="{}" y2="{}"/>', whiskers),
        format_html('<polyline class="trend-line" points="{}"/>', line) if len(points) > 1 else "",
        format_html_join("", '<circle cx="{}" cy="{}" r="4" class="{}"><title>{}</title></circle>', dots),
        format_html_join("", '<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>', x_labels),
    )
    first, last = points[0], points[-1]
    label = ngettext(
        "Trend over %(count)s attempt: %(last)s%% correct",
        "Trend over %(count)s attempts: from %(first)s%% to %(last)s%% correct",
        len(points),
    ) % {"count": len(points), "first": round(first.percent), "last": round(last.percent)}
    return _svg(css_class="chart trend", width=WIDTH, height=HEIGHT, label=label, body=body)
