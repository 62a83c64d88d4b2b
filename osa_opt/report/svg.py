"""Small inline-SVG charts for the HTML report: horizontal bars, bar groups, lines.

Every chart is one ``<svg role="img">`` with a ``<title>`` (what a screen reader says and a
browser shows as a tooltip), drawn here in Python: no script, no font, no network. Every
text that reaches the SVG (labels, titles, tooltips) goes through :func:`html.escape`, since
labels come from the input workbook.

>>> from osa_opt.report.svg import hbar_chart
>>> svg = hbar_chart(["Aurelia", "Coralia"], [4500.0, 2500.0], title="Cost by country")
>>> svg.startswith("<svg") and svg.count("<rect") == 2
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

#: The report's palette: one colour per meaning, shared by charts and CSS.
FUNDED = "#1f4e79"
UNFUNDED = "#c9d3df"
INELIGIBLE = "#b5483b"
GREEDY = "#c55a11"
ACCENT = "#2e7d5b"
GRID = "#e3e7ec"
AXIS = "#5b6573"
INK = "#1d2330"
#: Cycle for series without a meaning of their own (portfolios 1, 2, 3 ...).
SERIES = (FUNDED, "#4f81bd", "#8fb3de", ACCENT, "#7fb89a", GREEDY, "#e0a15e", "#7a6fa8")

#: Latin faces first, then a CJK face on each platform (Japanese titles and names: Debian's
#: fonts-noto-cjk, macOS Hiragino, Windows Yu Gothic / Meiryo), then the generic family.
FONT = ("system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, "
        "'Noto Sans CJK JP', 'Hiragino Sans', 'Yu Gothic', Meiryo, sans-serif")
CHAR_WIDTH = 7.0     # generous average width of a 12 px character, for laying out labels
MAX_LABEL = 36       # characters of a bar label before it is shortened (full text in tooltip)

Formatter = Callable[[float], str]


@dataclass(frozen=True)
class Series:
    """One series of a bar group or line chart.

    ``values`` may hold None (no value: no bar, or a gap in the line); ``dashed`` and
    ``markers`` style a line; ``hollow`` marks points to draw unfilled (e.g. "breaks a rule").
    """

    name: str
    values: Sequence[float | None]
    color: str = FUNDED
    dashed: bool = False
    markers: bool = True
    hollow: Sequence[bool] | None = None


def esc(text: object) -> str:
    """HTML- and attribute-safe text."""
    return escape(str(text), quote=True)


def shorten(text: str, limit: int = MAX_LABEL) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def whole_ticks(xs: Sequence[float], count: int = 5) -> list[float]:
    """Whole-number ticks covering ``xs`` (no "0.2 reserves").

    >>> whole_ticks([0, 1])
    [0.0, 1.0]
    >>> whole_ticks([0, 1, 2, 3, 4, 5, 6, 7])
    [0.0, 2.0, 4.0, 6.0, 8.0]
    """
    lo = math.floor(min(xs, default=0.0))
    hi = max(math.ceil(max(xs, default=1.0)), lo + 1)
    step = max(1, math.ceil((hi - lo) / count))
    return [float(v) for v in range(lo, hi + step, step) if v - step < hi]


def nice_ticks(high: float, count: int = 5, low: float = 0.0) -> list[float]:
    """Round tick values from ``low`` to at least ``high`` (1, 2, 2.5 or 5 times 10^k apart).

    >>> nice_ticks(18100)
    [0.0, 5000.0, 10000.0, 15000.0, 20000.0]
    """
    span = high - low
    if not math.isfinite(span) or span <= 0:
        return [low, low + 1.0]
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw - 1e-12)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(float(value), 10))
        value += step
    return ticks


def compact(value: float) -> str:
    """An axis tick: ``20,000``, ``2.5``, ``0.25``."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 12,
          color: str = INK, weight: str = "normal", extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'fill="{color}" font-weight="{weight}"{extra}>{esc(text)}</text>')


def _open(width: float, height: float, title: str, css_class: str) -> str:
    return (f'<svg class="chart {css_class}" role="img" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}" font-family="{esc(FONT)}" '
            f'aria-label="{esc(title)}"><title>{esc(title)}</title>'
            + _text(0, 16, title, size=14, weight="600"))


