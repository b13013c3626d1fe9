"""Server-side SVG charts of the team pages, built like studyapp/study/charts.py:
``format_html`` only (every text escaped, no mark_safe), no style attributes
(colours from classes in static/css/teams.css), a viewBox so that they scale
to a phone's width with text that stays legible."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from studyapp.study.charts import SVG_NS, _num
from studyapp.teams.models import Band

BAND_CLASSES = {Band.ON_TRACK: "fc-on", Band.AT_RISK: "fc-risk", Band.BEHIND: "fc-behind"}

# ---------------------------------------------------------------- readiness forecast

FC_WIDTH = 300
FC_BAR_H = 22
FC_LABEL_H = 16
FC_GAP = 10


def bands_svg(now: dict[str, int], at_exam: dict[str, int]) -> SafeString:
    """Two stacked bars: how many members are on track, at risk and behind
    now, and on the exam day if each keeps their current pace."""
    bars = [(_("Now"), now), (_("At the exam, at this pace"), at_exam)]
    total = max(sum(now.values()), sum(at_exam.values()), 1)
    parts = []
    step = FC_LABEL_H + FC_BAR_H + FC_GAP
    for index, (label, counts) in enumerate(bars):
        top = index * step
        parts.append(format_html('<text class="chart-label" x="0" y="{}">{}</text>', _num(top + 11), label))
        y = top + FC_LABEL_H
        parts.append(format_html('<rect x="0" y="{}" width="{}" height="{}" class="fc-track"/>', y, FC_WIDTH, FC_BAR_H))
        x = 0.0
        for band, css in BAND_CLASSES.items():
            count = counts.get(band, 0)
            if not count:
                continue
            w = FC_WIDTH * count / total
            tooltip = f"{label}: {Band(band).label} {count}"
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" class="{}" data-band="{}" data-count="{}">'
                    "<title>{}</title></rect>",
                    _num(x),
                    y,
                    _num(w),
                    FC_BAR_H,
                    css,
                    band,
                    count,
                    tooltip,
                )
            )
            if w >= 14:
                parts.append(
                    format_html(
                        '<text class="chart-value" x="{}" y="{}" text-anchor="middle">{}</text>',
                        _num(x + w / 2),
                        _num(y + FC_BAR_H / 2 + 4),
                        count,
                    )
                )
            x += w
    height = len(bars) * step - FC_GAP
    summary = _("Members on track now: %(now)s; on the exam day at their current pace: %(later)s") % {
        "now": now.get(Band.ON_TRACK, 0),
        "later": at_exam.get(Band.ON_TRACK, 0),
    }
    return format_html(
        '<svg xmlns="{}" class="chart bands" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}">{}</svg>',
        SVG_NS,
        FC_WIDTH,
        _num(height),
        summary,
        format_html_join("", "{}", ((p,) for p in parts)),
    )


# ---------------------------------------------------------------- mastery heatmap

HM_LABEL = 120
HM_CELL_W = 48
HM_CELL_H = 24
HM_TOP = 20


def mastery_level(recall: float | None) -> int:
    """0 without a figure; then 1-4: below 50 %, 50-70 %, 70-85 %, 85 % and more."""
    if recall is None:
        return 0
    for level, upper in ((1, 0.5), (2, 0.7), (3, 0.85)):
        if recall < upper:
            return level
    return 4


def heatmap_svg(
    columns: list[tuple[str, str]], rows: list[tuple[str, list[float | None]]], *, label: str
) -> SafeString:
    """Rows (a member who shares details, or the team) × columns (exam
    domains, as (short, full) names); each cell the mean predicted recall now.

    A row is one format_html call with two values per cell (a team of 200 is a
    thousand cells); its geometry is in the row's format string, relative to
    the row, which is moved into place with a transform."""
    if not columns or not rows:
        return SafeString("")
    width = HM_LABEL + len(columns) * HM_CELL_W
    height = HM_TOP + len(rows) * HM_CELL_H
    heads = [(_num(HM_LABEL + i * HM_CELL_W + HM_CELL_W / 2), short, full) for i, (short, full) in enumerate(columns)]
    baseline = _num(HM_CELL_H / 2 + 4)
    cell = (
        '<g class="tm-l{{}}"><rect x="{x}" y="1" width="{w}" height="{h}" rx="2"/>'
        '<text x="{cx}" y="{baseline}" text-anchor="middle">{{}}</text></g>'
    )
    row_format = (
        '<g transform="translate(0 {})"><text class="chart-label" x="0" y="'
        + baseline
        + '"><title>{}</title>{}</text>'
        + "".join(
            cell.format(
                x=_num(HM_LABEL + c * HM_CELL_W + 1),
                w=HM_CELL_W - 2,
                h=HM_CELL_H - 2,
                cx=_num(HM_LABEL + c * HM_CELL_W + HM_CELL_W / 2),
                baseline=baseline,
            )
            for c in range(len(columns))
        )
        + "</g>"
    )

    def row_args(r: int, name: str, values: list[float | None]) -> list:
        args = [HM_TOP + r * HM_CELL_H, name, name if len(name) <= 16 else name[:15] + "…"]
        for value in values:
            args += [mastery_level(value), "" if value is None else f"{round(100 * value)}%"]
        return args

    body = format_html(
        "{}{}",
        format_html_join(
            "",
            '<text class="chart-label" x="{}" y="14" text-anchor="middle"><title>{}</title>{}</text>',
            ((x, full, short) for x, short, full in heads),
        ),
        format_html_join("", row_format, (row_args(r, name, values) for r, (name, values) in enumerate(rows))),
    )
    return format_html(
        '<svg xmlns="{}" class="chart mastery-map" viewBox="0 0 {} {}" width="{}" role="img" aria-label="{}">{}</svg>',
        SVG_NS,
        width,
        height,
        width,
        label,
        body,
    )
