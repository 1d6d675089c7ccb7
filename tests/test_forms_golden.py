"""Golden files: the stable parts of each generated workbook and schema, under tests/golden/.

- tests/golden/workbooks/<id>.json — a semantic dump of the blank workbook (see
  tests/workbook_dump.py: per sheet the labels with their cells, merges, unlocked
  cells, validations with their prompts, protection flags, print settings, widths, fonts);
- tests/golden/schemas/<id>.txt — one line per cell of a filed form: its path in the
  filed document, what it takes, and its title.

A change to a definition, the layout or the writer shows here as a reviewable diff.
Regenerate after an intended change (then read the diff before committing):

    YAOJIAN_UPDATE_GOLDEN=1 python -m pytest tests/test_forms_golden.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import REPO
from generator.forms.model import load_forms
from generator.forms.schema import form_schema
from generator.forms.workbook import write_workbook
from workbook_dump import dump

GOLDEN = REPO / "tests" / "golden"
FORM_IDS = ["monthly-progress", "quarterly-report", "summary-report"]
UPDATE = os.environ.get("YAOJIAN_UPDATE_GOLDEN") == "1"


def schema_lines(schema: dict) -> list[str]:
    """Every leaf of a filed-form schema: path, what it takes, title."""
    out: list[str] = []

    def kind(node: dict) -> str:
        if "$ref" in node:
            return node["$ref"].rsplit("/", 1)[-1]
        if "enum" in node.get("items", {}):
            bounds = f"{node.get('minItems', 0)}..{node.get('maxItems', '')}"
            return f"ticks[{bounds}] of {'|'.join(node['items']['enum'])}"
        if "const" in node:
            return f"const {node['const']}"
        t = node.get("type")
        t = "|".join(t) if isinstance(t, list) else str(t)
        extra = [f"format={node['format']}"] if "format" in node else []
        extra += [f"{k}={node[k]}" for k in ("minLength", "maxLength", "pattern") if k in node]
        return " ".join([t, *extra])

    def walk(node: dict, path: str) -> None:
        if "properties" in node:
            for key, child in node["properties"].items():
                walk(child, f"{path}.{key}" if path else key)
        elif node.get("type") == "array" and "properties" in node.get("items", {}):
            out.append(f"{path}\tarray maxItems={node.get('maxItems')}\t{node.get('title', '')}")
            walk(node["items"], f"{path}[]")
        else:
            out.append(f"{path}\t{kind(node)}\t{node.get('title', '')}")

    walk(schema, "")
    return out


def compare(path: Path, text: str) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"{path.relative_to(REPO)} is missing; regenerate: YAOJIAN_UPDATE_GOLDEN=1 python -m pytest {Path(__file__).relative_to(REPO)}"
    want = path.read_text(encoding="utf-8").splitlines()
    got = text.splitlines()
    if want != got:
        import difflib

        diff = "\n".join(list(difflib.unified_diff(want, got, "golden", "generated", lineterm="", n=2))[:60])
        pytest.fail(f"{path.relative_to(REPO)} differs from what is generated (if intended, regenerate with "
                    f"YAOJIAN_UPDATE_GOLDEN=1 and review the diff):\n{diff}")


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_workbook_golden(project, content, tmp_path, form_id):
    form = load_forms(project.forms)[form_id]
    path = write_workbook(form, content, tmp_path / f"{form_id}.xlsx")
    text = json.dumps(dump(path), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    compare(GOLDEN / "workbooks" / f"{form_id}.json", text)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_schema_golden(project, content, form_id):
    form = load_forms(project.forms)[form_id]
    compare(GOLDEN / "schemas" / f"{form_id}.txt", "\n".join(schema_lines(form_schema(form, content))) + "\n")
