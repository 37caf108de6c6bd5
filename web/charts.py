"""Inline SVG line charts drawn in Python (no JavaScript), safe to embed in autoescaped templates.

Sizes are in SVG units for a chart drawn about 340-560 px wide, so that 13-unit text stays at least 11 px on a phone.
Series coloured by status take their colour from vigia.css (class serie-<status>), the one place status colours live.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 400, 230, 44, 40, 34, 30
FONT = 13
COLOURS = ("#1f6feb", "#8250df", "#9a6700", "#0a7d8c", "#bf3989", "#57606a")
MAX_LABELS = 4
EMPTY = "Sin datos"


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * index / (count - 1) if count > 1 else span / 2)


def _y(value: float, top: float) -> float:
    return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (value / top if top else 0.0)


def _ticks(top: float, integer: bool) -> list[float]:
    if integer and top <= 1:
        return [0.0, top]
    return [0.0, top / 2, top]


def _axes(top: float, integer: bool) -> list[str]:
    parts = [
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" stroke="#888"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="#888"/>',
    ]
    for tick in _ticks(top, integer):
        parts.append(
            f'<text x="{LEFT - 5}" y="{_y(tick, top) + 4:.1f}" text-anchor="end" font-size="{FONT}">{tick:g}</text>'
        )
    return parts


def _series(values: Sequence[float | None], top: float) -> list[str]:
    count = len(values)
    points = [(_x(i, count), _y(v, top)) for i, v in enumerate(values) if v is not None]
    parts = [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="currentColor"/>' for x, y in points]
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.insert(0, f'<polyline points="{path}" fill="none" stroke="currentColor" stroke-width="2"/>')
    return parts


def _paint(index: int, name: str, classes: Mapping[str, str]) -> str:
    """The attribute giving a series its colour: a status class (coloured by vigia.css) or a palette colour."""
    status = classes.get(name)
    return f'class="serie-{escape(status)}"' if status else f'color="{COLOURS[index % len(COLOURS)]}"'


def _legend(names: Sequence[str], classes: Mapping[str, str]) -> list[str]:
    parts, x = [], float(LEFT)
    for i, name in enumerate(names):
        parts.append(f'<text x="{x:.0f}" y="18" font-size="{FONT}" fill="currentColor" {_paint(i, name, classes)}>')
        parts.append(f"■ {escape(name)}</text>")
        x += 7.5 * len(name) + 26  # about one glyph width per character at this font size, plus the gap
    return parts


def _labels(labels: Sequence[str]) -> list[str]:
    count = len(labels)
    step = max(1, math.ceil(count / MAX_LABELS))
    return [
        f'<text x="{_x(i, count):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="{FONT}">'
        f"{escape(label[:10])}</text>"
        for i, label in enumerate(labels)
        if i % step == 0
    ]


def _ceiling(values: Sequence[float], top: float | None, integer: bool) -> float:
    """The y maximum: top when given, else the data maximum; for counts an even integer so every tick is whole."""
    if top is not None:
        return top
    highest = max([*values, 1.0])
    if not integer:
        return highest
    whole = math.ceil(highest)
    return float(whole if whole <= 1 or whole % 2 == 0 else whole + 1)


def _empty() -> list[str]:
    middle = (TOP + HEIGHT - BOTTOM) / 2
    return [f'<text x="{WIDTH / 2:.0f}" y="{middle:.0f}" text-anchor="middle" font-size="{FONT + 2}">{EMPTY}</text>']


def line_chart(
    series: Mapping[str, Sequence[float | None]],
    labels: Sequence[str],
    title: str,
    top: float | None = None,
    *,
    classes: Mapping[str, str] | None = None,
    integer: bool = False,
) -> Markup:
    """An SVG chart of one line per series over labels (x axis), «Sin datos» when no series has a value.

    top is the y maximum (default: data max); integer makes the y ticks whole numbers (counts); classes maps a
    series name to the status whose colour it takes."""
    values = [v for vs in series.values() for v in vs if v is not None]
    paint = classes or {}
    ceiling = _ceiling(values, top, integer)
    parts = [*_axes(ceiling, integer), *_legend(list(series), paint), *_labels(labels)]
    for i, (name, points) in enumerate(series.items()):
        body = "".join(_series(points, ceiling))
        parts.append(f"<g {_paint(i, name, paint)}><title>{escape(name)}</title>{body}</g>")
    if not values:
        parts = [*_axes(ceiling, integer), *_empty()]
    return Markup(
        f'<svg class="grafica" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{"".join(parts)}</svg>'
    )
