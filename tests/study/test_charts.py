"""The SVG charts: well-formed, script-free, style-free, and drawing the data given."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.utils import translation

from studyapp.study import charts
from studyapp.study.stats import DayCount

NS = {"svg": charts.SVG_NS}
TODAY = date(2026, 3, 10)  # a Tuesday


def year(counts: dict[int, int] | None = None) -> list[DayCount]:
    """365 days ending TODAY; ``counts`` maps days-ago to answers."""
    counts = counts or {}
    return [DayCount(TODAY - timedelta(days=ago), counts.get(ago, 0)) for ago in range(364, -1, -1)]


def parse(svg) -> ET.Element:
    root = ET.fromstring(str(svg))  # noqa: S314 - our own markup, not untrusted input
    assert root.tag == f"{{{charts.SVG_NS}}}svg"
    return root


def assert_safe(svg) -> None:
    text = str(svg)
    root = parse(text)
    assert not root.findall(".//svg:script", NS) and "<script" not in text.lower()
    assert "style=" not in text and "<style" not in text
    assert not any(name.startswith("on") for el in root.iter() for name in el.attrib)
    assert root.get("viewBox") and root.get("width") == "100%"


# ---------------------------------------------------------------- heatmap


def test_heatmap_has_one_square_per_day_with_a_tooltip():
    svg = charts.heatmap_svg(year({0: 8, 1: 2, 364: 1}))
    assert_safe(svg)
    days = parse(svg).findall(".//svg:rect[@data-day]", NS)
    assert len(days) == 365
    by_day = {rect.get("data-day"): rect for rect in days}
    today = by_day["2026-03-10"]
    assert today.find("svg:title", NS).text == "March 10, 2026: 8 reviews"
    assert by_day["2026-03-09"].find("svg:title", NS).text == "March 9, 2026: 2 reviews"
    assert by_day[(TODAY - timedelta(days=364)).isoformat()].find("svg:title", NS).text.endswith(": 1 review")


def test_heatmap_squares_sit_in_weekday_rows_and_week_columns():
    root = parse(charts.heatmap_svg(year()))
    rects = {r.get("data-day"): r for r in root.findall(".//svg:rect[@data-day]", NS)}
    tuesday, wednesday, next_week = rects["2026-03-03"], rects["2026-03-04"], rects["2026-03-10"]
    assert tuesday.get("x") == wednesday.get("x")  # same week
    assert float(wednesday.get("y")) - float(tuesday.get("y")) == charts.STEP  # next row
    assert float(next_week.get("x")) - float(tuesday.get("x")) == charts.STEP  # next column
    assert tuesday.get("y") == next_week.get("y")
    sunday = rects["2026-03-08"]
    assert float(sunday.get("y")) == charts.HEAT_TOP  # weeks start on Sunday


@pytest.mark.parametrize(
    ("count", "busiest", "level"),
    [(0, 10, 0), (1, 10, 1), (2, 10, 1), (3, 10, 2), (5, 10, 2), (6, 10, 3), (8, 10, 4), (10, 10, 4), (1, 1, 4)],
)
def test_heat_levels_are_quarters_of_the_busiest_day(count, busiest, level):
    assert charts.heat_level(count, busiest) == level


def test_heatmap_levels_are_classes_not_styles():
    root = parse(charts.heatmap_svg(year({0: 4, 1: 1})))
    classes = {r.get("data-day"): r.get("class") for r in root.findall(".//svg:rect[@data-day]", NS)}
    assert classes["2026-03-10"] == "hm-l4"
    assert classes["2026-03-09"] == "hm-l1"
    assert classes["2026-03-08"] == "hm-l0"


def test_heatmap_of_an_empty_year_is_all_level_zero():
    svg = charts.heatmap_svg(year())
    assert_safe(svg)
    assert {r.get("class") for r in parse(svg).findall(".//svg:rect[@data-day]", NS)} == {"hm-l0"}


def test_heatmap_is_translated():
    with translation.override("ja"):
        svg = charts.heatmap_svg(year({0: 3}))
    assert_safe(svg)
    texts = [t.text for t in parse(svg).iter(f"{{{charts.SVG_NS}}}text")]
    assert "月" in texts and "水" in texts  # weekday names


# ---------------------------------------------------------------- forecast


def forecast(counts: dict[int, int]) -> list[DayCount]:
    return [DayCount(TODAY + timedelta(days=i), counts.get(i, 0)) for i in range(30)]


def test_forecast_draws_one_bar_per_day_scaled_to_the_axis():
    svg = charts.forecast_svg(forecast({0: 12, 1: 6, 29: 3}))
    assert_safe(svg)
    root = parse(svg)
    bars = {r.get("data-day"): r for r in root.findall(".//svg:rect[@data-day]", NS)}
    assert len(bars) == 30
    today, tomorrow = bars["2026-03-10"], bars["2026-03-11"]
    assert float(today.get("height")) == pytest.approx(2 * float(tomorrow.get("height")))
    assert float(bars["2026-03-12"].get("height")) == 0
    assert "fc-today" in today.get("class")
    assert today.find("svg:title", NS).text == "Today: 12 reviews due"
    assert tomorrow.find("svg:title", NS).text == "Mar 11: 6 reviews due"


def test_forecast_has_axis_labels():
    root = parse(charts.forecast_svg(forecast({0: 12})))
    texts = [t.text for t in root.iter(f"{{{charts.SVG_NS}}}text")]
    assert "Reviews due" in texts
    assert "Today" in texts and "Mar 17" in texts  # a label every week
    assert texts[1:5] == ["0", "5", "10", "15"]  # y ticks up to a round number above 12


@pytest.mark.parametrize(
    ("peak", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (3, [0, 1, 2, 3]),
        (12, [0, 5, 10, 15]),
        (40, [0, 10, 20, 30, 40]),
        (13, [0, 5, 10, 15]),
        (95, [0, 50, 100]),
    ],
)
def test_nice_ticks(peak, ticks):
    assert charts.nice_ticks(peak) == ticks


def test_an_empty_forecast_is_still_a_valid_chart():
    assert_safe(charts.forecast_svg(forecast({})))


# ---------------------------------------------------------------- bar


def test_bar_fills_its_fraction_and_escapes_its_label():
    svg = charts.bar_svg(0.734, label='Domain <script>alert("x")</script> & co')
    assert_safe(svg)
    root = parse(svg)
    assert root.get("aria-label") == 'Domain <script>alert("x")</script> & co'  # as text, escaped in the markup
    fill = root.find("svg:rect[@class='bar-fill']", NS)
    assert fill.get("width") == "73.4"


@pytest.mark.parametrize(("fraction", "width"), [(-0.5, "0"), (0, "0"), (1, "100"), (1.7, "100")])
def test_bar_is_clamped(fraction, width):
    assert parse(charts.bar_svg(fraction, label="x")).find("svg:rect[@class='bar-fill']", NS).get("width") == width
