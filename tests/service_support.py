"""Filed workbooks for the service and roll-up tests: random but valid monthly filings.

`random_document(form, unit, report_date, rng, previous=None)` makes a document that obeys
every rule of the monthly form (totals, parts ≤ whole, 涉网 ≤ its column, sources = bands,
表1 ↔ bands, the 50 万元 tick) and, given the unit's previous document, never falls below
it (the cumulative rule).  `workbook_bytes(project, form, document)` writes it into the
form's blank workbook.  Amounts have two decimals and are kept as Decimal here, so a test
can add them up independently of the code under test.
"""

from __future__ import annotations

import io
import random
import zipfile
from decimal import Decimal

NA = "/"


def _amount(rng: random.Random, top: int) -> Decimal:
    return Decimal(rng.randint(0, top * 100)) / 100


def _num(v):
    """A document number as the validator gives it: int when whole, else float."""
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def _prev(previous, *path):
    node = previous
    for p in path:
        if not isinstance(node, dict):
            return None
        node = node.get(p)
    return node


def _grow(rng, old, kind, top):
    """A cumulative figure: the previous one plus something (or a fresh one)."""
    if old in (None, NA):
        return rng.randint(0, top) if kind == "count" else _amount(rng, top)
    base = Decimal(str(old))
    step = Decimal(rng.randint(0, 3)) if kind == "count" else _amount(rng, 5)
    out = base + step
    return int(out) if kind == "count" else out