def _legend(items: Sequence[tuple[str, str]], x: float, y: float) -> str:
    """Colour swatches with names, in one row."""
    parts = []
    for name, color in items:
        parts.append(f'<rect class="swatch" x="{x:.1f}" y="{y - 9:.1f}" width="11" height="11" '
                     f'rx="2" fill="{color}"/>')
        parts.append(_text(x + 15, y, name, size=11, color=AXIS))
        x += 15 + CHAR_WIDTH * 0.95 * len(name) + 18
    return "".join(parts)


def _line_legend(series: Sequence[Series], x: float, y: float) -> str:
    """A short stretch of each line, dashed as it is and with its marker, with its name:
    printed in grey, a swatch told the lines apart by shade alone."""
    parts = []
    for s in series:
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        parts.append(f'<line class="key" x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 24:.1f}" '
                     f'y2="{y - 4:.1f}" stroke="{s.color}" stroke-width="2"{dash}/>')
        if s.markers:
            parts.append(f'<circle cx="{x + 12:.1f}" cy="{y - 4:.1f}" r="3.5" fill="{s.color}" '
                         f'stroke="{s.color}" stroke-width="1.5"/>')
        parts.append(_text(x + 30, y, s.name, size=11, color=AXIS))
        x += 30 + CHAR_WIDTH * 0.95 * len(s.name) + 18
    return "".join(parts)


def _label_width(labels: Sequence[str]) -> float:
    longest = max((len(shorten(str(s))) for s in labels), default=4)
    return min(250.0, max(60.0, CHAR_WIDTH * longest + 12))


def hbar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    value_labels: Sequence[str] | None = None,
    colors: Sequence[str] | str = FUNDED,
    tooltips: Sequence[str] | None = None,
    width: float = 860,
    bar_height: float = 18,
    axis_format: Formatter = compact,
    legend: Sequence[tuple[str, str]] = (),
    max_value: float | None = None,
) -> str:
    """Horizontal bars, one per label, with the value written after each bar.

    Parameters
    ----------
    labels, values : one bar per label (negative values are drawn as 0).
    title : shown on top and as the SVG ``<title>``.
    value_labels : text after each bar (default: the value, formatted like the axis).
    colors : one colour, or one per bar.
    tooltips : text of each bar's ``<title>`` (default "label: value label").
    legend : (name, colour) pairs drawn under the title.
    max_value : the end of the axis (default: the largest value).

    >>> svg = hbar_chart(["a", "b"], [1.0, 3.0], title="t", value_labels=["1", "3"])
    >>> svg.count("<rect")
    2
    """
    n = len(labels)
    shown = value_labels if value_labels is not None else [axis_format(v) for v in values]
    per_bar = [colors] * n if isinstance(colors, str) else list(colors)
    left = _label_width(labels)
    right = min(200.0, max(60.0, CHAR_WIDTH * max((len(s) for s in shown), default=4) + 14))
    top = 30 + (22 if legend else 0)
    plot = width - left - right
    step = bar_height + 8
    height = top + n * step + 26
    ticks = nice_ticks(max(max_value or 0.0, max((float(v) for v in values), default=0.0)))
    scale = plot / ticks[-1] if ticks[-1] > 0 else 0.0
    out = [_open(width, height, title, "hbar")]
    if legend:
        out.append(_legend(legend, left, 44))
    bottom = top + n * step
    for t in ticks:
        x = left + t * scale
        out.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom:.1f}" '
                   f'stroke="{GRID}"/>')
        out.append(_text(x, bottom + 16, axis_format(t), anchor="middle", size=10, color=AXIS))
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * step
        w = max(0.0, float(value)) * scale
        tip = tooltips[i] if tooltips is not None else f"{label}: {shown[i]}"
        out.append(_text(left - 8, y + bar_height * 0.72, shorten(str(label)), anchor="end",
                         extra=' class="label"'))
        out.append(f'<rect class="bar" x="{left:.1f}" y="{y:.1f}" width="{w:.1f}" '
                   f'height="{bar_height}" rx="2" fill="{per_bar[i]}">'
                   f'<title>{esc(tip)}</title></rect>')
        # an empty bar says why in its own colour when that colour is readable as text
        ink = per_bar[i] if w == 0 and per_bar[i] == INELIGIBLE else AXIS
        out.append(_text(left + w + 6, y + bar_height * 0.72, shown[i], size=11, color=ink))
    out.append(f'<line x1="{left:.1f}" y1="{top - 4}" x2="{left:.1f}" y2="{bottom:.1f}" '
               f'stroke="{AXIS}"/></svg>')
    return "".join(out)


