"""Regenerate generator/site/finding-examples.yaml: one worked example per finding code, taken
from the example folders under tests/cases/ (the message as the tool really prints it, with
that case's values, its remedy and where it was found).  Run after adding or changing a
case:  python scripts/finding-examples.py   (tests/test_finding_examples.py checks drift).

Codes without an example folder (unreadable files, the upload service) keep the example
written by hand in the same file under `manual:`.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
OUT = REPO / "generator" / "site" / "finding-examples.yaml"
_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?:错误|警告)：(?P<message>.*) \[(?P<code>[a-z0-9-]+)\]$")


def check_examples() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for expected in sorted((REPO / "tests" / "cases" / "check").glob("*/expected.txt")):
        for line in expected.read_text(encoding="utf-8").splitlines():
            m = _LINE.match(line.strip())
            if m and m["code"] not in out:
                name = Path(m["file"]).name
                out[m["code"]] = {"where": f"{name} 第 {m['line']} 行第 {m['col']} 列",
                                  "message": m["message"], "case": expected.parent.name}
    return out


def validate_examples() -> dict[str, dict]:
    import test_validate_cases as cases
    from validate_support import filed_workbook

    from generator.findings import catalogue
    from generator.forms.model import load_forms
    from generator.project import Project
    from generator.validate import validate

    forms = load_forms(REPO / "forms")
    out: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for name, spec in cases.ALL.items():
            wanted = [e["code"] for e in spec.get("expect") or () if e["code"] not in out]
            if not wanted:
                continue
            form = forms[spec["form"]]
            path = base / f"{name}.xlsx"
            filed_workbook(form, path, cases._values(form, spec), spec.get("ops"))
            previous = None
            prev = spec.get("previous")
            if prev is not None:
                previous = base / f"{name}.previous.xlsx"
                if "literal" in prev:
                    previous.write_text(prev["literal"], encoding="utf-8")
                else:
                    filed_workbook(form, previous, cases._values(form, prev), prev.get("ops"))
            report = validate(path, project=Project(cases._project(spec, base, name)), previous=previous)
            def plain(text: str) -> str:  # the files' names as a clerk would have them, no temp folder
                return (text or "").replace(str(base) + "/", "")

            for f in report.findings:
                if f.code in wanted and f.code not in out and f.code in catalogue():
                    out[f.code] = {"where": plain(_where(f)), "message": plain(f.message), "remedy": plain(f.remedy),
                                   "case": name}
    return out


def _where(f) -> str:
    """The place in the form's own words: 表2 · 现场检查（件）× 经营（E7）."""
    text = " · ".join(p for p in (f.sheet, " × ".join(x for x in (f.row, f.column) if x)) if p)
    if f.cell:
        text = f"{text}（{f.cell}）" if text else f.cell
    return text


def main() -> int:
    old = yaml.safe_load(OUT.read_text(encoding="utf-8")) if OUT.exists() else {}
    found = {**check_examples(), **validate_examples()}
    data = {"cases": dict(sorted(found.items())), "manual": (old or {}).get("manual") or {}}
    header = ("# Worked examples of the finding codes for the 错误代码 page, GENERATED from tests/cases/\n"
              "# by scripts/finding-examples.py (edit only `manual:`, the codes no example folder covers).\n")
    OUT.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")
    print(f"{len(found)} examples from cases, {len(data['manual'])} by hand -> {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

