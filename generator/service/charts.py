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


def _scale(vmax: float, integer: bool, n: int = 4) -> tuple[float, list[float]]:
    """(top of the axis, tick values).  Counts get whole-number ticks only."""
    if not integer:
        top = _nice_max(vmax)
        return top, _ticks(top, n)
    import math

    raw = max(1.0, vmax / n)
    exp = 10 ** math.floor(math.log10(raw))
    step = next(m * exp for m in (1, 2, 2.5, 5, 10) if m * exp >= raw and float(m * exp).is_integer())
    step = max(1, int(step))
    top = step * max(1, math.ceil(vmax / step))
    return float(top), [float(v) for v in range(0, top + 1, step)]


def _tick_label(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def column_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[Number | None]]],
                 unit: str = "", *, notes: Sequence[str] = (), integer: bool = False, caption: str = "") -> str:
    """Values by period as columns, the series side by side in each period (so equal
    values never hide one another), with a legend; `notes` go under each period's label."""
    width = 720
    left, right, top, bottom = 64, 16, 64, 64 + (16 if caption else 0)
    height = 360
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [float(v) for _, vs in series for v in vs if v is not None]
    ymax, ticks = _scale(max(values, default=0), integer)
    n = max(len(labels), 1)
    group = plot_w / n
    k = max(len(series), 1)
    bar = min(28.0, group * 0.8 / k)

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / ymax

    out = [_open(width, height, title, _desc(labels, series, unit))]
    out.append(f'<text x="8" y="22" class="t">{escape(title)}</text>')
    if unit:
        out.append(f'<text x="{width - right}" y="22" text-anchor="end" class="u">单位：{escape(unit)}</text>')
    lx = left
    for j, (name, _vs) in enumerate(series):  # the legend, on one line under the title
        color = COLORS[j % len(COLORS)]
        out.append(f'<rect x="{lx}" y="34" width="12" height="12" fill="{color}"/>')
        out.append(f'<text x="{lx + 16}" y="44" class="a">{escape(name)}</text>')
        lx += 28 + 13 * len(name)
    for t in ticks:
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(t):.1f}" y2="{y(t):.1f}" class="g"/>')
        out.append(f'<text x="{left - 8}" y="{y(t) + 4:.1f}" text-anchor="end" class="a">{_tick_label(t)}</text>')
    for i, label in enumerate(labels):
        cx = left + group * (i + 0.5)
        out.append(f'<text x="{cx:.1f}" y="{top + plot_h + 18}" text-anchor="middle" class="a">{escape(label)}</text>')
        if i < len(notes) and notes[i]:
            out.append(f'<text x="{cx:.1f}" y="{top + plot_h + 34}" text-anchor="middle" class="u">{escape(notes[i])}</text>')
        for j, (name, vs) in enumerate(series):
            v = vs[i] if i < len(vs) else None
            if v is None:
                continue
            x0 = cx - bar * k / 2 + bar * j
            h = plot_h * float(v) / ymax
            out.append(f'<rect x="{x0:.1f}" y="{y(float(v)):.1f}" width="{bar - 1:.1f}" height="{h:.1f}" '
                       f'fill="{COLORS[j % len(COLORS)]}"><title>{escape(name)} · {escape(label)}：{_fmt(v)}{escape(unit)}'
                       f'{("（" + escape(notes[i]) + "）") if i < len(notes) and notes[i] else ""}</title></rect>')
    if caption:
        out.append(f'<text x="8" y="{height - 8}" class="u">{escape(caption)}</text>')
    out.append("</svg>")
    return "".join(out)


def bar_chart(title: str, items: Sequence[tuple[str, Number | None]], unit: str = "", *,
              integer: bool = False, caption: str = "") -> str:
    """Horizontal bars, one per item (e.g. per unit), largest first as given."""
    bar, gap = 18, 8
    left, right, top = 190, 80, 44
    width = 720
    height = top + max(len(items), 1) * (bar + gap) + 16 + (20 if caption else 0)
    plot_w = width - left - right
    vmax, _ = _scale(max((float(v) for _, v in items if v is not None), default=0), integer)
    out = [_open(width, height, title, _desc([k for k, _ in items], [(title, [v for _, v in items])], unit))]
    out.append(f'<text x="8" y="22" class="t">{escape(title)}</text>')
    if caption:
        out.append(f'<text x="8" y="{height - 8}" class="u">{escape(caption)}</text>')
    for i, (label, v) in enumerate(items):
        yy = top + i * (bar + gap)
        shown = _short(label)
        out.append(f'<text x="{left - 8}" y="{yy + bar - 5}" text-anchor="end" class="a"><title>{escape(label)}</title>{escape(shown)}</text>')
        w = 0.0 if v is None else plot_w * float(v) / vmax
        out.append(f'<rect x="{left}" y="{yy}" width="{w:.1f}" height="{bar}" fill="{COLORS[0]}"/>')
        out.append(f'<text x="{left + w + 6:.1f}" y="{yy + bar - 5}" class="a">{_fmt(v)}{escape(unit) if v is not None else ""}</text>')
    out.append("</svg>")
    return "".join(out)


def _short(label: str, room: int = 14) -> str:
    """A label cut to `room` characters, keeping a trailing （…） note whole."""
    if len(label) <= room:
        return label
    name, mark, note = label.rpartition("（")
    if mark and label.endswith("）") and len(note) + 1 < room - 2:
        return name[: room - len(note) - 2] + "…" + mark + note
    return label[: room - 1] + "…"


def _open(width: int, height: int, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="{FONT}">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
        "<style>.t{font-size:15px;font-weight:bold;fill:#222}.a{font-size:12px;fill:#333}"
        ".u{font-size:12px;fill:#555}.g{stroke:#ddd;stroke-width:1}</style>"
    )


def _desc(labels: Sequence[str], series: Sequence[tuple[str, Sequence[Number | None]]], unit: str) -> str:
    lines = []
    for name, vs in series:
        pairs = "；".join(f"{lab}：{_fmt(v)}" for lab, v in zip(labels, vs))
        lines.append(f"{name}（{unit}）——{pairs}" if unit else f"{name}——{pairs}")
    return "。".join(lines)