def bar_groups(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    stacked: bool = True,
    value_labels: Sequence[str] | None = None,
    width: float = 860,
    bar_height: float = 18,
    axis_format: Formatter = compact,
    tooltip_format: Formatter | None = None,
) -> str:
    """Horizontal bars per label made of several series: stacked end to end, or grouped.

    Stacked: one bar per label, a segment per series (e.g. used + left of a budget).
    Grouped: one thin bar per series under each label (e.g. one per portfolio).
    ``tooltip_format`` writes the value in each bar's tooltip (default: ``axis_format``).

    >>> svg = bar_groups(["FY2026"], [Series("used", [90.0]), Series("left", [10.0])],
    ...                  title="Budget")
    >>> svg.count('class="bar"')
    2
    """
    n, k = len(labels), len(series)
    tip_format = tooltip_format or axis_format
    left = _label_width(labels)
    shown = list(value_labels) if value_labels is not None else []
    right = min(230.0, max(20.0, CHAR_WIDTH * max((len(s) for s in shown), default=0) + 14))
    top = 52
    plot = width - left - right
    rows_per_label = 1 if stacked else k
    step = rows_per_label * bar_height + 10
    height = top + n * step + 26

    def value(s: Series, i: int) -> float:
        v = s.values[i]
        return 0.0 if v is None or not math.isfinite(float(v)) else max(0.0, float(v))

    if stacked:
        high = max((sum(value(s, i) for s in series) for i in range(n)), default=0.0)
    else:
        high = max((value(s, i) for s in series for i in range(n)), default=0.0)
    ticks = nice_ticks(high)
    scale = plot / ticks[-1] if ticks[-1] > 0 else 0.0
    out = [_open(width, height, title, "bars"), _legend([(s.name, s.color) for s in series],
                                                         left, 44)]
    bottom = top + n * step - 10
    for t in ticks:
        x = left + t * scale
        out.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom:.1f}" '
                   f'stroke="{GRID}"/>')
        out.append(_text(x, bottom + 16, axis_format(t), anchor="middle", size=10, color=AXIS))
    for i, label in enumerate(labels):
        y0 = top + i * step
        out.append(_text(left - 8, y0 + bar_height * 0.72, shorten(str(label)), anchor="end",
                         extra=' class="label"'))
        x = left
        for j, s in enumerate(series):
            w = value(s, i) * scale
            y = y0 if stacked else y0 + j * bar_height
            h = bar_height if stacked else bar_height - 2
            out.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" '
                       f'height="{h}" fill="{s.color}"><title>{esc(label)} · {esc(s.name)}: '
                       f'{esc(tip_format(value(s, i)))}</title></rect>')
            x = x + w if stacked else x
        if i < len(shown):
            end = x if stacked else left + max(value(s, i) for s in series) * scale
            out.append(_text(end + 6, y0 + bar_height * 0.72, shown[i], size=11, color=AXIS))
    out.append(f'<line x1="{left:.1f}" y1="{top - 4}" x2="{left:.1f}" y2="{bottom:.1f}" '
               f'stroke="{AXIS}"/></svg>')
    return "".join(out)


