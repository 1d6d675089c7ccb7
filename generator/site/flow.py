"""A procedure's flow diagram as inline SVG, drawn at build time (no script, no CDN).

The graph comes from what each step says it follows (`after`: earlier step ids; `[]` starts
from the procedure's trigger, a parallel track; absent: the step before).  A step with a
`condition` is entered through a decision box (a pointed hexagon, the flow-chart diamond
stretched to hold its words) and a dashed edge; a step with `repeat` gets a loop arrow;
an optional step ("可") has a dashed box.  Nodes sit in rows by longest path from the
start and keep their predecessor's column where free, so a track reads top to bottom.

Text is wrapped, never cut: every box grows to hold its lines.  Widths are estimated per
character (CJK 1em, other ~0.6em); the browser test measures the real glyphs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.site.md import html

FONT = 13  # px
SMALL = 12  # px, deadlines
LINE = 18  # px per text line
BOX_W = 230
PAD = 10
POINT = 14  # how far a decision box's ends stick out
GAP_X = 36
GAP_Y = 34
MAX_COLS = 3  # tracks side by side; more continue below (the page is about 800px wide)
LOOP_W = 22  # the left margin a loop arrow runs in
START = -1  # the index of the start node in `after` lists


@dataclass
class Node:
    key: str
    kind: str  # "start" | "cond" | "step"
    anchor: str = ""
    texts: list[tuple[str, int, str, str]] = field(default_factory=list)  # (line, size, weight, colour)
    optional: bool = False
    repeat: str = ""
    preds: list[int] = field(default_factory=list)
    dashed_in: bool = False
    rank: int = 0
    col: int = 0
    x: float = 0
    y: float = 0
    w: float = BOX_W
    h: float = 0
    row_h: float = 0  # the height of its row (the tallest box in it)


NO_LINE_START = set("，。、；：？！）》」』”’…%,.;:?!)")


def char_width(ch: str) -> float:
    return 0.6 if ord(ch) < 0x2E80 else 1.0


def wrap(text: str, width_em: float) -> list[str]:
    """`text` in lines of at most `width_em` (CJK 1em, other 0.6em); nothing is cut."""
    lines, line, w = [], "", 0.0
    for ch in text:
        if ch == "\n":
            lines.append(line)
            line, w = "", 0.0
            continue
        cw = char_width(ch)
        if w + cw > width_em and line:
            carry = ""
            if ch in NO_LINE_START and len(line) > 1:  # a closing mark never starts a line
                line, carry = line[:-1], line[-1]
            lines.append(line)
            line, w = carry, sum(char_width(c) for c in carry)
        line += ch
        w += cw
    if line:
        lines.append(line)
    return lines


def predecessors(steps: list[dict]) -> list[list[int]]:
    """For each step, the indexes of the steps it follows (START: the trigger)."""
    index = {s.get("id"): i for i, s in enumerate(steps)}
    out = []
    for i, s in enumerate(steps):
        if "after" in s:
            preds = [index[a] for a in (s.get("after") or []) if a in index and index[a] < i]
            out.append(preds or [START])
        else:
            out.append([i - 1] if i else [START])
    return out


def edges_of(steps: list[dict]) -> list[tuple[int, int]]:
    """(from, to) step indexes, START for the trigger."""
    return [(p, i) for i, preds in enumerate(predecessors(steps)) for p in preds]


def _inner(node: Node) -> float:
    return node.w - 2 * PAD - (2 * POINT if node.kind == "cond" else 0)


def _lines(text: str, size: int, width_px: float, weight: str, colour: str) -> list[tuple[str, int, str, str]]:
    return [(line, size, weight, colour) for line in wrap(text, width_px / size)]


def layout(steps: list[dict], labels: list[tuple[str, str, str]], anchors: list[str],
           start_label: str) -> list[Node]:
    """Nodes with their rows, columns, sizes and places; `labels[i]` = (header, body, footer)."""
    nodes = [Node("start", "start", texts=[])]
    nodes[0].texts = _lines(start_label, FONT, BOX_W - 2 * PAD, "bold", "#1b5e20")
    where: dict[int, int] = {START: 0}
    for i, (step, preds) in enumerate(zip(steps, predecessors(steps))):
        into = [where[p] for p in preds]
        dashed = False
        if step.get("condition"):
            cond = Node(f"cond-{i}", "cond", preds=into)
            cond.texts = _lines(f"{step['condition']}？", FONT, _inner(cond), "normal", "#5d4037")
            nodes.append(cond)
            into, dashed = [len(nodes) - 1], True
        header, body, footer = labels[i]
        node = Node(step.get("id", str(i)), "step", anchors[i], optional=bool(step.get("discretionary")),
                    repeat=str(step.get("repeat") or ""), preds=into, dashed_in=dashed)
        width = _inner(node)
        node.texts = (_lines(header, FONT, width, "bold", "#1a237e") + _lines(body, FONT, width, "normal", "#222")
                      + (_lines(footer, SMALL, width, "normal", "#b71c1c") if footer else [])
                      + (_lines(f"↻ 循环：{node.repeat}", SMALL, width, "normal", "#4a148c") if node.repeat else []))
        nodes.append(node)
        where[i] = len(nodes) - 1
    taken: set[tuple[int, int]] = set()
    for n in nodes:  # creation order is a topological order: predecessors are placed first
        n.h = 2 * PAD + LINE * max(1, len(n.texts)) - (LINE - FONT) // 2
        if n.kind == "start":
            continue
        rank = max(nodes[p].rank + 1 for p in n.preds)
        want = min(nodes[n.preds[0]].col, MAX_COLS - 1)
        while True:  # a full row pushes the node down: independent tracks continue below
            col = next((c for c in _nearby(want) if (rank, c) not in taken), None)
            if col is not None:
                break
            rank += 1
        taken.add((rank, col))
        n.rank, n.col = rank, col
    heights: dict[int, float] = {}
    for n in nodes:
        heights[n.rank] = max(heights.get(n.rank, 0), n.h)
    tops, y = {}, PAD
    for rank in sorted(heights):
        tops[rank] = y
        y += heights[rank] + GAP_Y
    left = LOOP_W if any(n.repeat for n in nodes) else 0  # loops run down the left margin
    for n in nodes:
        n.y, n.row_h = tops[n.rank], heights[n.rank]
        n.x = PAD + left + n.col * (BOX_W + GAP_X)
    # the start sits over the tracks it opens
    firsts = [n.col for n in nodes[1:] if n.preds == [0] and n.rank == 1] or [0]
    nodes[0].x = PAD + left + (min(firsts) + max(firsts)) * (BOX_W + GAP_X) / 2
    return nodes


def _nearby(want: int):
    """Columns from `want` outwards, within MAX_COLS."""
    yield want
    for d in range(1, MAX_COLS):
        for c in (want + d, want - d):
            if 0 <= c < MAX_COLS:
                yield c


def svg(steps: list[dict], labels: list[tuple[str, str, str]], anchors: list[str], title: str,
        start_label: str = "开始") -> str:
    """The diagram; `labels[i]` is (header, body, footer) of step i."""
    nodes = layout(steps, labels, anchors, start_label)
    cols = max(n.col for n in nodes) + 1
    loops = any(n.repeat for n in nodes)
    width = 2 * PAD + cols * BOX_W + (cols - 1) * GAP_X + GAP_X / 2 + (LOOP_W if loops else 0)
    height = max(n.y + n.h for n in nodes) + PAD
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" class="yj-flow-svg" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'style="--yj-flow-width:{width:.0f}px" role="img" '
        f'aria-label="{html(title)}流程图">',
        f"<title>{html(title)}流程图</title>",
        '<defs><marker id="yj-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
        'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    lanes: dict[int, int] = {}  # edges already routed down each gap: each gets its own line
    for n in nodes:
        for s in n.preds:
            out.append(_edge(nodes[s], n, n.dashed_in, lanes))
    for n in nodes:
        out.append(_node(n))
    out.append("</svg>")
    return "".join(out)


def _edge(s: Node, t: Node, dashed: bool, lanes: dict[int, int]) -> str:
    x1, y1 = s.x + s.w / 2, s.y + s.h
    x2, y2 = t.x + t.w / 2, t.y
    above = t.y - GAP_Y / 2
    if t.rank == s.rank + 1:
        if abs(x1 - x2) < 1:
            d = f"M{x1:.1f},{y1:.1f} L{x2:.1f},{y2 - 1:.1f}"
        else:
            d = f"M{x1:.1f},{y1:.1f} L{x1:.1f},{above:.1f} L{x2:.1f},{above:.1f} L{x2:.1f},{y2 - 1:.1f}"
    else:  # skips rows: down the gap right of the target's column, clear of the boxes between,
        # on a line of its own, turning off the elbows' level
        k = lanes.get(t.col, 0)
        lanes[t.col] = k + 1
        lane = t.x + t.w + 8 + 5 * (k % 4)
        below = s.y + s.row_h + GAP_Y / 4 + 3 * (k % 3)
        into = t.y - GAP_Y / 4
        d = (f"M{x1:.1f},{y1:.1f} L{x1:.1f},{below:.1f} L{lane:.1f},{below:.1f} L{lane:.1f},{into:.1f} "
             f"L{x2:.1f},{into:.1f} L{x2:.1f},{y2 - 1:.1f}")
    dash = ' stroke-dasharray="6,4"' if dashed else ""
    cls = "yj-edge yj-edge-cond" if dashed else "yj-edge"
    return (f'<path class="{cls}" d="{d}" fill="none" stroke="#555" stroke-width="1.4"{dash} '
            f'marker-end="url(#yj-arrow)"/>')


def _node(n: Node) -> str:
    x, y, w, h = n.x, n.y, n.w, n.h
    left = x + PAD + (POINT if n.kind == "cond" else 0)
    right = left + _inner(n)
    parts = [f'<g class="yj-node yj-{n.kind}" data-text-left="{left:.1f}" data-text-right="{right:.1f}">']
    if n.kind == "cond":
        pts = [(x + POINT, y), (x + w - POINT, y), (x + w, y + h / 2), (x + w - POINT, y + h), (x + POINT, y + h),
               (x, y + h / 2)]
        parts.append('<polygon points="' + " ".join(f"{a:.1f},{b:.1f}" for a, b in pts)
                     + '" fill="#fff8e1" stroke="#f9a825" stroke-width="1.4"/>')
    elif n.kind == "start":
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w}" height="{h:.0f}" rx="{h / 2:.0f}" ry="{h / 2:.0f}" '
                     f'fill="#e8f5e9" stroke="#2e7d32" stroke-width="1.2"/>')
    else:
        dash = ' stroke-dasharray="5,3"' if n.optional else ""
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w}" height="{h:.0f}" rx="6" ry="6" '
                     f'fill="#f5f7ff" stroke="#3f51b5" stroke-width="1.2"{dash}/>')
        if n.repeat:
            lx, ty, by = x, y + h * 0.3, y + h * 0.7  # out of the box's foot, back into its head
            parts.append(f'<path class="yj-loop" d="M{lx:.1f},{by:.1f} L{lx - 16:.1f},{by:.1f} L{lx - 16:.1f},{ty:.1f} '
                         f'L{lx - 1:.1f},{ty:.1f}" fill="none" stroke="#6a1b9a" stroke-width="1.4" '
                         f'marker-end="url(#yj-arrow)"/>')
    ty = y + PAD + FONT
    anchor = "middle" if n.kind in ("start", "cond") else "start"
    tx = x + w / 2 if anchor == "middle" else left
    for line, size, weight, colour in n.texts:
        bold = ' font-weight="bold"' if weight == "bold" else ""
        parts.append(f'<text x="{tx:.1f}" y="{ty:.1f}" font-size="{size}"{bold} fill="{colour}" '
                     f'text-anchor="{anchor}">{html(line)}</text>')
        ty += LINE
    parts.append("</g>")
    body = "".join(parts)
    if n.anchor:
        href = f"#{n.anchor}"
        return f'<a href="{href}" xlink:href="{href}">{body}</a>'
    return body
