"""Check a whole project: content/ and forms/ against their schemas and each other."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.findings import SEVERITY_ZH, Finding, count
from generator.project import Project


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    content: Any = None  # the content/ it checked (generator.content.Content), for the build to reuse

    @property
    def errors(self) -> int:
        return count(self.findings)[0]

    @property
    def warnings(self) -> int:
        return count(self.findings)[1]

    def ok(self, strict: bool = False) -> bool:
        return self.errors == 0 and (not strict or self.warnings == 0)


def check_project(project: Project) -> CheckResult:
    from generator import content as content_mod
    from generator.content.content_check import check_content
    from generator.forms.definition_check import check_forms
    from generator.schemacheck import SchemaSet

    schemas = SchemaSet(project.schemas)
    content = content_mod.load(project)
    forms_result = check_forms(project, schemas, content)
    findings = check_content(content, schemas, forms_result.form_ids)
    findings.extend(forms_result.findings)
    files = sum(len(v) for v in content.sources.values()) + forms_result.files
    findings.sort(key=lambda f: (f.file or "", f.line or 0, f.col or 0, f.code))
    return CheckResult(findings, files, content)


def format_finding(f: Finding) -> str:
    """`path:line:col: 错误：message remedy [code]` — one line, what's wrong then what to do."""
    where = f"{f.file}:{f.line or 1}:{f.col or 1}"
    remedy = f.remedy
    tail = remedy if remedy and remedy not in f.message else ""
    return f"{where}: {SEVERITY_ZH.get(f.severity, f.severity)}：{f.message}{tail} [{f.code}]"