def line_chart(
    x: Sequence[float],
    series: Sequence[Series],
    *,
    title: str,
    x_label: str,
    y_label: str,
    x_format: Formatter = compact,
    y_format: Formatter = compact,
    vline: tuple[float, str] | None = None,
    width: float = 860,
    height: float = 340,
    whole_x: bool = False,
) -> str:
    """Lines over a shared x axis, with markers, a legend and an optional vertical marker.

    A None value breaks the line there. ``vline`` = (x, label) draws a dotted reference
    line (e.g. the policy budget). ``whole_x``: x counts things (reserves), so its ticks
    are whole numbers.

    >>> svg = line_chart([0.5, 1.0], [Series("exact", [1.0, 2.0])], title="t",
    ...                  x_label="budget", y_label="value")
    >>> "<path" in svg
    True
    """
    left, right, top, bottom = 64.0, 24.0, 56.0, 48.0
    plot_w, plot_h = width - left - right, height - top - bottom
    xs = [float(v) for v in x]
    ys = [float(v) for s in series for v in s.values if v is not None and math.isfinite(v)]
    x_lo, x_hi = (min(xs), max(xs)) if xs else (0.0, 1.0)
    if vline is not None:
        x_lo, x_hi = min(x_lo, vline[0]), max(x_hi, vline[0])
    if x_hi <= x_lo:
        x_lo, x_hi = x_lo - 0.5, x_hi + 0.5
    x_ticks = whole_ticks(xs) if whole_x else nice_ticks(x_hi, low=x_lo)
    y_ticks = nice_ticks(max(ys, default=1.0), low=min(0.0, min(ys, default=0.0)))

    def px(v: float) -> float:
        return left + (v - x_ticks[0]) / (x_ticks[-1] - x_ticks[0]) * plot_w

    def py(v: float) -> float:
        return top + plot_h - (v - y_ticks[0]) / (y_ticks[-1] - y_ticks[0]) * plot_h

    out = [_open(width, height, title, "line"), _line_legend(series, left, 44)]
    for t in y_ticks:
        out.append(f'<line x1="{left}" y1="{py(t):.1f}" x2="{left + plot_w:.1f}" '
                   f'y2="{py(t):.1f}" stroke="{GRID}"/>')
        out.append(_text(left - 6, py(t) + 4, y_format(t), anchor="end", size=10, color=AXIS))
    for t in x_ticks:
        out.append(_text(px(t), top + plot_h + 16, x_format(t), anchor="middle", size=10,
                         color=AXIS))
    out.append(f'<line x1="{left}" y1="{top + plot_h:.1f}" x2="{left + plot_w:.1f}" '
               f'y2="{top + plot_h:.1f}" stroke="{AXIS}"/>')
    out.append(_text(left + plot_w / 2, height - 8, x_label, anchor="middle", size=11,
                     color=AXIS))
    out.append(_text(14, top + plot_h / 2, y_label, anchor="middle", size=11, color=AXIS,
                     extra=f' transform="rotate(-90 14 {top + plot_h / 2:.1f})"'))
    if vline is not None:
        vx = px(vline[0])
        out.append(f'<line x1="{vx:.1f}" y1="{top}" x2="{vx:.1f}" y2="{top + plot_h:.1f}" '
                   f'stroke="{AXIS}" stroke-dasharray="2 3"/>')
        out.append(_text(vx - 4, top + 12, vline[1], anchor="end", size=10, color=AXIS))
    for s in series:
        out.append(_line(s, xs, px, py, x_format, y_format))
    out.append("</svg>")
    return "".join(out)


def _line(s: Series, xs: Sequence[float], px: Callable[[float], float],
          py: Callable[[float], float], x_format: Formatter, y_format: Formatter) -> str:
    """One series: a path (broken at missing values) and a marker per point."""
    commands, pen_down, marks = [], False, []
    for i, (xv, yv) in enumerate(zip(xs, s.values, strict=True)):
        if yv is None or not math.isfinite(float(yv)):
            pen_down = False
            continue
        commands.append(f"{'L' if pen_down else 'M'}{px(xv):.1f},{py(float(yv)):.1f}")
        pen_down = True
        if s.markers:
            hollow = bool(s.hollow[i]) if s.hollow is not None else False
            fill = "#ffffff" if hollow else s.color
            marks.append(f'<circle class="mark" cx="{px(xv):.1f}" cy="{py(float(yv)):.1f}" '
                         f'r="3.5" fill="{fill}" stroke="{s.color}" stroke-width="1.5">'
                         f'<title>{esc(s.name)} at {esc(x_format(xv))}: '
                         f'{esc(y_format(float(yv)))}</title></circle>')
    dash = ' stroke-dasharray="6 4"' if s.dashed else ""
    path = (f'<path class="series" d="{" ".join(commands)}" fill="none" stroke="{s.color}" '
            f'stroke-width="2"{dash}><title>{esc(s.name)}</title></path>') if commands else ""
    return path + "".join(marks)
