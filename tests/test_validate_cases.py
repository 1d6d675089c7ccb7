"""Example folders: tests/cases/validate/<case>/case.yaml, each validated as openpyxl
writes the workbook AND as LibreOffice saves it (cached formula values, its own shared
strings and styles).  A new case is a new folder.

case.yaml:
    form: monthly-progress          # the form whose blank workbook is filled
    base: complete                  # complete (a full valid filing) or blank
    fill: [[table, rows, row, col, value], [header, unit, value], [table, case, field, option, value], …]
    ops: [{op: rename_sheet|delete_sheet|insert_rows|delete_rows|set|stamp, …}]
    project: {form_version: "1.1", changes: [...], files: {relative path: text},   # a changed project copy
              edits: [{file: relative path, old: text, new: text}]}
    previous: {base, fill, ops} | {literal: text}                                  # --previous
    expect: [{code, severity, sheet, cell, row, column, value, expected}, …]       # every finding, exactly
    expect_libreoffice: […]          # where LibreOffice's copy differs (e.g. cached values)
    writers: [openpyxl, libreoffice]
Only the keys an expected finding names are compared.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from validate_support import complete_values, filed_workbook, key_of

CASES = REPO / "tests" / "cases" / "validate"
WRITERS = ("openpyxl", "libreoffice")


def load_cases() -> dict[str, dict]:
    out = {}
    for folder in sorted(p for p in CASES.iterdir() if (p / "case.yaml").is_file()):
        spec = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
        spec["folder"] = folder
        out[folder.name] = spec
    return out


ALL = load_cases()
PARAMS = [pytest.param(name, w, id=f"{name}-{w}") for name, spec in ALL.items()
          for w in spec.get("writers", WRITERS)]


def _values(form, spec: dict) -> dict:
    values = complete_values(form) if spec.get("base", "complete") == "complete" else {}
    for entry in spec.get("fill") or ():
        key, value = key_of(entry)
        values[key] = value
    return values


def _project(spec: dict, base: Path, name: str) -> Path:
    """The repository's project, or a copy changed as the case says."""
    change = spec.get("project")
    if not change:
        return REPO
    dest = base / f"proj-{name}"
    if dest.exists():
        return dest
    for sub in ("content", "forms", "schemas"):
        if (REPO / sub).exists():
            shutil.copytree(REPO / sub, dest / sub)
    if "form_version" in change:
        path = dest / "forms" / f"{spec['form']}.yaml"
        text = path.read_text(encoding="utf-8")
        old = yaml.safe_load(text)["version"]
        text = text.replace(f'version: "{old}"', f'version: "{change["form_version"]}"', 1)
        entry = [f'  - version: "{change["form_version"]}"', '    date: "2026-12-01"', "    changes:"]
        entry += [f"      - {c}" for c in change.get("changes", [])]
        text = text.replace("\nheader:", "\n" + "\n".join(entry) + "\n\nheader:", 1)
        path.write_text(text, encoding="utf-8")
    for edit in change.get("edits") or ():
        path = dest / edit["file"]
        text = path.read_text(encoding="utf-8")
        assert edit["old"] in text, (name, edit)
        path.write_text(text.replace(edit["old"], edit["new"]), encoding="utf-8")
    for rel, content in (change.get("files") or {}).items():
        p = dest / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content, encoding="utf-8")
    return dest


@pytest.fixture(scope="session")
def case_files(tmp_path_factory) -> dict[tuple[str, str], dict]:
    """Every case's workbook (and previous filing), written by openpyxl, then all saved
    again by LibreOffice in two concurrent headless runs."""
    from generator.forms.model import load_forms
    from xlsx_corpus import SOFFICE, lo_convert_many

    base = tmp_path_factory.mktemp("validate-cases")
    forms = load_forms(REPO / "forms")
    made: dict[tuple[str, str], dict] = {}
    to_convert: list[Path] = []
    for name, spec in ALL.items():
        form = forms[spec["form"]]
        entry = {"project": _project(spec, base, name)}
        src = base / "openpyxl" / f"{name}.xlsx"
        filed_workbook(form, src, _values(form, spec), spec.get("ops"))
        entry["file"] = src
        prev = spec.get("previous")
        if prev is not None:
            ppath = base / "openpyxl" / f"{name}.previous.xlsx"
            if "literal" in prev:
                ppath.write_text(prev["literal"], encoding="utf-8")
            else:
                filed_workbook(form, ppath, _values(form, prev), prev.get("ops"))
                if "libreoffice" in spec.get("writers", WRITERS):
                    to_convert.append(ppath)
            entry["previous"] = ppath
        made[(name, "openpyxl")] = entry
        if "libreoffice" in spec.get("writers", WRITERS):
            to_convert.append(src)
    if to_convert:
        assert SOFFICE, "LibreOffice (soffice) is needed: scripts/install-test-deps.sh installs it"
        half = len(to_convert) // 2
        jobs = [(chunk, "xlsx", base / "libreoffice") for chunk in (to_convert[:half], to_convert[half:]) if chunk]
        lo_convert_many(jobs, timeout=600)
    for name, spec in ALL.items():
        if "libreoffice" not in spec.get("writers", WRITERS):
            continue
        entry = dict(made[(name, "openpyxl")])
        entry["file"] = base / "libreoffice" / f"{name}.xlsx"
        prev = entry.get("previous")
        if prev is not None and "literal" not in spec["previous"]:
            entry["previous"] = base / "libreoffice" / prev.name
        made[(name, "libreoffice")] = entry
    return made


