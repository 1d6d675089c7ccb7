"""`yaojian validate` on hostile and mangled files, at the command line: each file in a
fresh process under RLIMIT_AS 500 MB and a 10 s limit gets exit 2, one JSON report with
valid: false and a single finding of the catalogue, and no traceback.

The reader's corpus (tests/test_xlsx_hostile.py: zip and entity bombs, a million cells,
a thousand sheets, encryption, .xls/.et/.ods, .xlsm, CSV/HTML/PDF/DOCX renamed, truncated
and duplicate-entry zips, …) plus hostile variants of a real filed form.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO
from test_xlsx_hostile import CASES as READER_CASES
from test_xlsx_hostile import LAUGHS, corpus  # noqa: F401 - the reader's corpus fixture

TIME_LIMIT = 10  # seconds per file, wall clock
MEMORY_LIMIT = 500 * 1024 * 1024  # bytes of address space per process

RUNNER = r"""
import resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
resource.setrlimit(resource.RLIMIT_CPU, (10, 10))
from generator.cli import main
try:
    code = main(sys.argv[2:])
finally:
    with open("/proc/self/status") as f:
        peak = next(int(l.split()[1]) for l in f if l.startswith("VmHWM")) / 1024
    sys.stderr.write(f"\nPEAK_MB={peak:.0f}\n")
sys.exit(code)
"""


def run_boxed(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    import time

    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("YAOJIAN_DEBUG", None)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", RUNNER, str(MEMORY_LIMIT), "validate", *args],
                          capture_output=True, text=True, timeout=TIME_LIMIT + 5, cwd=REPO, env=env)
    return proc, time.perf_counter() - t


def _peak(stderr: str) -> float:
    line = [ln for ln in stderr.splitlines() if ln.startswith("PEAK_MB=")]
    return float(line[-1].split("=")[1]) if line else 0.0


@pytest.fixture(scope="session")
def form_variants(tmp_path_factory) -> dict[str, tuple[Path, str | tuple]]:
    """Hostile variants of a real filed monthly form, with the outcome expected."""
    from generator.forms.model import load_forms
    from validate_support import complete_values, filed_workbook

    d = tmp_path_factory.mktemp("hostile-forms")
    form = load_forms(REPO / "forms")["monthly-progress"]
    good = filed_workbook(form, d / "good.xlsx", complete_values(form))
    with zipfile.ZipFile(good) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet2 = next(n for n in parts if n.endswith("sheet3.xml"))

    def write(name: str, new: dict[str, bytes]) -> Path:
        p = d / f"{name}.xlsx"
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for n, b in {**parts, **new}.items():
                z.writestr(n, b)
        p.write_bytes(buf.getvalue())
        return p

    xml = parts[sheet2].decode()
    far = xml.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>9</v></c></row></sheetData>')
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in "IJKLMNOPQRSTUVWXYZ") + "</row>"
                   for r in range(100, 40_100))
    million = xml.replace("</sheetData>", rows + "</sheetData>")
    return {
        "form-far-corner-value": (write("form-far-corner-value", {sheet2: far.encode()}), "valid"),
        "form-million-cells": (write("form-million-cells", {sheet2: million.encode()}), "too-many-cells"),
        "form-entity-bomb": (write("form-entity-bomb", {sheet2: _with_entities(xml)}), "unsafe-xml"),
        "form-truncated": (_truncated(good, d), ("unreadable-file",)),
    }


def _with_entities(xml: str) -> bytes:
    """The sheet with the billion-laughs DTD in front and an entity in a cell."""
    dtd = LAUGHS[: LAUGHS.index(b"]>") + 2].split(b"?>", 1)[1]
    body = xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml
    body = body.replace("</sheetData>", '<row r="900"><c r="A900" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>')
    return b'<?xml version="1.0" encoding="UTF-8"?>' + dtd + body.encode()


def _truncated(good: Path, d: Path) -> Path:
    p = d / "form-truncated.xlsx"
    data = good.read_bytes()
    p.write_bytes(data[: len(data) * 2 // 3])
    return p


# A Word document is a filing of a prose form (附件2/附件3) now: one that is not ours is
# unknown-form at the command line, whatever its name (the .xlsx reader alone still says
# not-a-workbook).
COMMAND_LINE = {"docx-renamed-xlsx": "unknown-form"}


def _check_stopped(proc, seconds, expected: tuple) -> dict:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    reports = json.loads(proc.stdout)
    assert len(reports) == 1
    r = reports[0]
    assert r["valid"] is False and r["errors"] == 1 and len(r["findings"]) == 1, r
    assert r["findings"][0]["code"] in expected, r
    assert r["findings"][0]["message"]
    assert seconds < TIME_LIMIT
    return r


@pytest.mark.parametrize("name", sorted(READER_CASES))
def test_reader_corpus_at_the_command_line(corpus, name):  # noqa: F811
    expected = READER_CASES[name]
    expected = expected if isinstance(expected, tuple) else (expected,)
    # a workbook the reader reads but that is no form of ours: unknown-form
    expected = tuple("unknown-form" if c == "ok" else c for c in expected)
    if name in COMMAND_LINE:  # the validator reads more than workbooks (see COMMAND_LINE)
        expected = (COMMAND_LINE[name],)
    proc, seconds = run_boxed(str(corpus[name]), "--format", "json")
    _check_stopped(proc, seconds, expected)
    assert _peak(proc.stderr) < MEMORY_LIMIT / 1048576


@pytest.mark.parametrize("name", ["form-far-corner-value", "form-million-cells", "form-entity-bomb", "form-truncated"])
def test_hostile_variants_of_a_real_form(form_variants, name):
    path, expected = form_variants[name]
    proc, seconds = run_boxed(str(path), "--format", "json")
    assert "Traceback" not in proc.stderr, proc.stderr
    if expected == "valid":  # a stray value far away does not stop the validation
        assert proc.returncode == 0, proc.stdout
        assert json.loads(proc.stdout)[0]["valid"] is True
        assert seconds < TIME_LIMIT
    else:
        _check_stopped(proc, seconds, expected if isinstance(expected, tuple) else (expected,))


def test_many_hostile_files_at_once(corpus):  # noqa: F811
    """One run over the whole corpus: one report per file in order, exit 2, still bounded."""
    names = sorted(READER_CASES)
    proc, seconds = run_boxed(*[str(corpus[n]) for n in names], "--format", "json", "--jobs", "2")
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 2
    reports = json.loads(proc.stdout)
    assert [r["file"] for r in reports] == [str(corpus[n]) for n in names]
    assert all(not r["valid"] and len(r["findings"]) == 1 for r in reports)
    assert seconds < 60


def test_file_codes_reach_the_command_line():
    """Every code of the catalogue's file area has a hostile file here."""
    from generator.findings import catalogue

    codes = {c for v in READER_CASES.values() for c in (v if isinstance(v, tuple) else (v,))}
    assert {k for k, kind in catalogue().items() if kind.area == "file"} <= codes
