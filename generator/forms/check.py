"""`yaojian check` for forms/: the form definitions (placeholder until the forms land)."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.findings import Finding


@dataclass
class FormsCheck:
    findings: list[Finding] = field(default_factory=list)
    form_ids: set[str] = field(default_factory=set)
    files: int = 0


def check_forms(project, schemas, content) -> FormsCheck:
    paths = sorted(project.forms.glob("*.yaml")) if project.forms.is_dir() else []
    return FormsCheck([], {p.stem for p in paths}, len(paths))