def _compare(actual: list[dict], expected: list[dict]) -> None:
    """Every expected finding matches one found finding on the keys it names, and no
    found finding is left over."""
    left = list(actual)
    missing = []
    for e in expected:
        hit = next((a for a in left if all(str(a.get(k)) == str(v) for k, v in e.items())), None)
        if hit is None:
            missing.append(e)
        else:
            left.remove(hit)
    brief = [{k: a.get(k) for k in ("code", "severity", "sheet", "cell", "row", "column", "value", "expected")
              if a.get(k) is not None} for a in left]
    assert not missing and not left, f"\nmissing: {missing}\nunexpected: {brief}\nmessages: {[a['message'] for a in actual]}"


@pytest.mark.parametrize("name, writer", PARAMS)
def test_case(case_files, name, writer):
    from generator.project import Project
    from generator.validate import validate

    spec = ALL[name]
    entry = case_files[(name, writer)]
    report = validate(entry["file"], project=Project(entry["project"]), previous=entry.get("previous"))
    expected = spec.get(f"expect_{writer}", spec.get("expect") or [])
    _compare([f.to_dict() for f in report.findings], expected)
    assert report.errors == sum(1 for f in report.findings if f.severity == "error")
    # the JSON contract's shape, always
    d = report.to_dict()
    assert list(d) == ["file", "form", "form_version", "unit", "report_date", "valid", "errors", "warnings", "findings"]
    for f in d["findings"]:
        assert f["message"] and "{" not in f["message"], f
        assert f.get("remedy") and "{" not in f["remedy"], f
        # a finding round-trips through its dict: same severity, message and remedy
        from generator.findings import Finding

        assert Finding.from_dict(f).to_dict() == f


VALIDATE_AREAS = ("template", "cell", "rules")


def test_every_code_has_a_case():
    """Every finding code of the validator's areas is expected by some example folder
    (the file area is covered by tests/test_validate_hostile.py)."""
    from generator.findings import catalogue

    codes = {code for code, kind in catalogue().items() if kind.area in VALIDATE_AREAS}
    used = {e["code"] for spec in ALL.values() for key in ("expect", "expect_openpyxl", "expect_libreoffice")
            for e in spec.get(key) or ()}
    assert codes - used == set(), f"codes without a case folder: {sorted(codes - used)}"
    unknown = used - set(catalogue())
    assert not unknown, f"cases expect codes the catalogue lacks: {sorted(unknown)}"


def test_catalogue_entries_read_well():
    """Titles, messages and remedies are Chinese prose; variants only change what they name."""
    from generator.findings import areas

    for area in areas():
        if area.id not in VALIDATE_AREAS:
            continue
        for kind in area.kinds:
            assert kind.title and kind.message and kind.remedy, kind.code
            assert any("\u4e00" <= ch <= "\u9fff" for ch in kind.title + kind.message + kind.remedy), kind.code
            for name, variant in kind.variants.items():
                assert set(variant) <= {"severity", "message", "remedy"}, (kind.code, name)


def test_cli_json_equals_the_library(case_files, tmp_path):
    """The CLI's JSON is the library's Report.to_dict(), file by file, in order."""
    import json

    from conftest import run_cli
    from generator.project import Project
    from generator.validate import validate

    names = [n for n, spec in ALL.items() if not spec.get("project") and not spec.get("previous")]
    paths = [str(case_files[(n, w)]["file"]) for n in names for w in ("openpyxl", "libreoffice")
             if (n, w) in case_files]
    proc = run_cli("validate", *paths, "--format", "json")
    cli = json.loads(proc.stdout)
    reports = [validate(p, project=Project(REPO)) for p in paths]
    assert cli == [r.to_dict() for r in reports]
    assert proc.returncode == max(r.exit_code for r in reports) == 2  # unknown-form cases are among them
    assert proc.stderr == ""  # piped: no progress


def test_cli_previous_matches_the_library(case_files):
    import json

    from conftest import run_cli
    from generator.project import Project
    from generator.validate import validate

    entry = case_files[("cumulative-decrease", "libreoffice")]
    proc = run_cli("validate", str(entry["file"]), "--previous", str(entry["previous"]), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    lib = validate(entry["file"], project=Project(REPO), previous=entry["previous"]).to_dict()
    assert json.loads(proc.stdout) == [lib]


def test_outdated_template_says_which_and_what_changed(case_files):
    from generator.project import Project
    from generator.validate import validate

    entry = case_files[("template-outdated", "openpyxl")]
    report = validate(entry["file"], project=Project(entry["project"]))
    assert report.stopped and report.exit_code == 2 and report.form == "monthly-progress"
    (f,) = report.findings
    assert "1.0" in f.message and "1.1" in f.message
    assert "表2 增加“其他”一行的说明" in f.message and "填报日期改为必填的日期格式" in f.message