def random_document(form, unit: str, report_date: str, rng: random.Random, previous: dict | None = None,
                    na_columns: float = 0.25, big_cases: bool = True) -> dict:
    tables: dict = {}
    big_room: dict[str, int] = {}
    for t in form.tables:
        if t.kind != "grid":
            continue
        prev_t = _prev(previous, "tables", t.id) or {}
        # A column "/" in the previous filing stays "/" (so figures never fall); others
        # become "/" at random only in a first filing.
        na = {c.id for c in t.columns if (_prev(prev_t, "rows", t.rows[0].id, c.id) == NA) or
              (previous is None and rng.random() < na_columns)}
        if len(na) == len(t.columns):
            na.discard(t.columns[-1].id)
        rows: dict = {r.id: {} for r in t.rows}
        source = [r for g in t.groups if g.id == "source" for r in g.rows]
        bands = [r for g in t.groups if g.id == "value" for r in g.rows if r.id.startswith("band_")]
        for c in t.columns:
            if c.id in na:
                for r in t.rows:
                    rows[r.id][c.id] = NA
                continue
            # sources: cumulative counts; bands: the same total, spread (never below before)
            for r in source:
                rows[r.id][c.id] = _grow(rng, _prev(prev_t, "rows", r.id, c.id), "count", 4)
            total = sum(rows[r.id][c.id] for r in source)
            old_bands = [int(_prev(prev_t, "rows", b.id, c.id) or 0) for b in bands]
            spare = total - sum(old_bands)
            if spare < 0:  # cannot happen when sources only grow, but stay valid regardless
                old_bands = [0] * len(bands)
                spare = total
            values = list(old_bands)
            for _ in range(spare):
                values[rng.choice([0, 0, 0, 1, 1, 2, 3]) if len(values) > 3 else 0] += 1
            for b, v in zip(bands, values):
                rows[b.id][c.id] = v
            for r in t.rows:
                if r in source or r in bands or r.parent is not None or r.part_of is not None:
                    continue
                rows[r.id][c.id] = _grow(rng, _prev(prev_t, "rows", r.id, c.id), r.kind, 6)
            for r in t.rows:
                whole = r.whole
                if whole is None or (r in source or r in bands):
                    continue
                cap = Decimal(str(rows[whole][c.id]))
                old = _prev(prev_t, "rows", r.id, c.id)
                low = Decimal(str(old)) if old not in (None, NA) else Decimal(0)
                low = min(low, cap)
                if r.kind == "count":
                    rows[r.id][c.id] = rng.randint(int(low), int(cap))
                else:
                    rows[r.id][c.id] = low + (cap - low) * Decimal(rng.randint(0, 100)) / 100
                    rows[r.id][c.id] = rows[r.id][c.id].quantize(Decimal("0.01"), rounding="ROUND_DOWN")
                    if rows[r.id][c.id] < low:
                        rows[r.id][c.id] = low
        if t.total is not None:
            for r in t.rows:
                parts = [rows[r.id][c.id] for c in t.columns if rows[r.id][c.id] != NA]
                rows[r.id][t.total.id] = NA if not parts else sum(Decimal(str(p)) for p in parts)
        big_room[t.id] = sum(
            int(rows[b.id][c.id]) for b in bands[3:] for c in t.columns if rows[b.id][c.id] != NA
        )
        out_t: dict = {"rows": {r: {c: _num(v) for c, v in cols.items()} for r, cols in rows.items()}}
        if t.key_areas is not None:
            ka: dict = {}
            prev_ka = prev_t.get("key_areas") if isinstance(prev_t, dict) else None
            for r in t.key_areas.rows:
                ka[r.id] = {}
                for c in t.key_areas.columns:
                    if c.parent is None:
                        ka[r.id][c.id] = _grow(rng, _prev(prev_ka, r.id, c.id), r.kind, 3)
                for c in t.key_areas.columns:
                    if c.parent is not None:
                        cap = Decimal(str(ka[r.id][c.parent]))
                        old = _prev(prev_ka, r.id, c.id)
                        low = min(Decimal(str(old)) if old not in (None, NA) else Decimal(0), cap)
                        v = low if r.kind != "count" else int(low)
                        if r.kind == "count" and cap > low:
                            v = rng.randint(int(low), int(cap))
                        ka[r.id][c.id] = v
            out_t["key_areas"] = {r: {c: _num(v) for c, v in cols.items()} for r, cols in ka.items()}
        tables[t.id] = out_t
    for t in form.tables:
        if t.kind == "cases":
            cases = []
            by_table = {"drug": "drug", "device": "device", "cosmetic": "cosmetic"}
            for i in range(rng.randint(0, 3)):
                category = rng.choice(list(by_table))
                big = big_cases and big_room.get(by_table[category], 0) > 0 and rng.random() < 0.5
                if big:
                    big_room[by_table[category]] -= 1
                value = Decimal(rng.randint(5000, 90000)) / 100 if big else Decimal(rng.randint(1, 4900)) / 100
                cases.append({
                    "number": f"{report_date[:7]}-{i + 1:03d}", "name": f"{unit}查办的第{i + 1}起案件",
                    "category": [category], "clue_source": [rng.choice(["inspection", "complaint", "sampling"])],
                    "situation": ["value_over_500k"] if big else ["criminal_referral"],
                    "progress": ["filed"], "value": _num(value), "penalty": None,
                    "planned_close": "2022-12-31", "summary": "现场检查发现问题，已立案调查。",
                })
            tables[t.id] = cases
        elif t.kind == "sections":
            tables[t.id] = {s.id: f"{unit}：按方案开展工作。" for s in t.all_sections() if s.fillable}
    header = {"unit": unit, "report_date": report_date, "note": None}
    return {"form": form.id, "form_version": form.version, "header": header, "tables": tables}


def workbook_bytes(project, form, document: dict) -> bytes:
    from generator.rollup.workbook import fill, to_bytes

    wb, totals = fill(form, document, project)
    return to_bytes(wb, totals)


def monthly_form(project):
    from generator.forms.model import load_forms

    return load_forms(project.forms)["monthly-progress"]


def variants(data: bytes, n: int, tag: str) -> list[bytes]:
    """n distinct files with the same content: only the document properties differ."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = []
    for i in range(n):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for info in src.infolist():
                body = src.read(info.filename)
                if info.filename == "docProps/core.xml":
                    body = body.replace(b"</cp:coreProperties>", f"<!-- {tag} {i} --></cp:coreProperties>".encode())
                z.writestr(info.filename, body)
        out.append(buf.getvalue())
    return out


def unit_books(project, n_units: int, seed: int) -> dict[str, bytes]:
    form = monthly_form(project)
    rng = random.Random(seed)
    return {f"单位{i:02d}": workbook_bytes(project, form, random_document(form, f"单位{i:02d}", "2022-05-31", rng))
            for i in range(n_units)}
