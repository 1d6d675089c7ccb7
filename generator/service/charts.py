"""Charts drawn on the server as inline SVG: no script, no library, nothing fetched.

Text is escaped; every chart has a <title> and a table-like <desc> so that a screen
reader, and a printout, carry the figures too.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Sequence

COLORS = ("#1f5fa8", "#c0392b", "#2e8b57", "#d68910", "#7d3c98", "#5d6d7e")
FONT = "'Microsoft YaHei','PingFang SC','WenQuanYi Zen Hei','Noto Sans CJK SC',sans-serif"

Number = int | float | Decimal


def _fmt(v: Number | None) -> str:
    if v is None:
        return "—"
    if isinstance(v, Decimal):
        v = v.normalize()
        text = format(v, "f")
        return text
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    import math

    exp = math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        top = m * 10 ** exp
        if top >= v:
            return float(top)
    return float(10 ** (exp + 1))


def _ticks(top: float, n: int = 4) -> list[float]:
    return [top * i / n for i in range(n + 1)]


def _tick_label(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def line_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[Number | None]]], unit: str = "") -> str:
    """Values by period, one line per series (gaps where a value is None)."""
    width, height = 720, 320
    left, right, top, bottom = 64, 150, 40, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [float(v) for _, vs in series for v in vs if v is not None]
    ymax = _nice_max(max(values, default=0))
    n = max(len(labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / ymax

    out = [_open(width, height, title, _desc(labels, series, unit))]
    out.append(f'<text x="{left}" y="22" class="t">{escape(title)}</text>')
    if unit:
        out.append(f'<text x="{left + plot_w}" y="22" text-anchor="end" class="u">单位：{escape(unit)}</text>')
    for t in _ticks(ymax):
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(t):.1f}" y2="{y(t):.1f}" class="g"/>')
        out.append(f'<text x="{left - 8}" y="{y(t) + 4:.1f}" text-anchor="end" class="a">{_tick_label(t)}</text>')
    for i, label in enumerate(labels):
        out.append(f'<text x="{x(i):.1f}" y="{top + plot_h + 20}" text-anchor="middle" class="a">{escape(label)}</text>')
    for k, (name, vs) in enumerate(series):
        color = COLORS[k % len(COLORS)]
        path: list[str] = []
        for i, v in enumerate(vs):
            if v is None:
                if path:
                    out.append(_polyline(path, color))
                path = []
                continue
            path.append(f"{x(i):.1f},{y(float(v)):.1f}")
            out.append(f'<circle cx="{x(i):.1f}" cy="{y(float(v)):.1f}" r="3.5" fill="{color}"><title>{escape(name)} · {escape(labels[i])}：{_fmt(v)}{escape(unit)}</title></circle>')
        if path:
            out.append(_polyline(path, color))
        ly = top + 10 + 22 * k
        out.append(f'<rect x="{left + plot_w + 16}" y="{ly - 9}" width="14" height="4" fill="{color}"/>')
        out.append(f'<text x="{left + plot_w + 36}" y="{ly - 3}" class="a">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)


def bar_chart(title: str, items: Sequence[tuple[str, Number | None]], unit: str = "") -> str:
    """Horizontal bars, one per item (e.g. per unit), largest first as given."""
    bar, gap = 18, 8
    left, right, top = 190, 80, 44
    width = 720
    height = top + max(len(items), 1) * (bar + gap) + 16
    plot_w = width - left - right
    vmax = _nice_max(max((float(v) for _, v in items if v is not None), default=0))
    out = [_open(width, height, title, _desc([k for k, _ in items], [(title, [v for _, v in items])], unit))]
    out.append(f'<text x="8" y="22" class="t">{escape(title)}</text>')
    for i, (label, v) in enumerate(items):
        yy = top + i * (bar + gap)
        shown = label if len(label) <= 14 else label[:13] + "…"
        out.append(f'<text x="{left - 8}" y="{yy + bar - 5}" text-anchor="end" class="a"><title>{escape(label)}</title>{escape(shown)}</text>')
        w = 0.0 if v is None else plot_w * float(v) / vmax
        out.append(f'<rect x="{left}" y="{yy}" width="{w:.1f}" height="{bar}" fill="{COLORS[0]}"/>')
        out.append(f'<text x="{left + w + 6:.1f}" y="{yy + bar - 5}" class="a">{_fmt(v)}{escape(unit) if v is not None else ""}</text>')
    out.append("</svg>")
    return "".join(out)


def _open(width: int, height: int, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="{FONT}">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
        "<style>.t{font-size:15px;font-weight:bold;fill:#222}.a{font-size:12px;fill:#333}"
        ".u{font-size:12px;fill:#555}.g{stroke:#ddd;stroke-width:1}</style>"
    )


def _polyline(points: list[str], color: str) -> str:
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="{color}" stroke-width="2"/>'


def _desc(labels: Sequence[str], series: Sequence[tuple[str, Sequence[Number | None]]], unit: str) -> str:
    lines = []
    for name, vs in series:
        pairs = "；".join(f"{lab}：{_fmt(v)}" for lab, v in zip(labels, vs))
        lines.append(f"{name}（{unit}）——{pairs}" if unit else f"{name}——{pairs}")
    return "。".join(lines)
