"""The office's documents and what was extracted from them, loaded from content/*.yaml.

`load(project)` reads every file (with positions, for `yaojian check`) and indexes it:
documents and their clauses, organisations, responsibilities, procedures, campaigns,
criteria and figures.  Data stays as the YAML has it (dicts and lists, already checked
against `schemas/content/`); the indexes give the cross-links the site needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from generator.findings import Finding
from generator.project import Project
from generator.yamlsrc import Source, SourceError, load as load_yaml

# content/<folder>/*.yaml -> schema file in schemas/content/
KINDS: dict[str, str] = {
    "documents": "document",
    "organisations": "organisations",
    "responsibilities": "responsibilities",
    "procedures": "procedure",
    "campaigns": "campaign",
    "criteria": "criteria",
    "figures": "figures",
}

# The office profile: one file at the top of content/ (see generator.content.office).
OFFICE_FILE = "office.yaml"
OFFICE_SCHEMA = "office"

_WS = re.compile(r"\s+")


def squash(text: str) -> str:
    """Text with all white space removed: the seeds' spacing is layout, not content."""
    return _WS.sub("", text or "")


def as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@dataclass
class Clause:
    """One clause of a document, with its place in the tree."""

    doc: str
    id: str
    data: dict
    parent: "Clause | None"
    depth: int
    path: tuple  # JSON path inside the document's YAML
    children: list["Clause"] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"{self.doc}#{self.id}"

    @property
    def own_text(self) -> str:
        """num + title + subtitle + text, as the document prints them."""
        d = self.data
        return "".join(d.get(k, "") for k in ("num", "title", "subtitle", "text"))

    @property
    def full_text(self) -> str:
        """This clause's text and all its descendants', in order."""
        return self.own_text + "".join(c.full_text for c in self.children)

    def walk(self) -> Iterator["Clause"]:
        yield self
        for c in self.children:
            yield from c.walk()

    def ancestors(self) -> list["Clause"]:
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out[::-1]


@dataclass
class Content:
    project: Project
    sources: dict[str, list[Source]] = field(default_factory=dict)  # kind folder -> sources
    findings: list[Finding] = field(default_factory=list)  # load errors (syntax, encoding)
    documents: dict[str, dict] = field(default_factory=dict)
    clauses: dict[str, Clause] = field(default_factory=dict)  # "doc#clause" -> Clause
    roots: dict[str, list[Clause]] = field(default_factory=dict)  # doc id -> top clauses
    # kind folder -> stems of the files that could not be read or parsed (what they define is unknown)
    unparsed: dict[str, set[str]] = field(default_factory=dict)

    def items(self, kind: str) -> Iterator[tuple[Source, dict]]:
        for source in self.sources.get(kind, []):
            if isinstance(source.data, dict):
                yield source, source.data

    # -- convenient views -------------------------------------------------------------
    @property
    def organisations(self) -> dict[str, dict]:
        return {o["id"]: o for _, d in self.items("organisations") for o in d.get("organisations", []) if "id" in o}

    @property
    def responsibilities(self) -> list[dict]:
        return [r for _, d in self.items("responsibilities") for r in d.get("responsibilities", [])]

    @property
    def procedures(self) -> dict[str, dict]:
        return {d["id"]: d for _, d in self.items("procedures") if "id" in d}

    @property
    def campaigns(self) -> dict[str, dict]:
        return {d["id"]: d for _, d in self.items("campaigns") if "id" in d}

    @property
    def criteria(self) -> dict[str, dict]:
        return {d["id"]: d for _, d in self.items("criteria") if "id" in d}

    @property
    def figures(self) -> dict[str, dict]:
        return {d["id"]: d for _, d in self.items("figures") if "id" in d}

    @property
    def office(self) -> dict | None:
        """content/office.yaml as read, or None when there is none."""
        found = [d for _, d in self.items("office")]
        return found[0] if found else None

    def clause(self, ref: str) -> Clause | None:
        return self.clauses.get(ref)

    def document_text(self, doc_id: str) -> str:
        return "".join(c.full_text for c in self.roots.get(doc_id, []))


def load(project: Project) -> Content:
    """Read every content file; syntax and encoding problems become findings."""
    content = Content(project)
    root = project.content
    for folder in KINDS:
        content.sources[folder] = []
        for path in sorted((root / folder).glob("*.yaml")) if (root / folder).is_dir() else []:
            try:
                content.sources[folder].append(load_yaml(path, project.display(path)))
            except SourceError as exc:
                content.findings.append(exc.finding)
                content.unparsed.setdefault(folder, set()).add(path.stem)
    content.sources["office"] = []
    if (root / OFFICE_FILE).is_file():
        try:
            content.sources["office"].append(load_yaml(root / OFFICE_FILE, project.display(root / OFFICE_FILE)))
        except SourceError as exc:
            content.findings.append(exc.finding)
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if rel.parts == (OFFICE_FILE,):
                continue
            if path.is_file() and not (len(rel.parts) == 2 and rel.parts[0] in KINDS and path.suffix == ".yaml"):
                if path.name.startswith(".") or path.suffix in (".md",):
                    continue
                content.findings.append(
                    Finding("unknown-file", {"file": project.display(path)}, file=project.display(path), line=1, col=1)
                )
    for source, doc in content.items("documents"):
        if "id" in doc:
            content.documents.setdefault(doc["id"], doc)
            _index_clauses(content, source, doc)
    return content


def _index_clauses(content: Content, source: Source, doc: dict) -> None:
    doc_id = doc["id"]
    if doc_id in content.roots:
        return

    def build(items: Any, parent: Clause | None, depth: int, path: tuple) -> list[Clause]:
        out = []
        for i, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                continue
            clause = Clause(doc_id, item["id"], item, parent, depth, path + (i,))
            content.clauses.setdefault(clause.ref, clause)
            clause.children = build(item.get("children"), clause, depth + 1, path + (i, "children"))
            out.append(clause)
        return out

    content.roots[doc_id] = build(doc.get("clauses"), None, 0, ("clauses",))
