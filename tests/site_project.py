"""A project for the site tests: the real documents with the extracts of
tests/data/site-extracts/ (until the real extracts land), form references stripped."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
EXTRACTS = REPO / "tests" / "data" / "site-extracts"


def _strip_forms(node):
    if isinstance(node, dict):
        return {k: _strip_forms(v) for k, v in node.items() if k != "form"}
    if isinstance(node, list):
        return [_strip_forms(v) for v in node]
    return node


def make_project(dest: Path) -> Path:
    """Write the fixture project into `dest` and return it."""
    (dest / "content" / "documents").mkdir(parents=True)
    for path in sorted((REPO / "content" / "documents").glob("*.yaml")):
        data = _strip_forms(yaml.safe_load(path.read_text(encoding="utf-8")))
        (dest / "content" / "documents" / path.name).write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8"
        )
    for folder in sorted(EXTRACTS.iterdir()):
        if folder.is_dir():
            shutil.copytree(folder, dest / "content" / folder.name)
    shutil.copytree(REPO / "schemas", dest / "schemas")
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    (dest / "forms").mkdir()
    return dest
