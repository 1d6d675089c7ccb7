"""A procedure's flow diagram as inline SVG, drawn at build time (no script, no CDN).

Steps are boxes in rows: a step's row is one below the furthest step that leads to it
(`next`, or else the following step).  Edges to a later row are drawn downwards; edges
back to an earlier step (a loop) run up the right-hand side.  Each box links to its step
in the steps table; an optional step ("可") has a dashed box.  Text is wrapped by its width in em (CJK 1em, Latin ~0.55em).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.site.md import html

FONT = 13  # px
LINE = 18  # px per text line
BOX_W = 250
PAD = 10
GAP_X = 30
GAP_Y = 42
MAX_LINES = 5
WRAP_EM = (BOX_W - 2 * PAD) / FONT


@dataclass
class Node:
    id: str
    anchor: str
    header: str
    body: str
    footer: str
    rank: int = 0
    col: int = 0
    optional: bool = False  # a step the text makes optional ("可"): dashed box
    lines: list[str] = field(default_factory=list)
    x: float = 0
    y: float = 0
    h: float = 0


def _width(ch: str) -> float:
    return 0.55 if ord(ch) < 0x2E80 else 1.0


def wrap(text: str, width_em: float = WRAP_EM, max_lines: int = MAX_LINES) -> list[str]:
    lines, line, w = [], "", 0.0
    for ch in text:
        cw = _width(ch)
        if w + cw > width_em and line:
            lines.append(line)
            line, w = "", 0.0
        line += ch
        w += cw
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return lines


def edges_of(steps: list[dict]) -> list[tuple[int, int]]:
    index = {s.get("id"): i for i, s in enumerate(steps)}
    out = []
    for i, s in enumerate(steps):
        nxt = s.get("next")
        if nxt:
            out.extend((i, index[n]) for n in nxt if n in index)
        elif i + 1 < len(steps):
            out.append((i, i + 1))
    return out


def svg(steps: list[dict], labels: list[tuple[str, str, str]], anchors: list[str], title: str) -> str:
    """The diagram; `labels[i]` is (header, body, footer) of step i."""
    nodes = [Node(s.get("id", str(i)), anchors[i], *labels[i], optional=bool(s.get("discretionary")))
             for i, s in enumerate(steps)]
    edges = edges_of(steps)
    # rank: longest path over forward edges (to a later step)
    for i in range(len(nodes)):
        for a, b in edges:
            if b == i and a < b:
                nodes[i].rank = max(nodes[i].rank, nodes[a].rank + 1)
    rows: dict[int, list[Node]] = {}
    for n in nodes:
        n.col = len(rows.setdefault(n.rank, []))
        rows[n.rank].append(n)
        n.lines = wrap(n.body)
        n.h = PAD * 2 + LINE * (1 + len(n.lines) + (1 if n.footer else 0))
    cols = max((len(r) for r in rows.values()), default=1)
    loops = any(b <= a for a, b in edges)
    width = cols * BOX_W + (cols - 1) * GAP_X + 2 * PAD + (40 if loops else 0)
    y = PAD
    for rank in sorted(rows):
        row = rows[rank]
        offset = (cols - len(row)) * (BOX_W + GAP_X) / 2
        for n in row:
            n.x = PAD + offset + n.col * (BOX_W + GAP_X)
            n.y = y
        y += max(n.h for n in row) + GAP_Y
    height = y - GAP_Y + PAD
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" class="yj-flow-svg" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-label="{html(title)}流程图">',
        f"<title>{html(title)}流程图</title>",
        '<defs><marker id="yj-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
        'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    right = width - PAD - 10
    for k, (a, b) in enumerate(edges):
        s, t = nodes[a], nodes[b]
        if b > a:
            x1, y1 = s.x + BOX_W / 2, s.y + s.h
            x2, y2 = t.x + BOX_W / 2, t.y
            if abs(x1 - x2) < 1:
                d = f"M{x1:.1f},{y1:.1f} L{x2:.1f},{y2 - 1:.1f}"
            else:
                my = y1 + GAP_Y / 2
                d = f"M{x1:.1f},{y1:.1f} L{x1:.1f},{my:.1f} L{x2:.1f},{my:.1f} L{x2:.1f},{y2 - 1:.1f}"
        else:  # back to an earlier step: round the right-hand side
            x1, y1 = s.x + BOX_W, s.y + s.h / 2
            x2, y2 = t.x + BOX_W, t.y + t.h / 2
            lane = right - 6 * (k % 3)
            d = f"M{x1:.1f},{y1:.1f} L{lane:.1f},{y1:.1f} L{lane:.1f},{y2:.1f} L{x2 + 1:.1f},{y2:.1f}"
        out.append(f'<path d="{d}" fill="none" stroke="#555" stroke-width="1.4" marker-end="url(#yj-arrow)"/>')
    for n in nodes:
        href = f"#{n.anchor}"
        out.append(f'<a href="{href}" xlink:href="{href}">')
        dash = ' stroke-dasharray="5,3"' if n.optional else ""
        out.append(f'<rect x="{n.x:.1f}" y="{n.y:.1f}" width="{BOX_W}" height="{n.h:.0f}" rx="6" ry="6" '
                   f'fill="#f5f7ff" stroke="#3f51b5" stroke-width="1.2"{dash}/>')
        ty = n.y + PAD + FONT
        tx = n.x + PAD
        out.append(f'<text x="{tx:.1f}" y="{ty:.1f}" font-size="{FONT}" font-weight="bold" fill="#1a237e">'
                   f"{html(wrap(n.header, WRAP_EM, 1)[0] if n.header else '')}</text>")
        for line in n.lines:
            ty += LINE
            out.append(f'<text x="{tx:.1f}" y="{ty:.1f}" font-size="{FONT}" fill="#222">{html(line)}</text>')
        if n.footer:
            ty += LINE
            out.append(f'<text x="{tx:.1f}" y="{ty:.1f}" font-size="{FONT - 1}" fill="#b71c1c">'
                       f"{html(wrap(n.footer, WRAP_EM / 0.92, 1)[0])}</text>")
        out.append("</a>")
    out.append("</svg>")
    return "".join(out)
