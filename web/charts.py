"""Inline SVG line charts drawn in Python (no JavaScript), safe to embed in autoescaped templates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, PAD = 640, 240, 36
COLOURS = ("#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#57606a")


def _x(index: int, count: int) -> float:
    span = WIDTH - 2 * PAD
    return PAD + (span * index / (count - 1) if count > 1 else span / 2)


def _y(value: float, top: float) -> float:
    return HEIGHT - PAD - (HEIGHT - 2 * PAD) * (value / top if top else 0.0)


def _axes(top: float) -> list[str]:
    parts = [
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#888"/>',
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#888"/>',
    ]
    for tick in (0.0, top / 2, top):
        parts.append(
            f'<text x="{PAD - 4}" y="{_y(tick, top) + 4:.1f}" text-anchor="end" font-size="11">{tick:g}</text>'
        )
    return parts


def _series(name: str, values: Sequence[float | None], top: float, colour: str) -> list[str]:
    count = len(values)
    points = [(_x(i, count), _y(v, top)) for i, v in enumerate(values) if v is not None]
    parts = [
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{escape(name)}</title></circle>'
        for x, y in points
    ]
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.insert(0, f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
    return parts


def _legend(names: Sequence[str]) -> list[str]:
    return [
        f'<text x="{PAD + 90 * i}" y="16" font-size="12" fill="{COLOURS[i % len(COLOURS)]}">■ {escape(name)}</text>'
        for i, name in enumerate(names)
    ]


def _labels(labels: Sequence[str]) -> list[str]:
    count = len(labels)
    step = max(1, count // 6)
    return [
        f'<text x="{_x(i, count):.1f}" y="{HEIGHT - PAD + 16}" text-anchor="middle" font-size="11">'
        f"{escape(label[:10])}</text>"
        for i, label in enumerate(labels)
        if i % step == 0
    ]


def line_chart(
    series: Mapping[str, Sequence[float | None]], labels: Sequence[str], title: str, top: float | None = None
) -> Markup:
    """An SVG chart of one line per series over labels (x axis); top is the y maximum (default: data max)."""
    values = [v for vs in series.values() for v in vs if v is not None]
    ceiling = top if top is not None else max([*values, 1.0])
    parts = [*_axes(ceiling), *_legend(list(series)), *_labels(labels)]
    for i, (name, points) in enumerate(series.items()):
        parts.extend(_series(name, points, ceiling, COLOURS[i % len(COLOURS)]))
    body = "".join(parts)
    return Markup(
        f'<svg class="grafica" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{body}</svg>'
    )
