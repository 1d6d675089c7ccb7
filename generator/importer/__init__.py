"""`yaojian import`: a new document (.docx or .txt) as a draft content/documents/ID.yaml.

`import_document(...)` reads the file (`textsource` / `docxsource`, chosen by content),
drops page furniture and joins page-break splits (`furniture`), builds the clause tree
(`tree`, `numbering`), guesses the metadata (`metadata`), writes the draft with its
guesses marked (`yamlwriter`), optionally a form definition start (`formdraft`), runs the
project check over the draft and returns an `ImportResult` that `report` renders.
Nothing is printed here; bad input raises `ImportFailure` with a Chinese message.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.importer.blocks import ImportFailure, Source
from generator.project import Project

__all__ = ["ImportFailure", "ImportResult", "import_document", "read_source"]

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_INPUT = 20 * 1024 * 1024


@dataclass
class ImportResult:
    source: Source
    doc_id: str
    id_why: str
    path: Path
    shown_path: str
    text: str
    meta: object
    notes: object
    clauses: list = field(default_factory=list)
    joins: list = field(default_factory=list)
    dropped: list = field(default_factory=list)
    roles: list = field(default_factory=list)
    check_lines: list[str] = field(default_factory=list)
    check_summary: str = ""
    check_errors: int = 0
    check_warnings: int = 0
    check_scope: str = ""
    form_draft: str = ""
    form_table: str = ""
    tree: list = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when the draft checks clean, 1 when it was written with problems."""
        return 1 if self.check_errors else 0


def read_source(path: Path) -> Source:
    """The file's blocks; the format is decided by its bytes, not its name."""
    name = path.name
    if not path.exists():
        raise ImportFailure(f"找不到文件 {path}。请检查路径是否正确。")
    if path.is_dir():
        raise ImportFailure(f"{path} 是一个目录，不是文件。请指定要导入的 .docx 或 .txt 文件。")
    try:
        size = path.stat().st_size
        if size > MAX_INPUT:
            raise ImportFailure(f"{name} 超过 20 MB，不像是一份文件的正文，未导入。")
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailure(f"无法读取 {path}：{exc.strerror or exc}。请检查文件是否存在、是否有读取权限。") from None
    if not data:
        raise ImportFailure(f"{name} 是空文件（0 字节），无法导入。请检查是否选错了文件。")
    if data.startswith(OLE):
        raise ImportFailure(
            f"{name} 是旧版 Word（.doc）、WPS 文字（.wps）或设置了打开密码的文件，无法直接导入。"
            "请在 Word 或 WPS 中打开，（如有密码先取消密码）“另存为” Word 文档（.docx）后再导入。"
        )
    if data.startswith(b"%PDF"):
        raise ImportFailure(
            f"{name} 是 PDF 文件，无法直接导入。请在 Word 或 WPS 中打开并另存为 .docx，"
            "或把其中的文字复制出来存为 UTF-8 编码的 .txt 后再导入。"
        )
    if data.startswith(b"{\\rtf"):
        raise ImportFailure(f"{name} 是 RTF 文件。请在 Word 或 WPS 中打开并另存为 .docx 后再导入。")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        from generator.importer.docxsource import read_docx

        return read_docx(data, name)
    from generator.importer.textsource import read_text

    if name.lower().endswith((".docx", ".doc", ".wps")):
        raise ImportFailure(f"{name} 的扩展名是 Word 文件，但内容不是 Word 文件（可能已损坏或只改了扩展名），无法导入。")
    return read_text(data, name)


def _guess_id(meta, path: Path, existing: set[str]) -> tuple[str, str]:
    stem = path.stem.lower()
    if ID_PATTERN.match(stem) and re.search(r"[a-z]", stem) and stem not in existing:
        return stem, "取自文件名"
    number = meta.fields.get("doc_number")
    date = meta.fields.get("date")
    m = re.search(r"(\d{4})\D+(\d+)\s*号", str(number.value)) if number else None
    if m:
        base, why = f"doc-{m.group(1)}-{m.group(2)}", "由文号的年份和序号生成"
    elif date:
        base, why = f"doc-{str(date.value)[:4]}", "由日期的年份生成"
    else:
        base, why = "doc", "无法推测，暂用 doc"
    name, k = base, 2
    while name in existing:
        name, k = f"{base}-{k}", k + 1
    return name, why + "；建议改为“地名拼音-年份”的形式，如 dongying-2017-61（可用 --id 指定）"


def _organisations(project: Project) -> tuple[dict[str, str], set[str]]:
    """Organisation names and aliases → id, and the ids of the documents already there."""
    import yaml

    names: dict[str, str] = {}
    for path in sorted((project.content / "organisations").glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        for org in data.get("organisations", []) if isinstance(data, dict) else []:
            if not isinstance(org, dict) or not isinstance(org.get("id"), str):
                continue
            for name in [org.get("name"), org.get("short_name"), *(org.get("aliases") or [])]:
                if isinstance(name, str) and len(name) >= 4:
                    names.setdefault(name, org["id"])
    docs = {p.stem for p in (project.content / "documents").glob("*.yaml")}
    return names, docs


def import_document(path, project: Project, *, doc_id: str | None = None, out=None, force: bool = False,
                    form_draft=None, today: str | None = None) -> ImportResult:
    from generator.importer import formdraft, furniture, ids, metadata, reflow, tree, yamlwriter

    path = Path(path)
    if doc_id is not None and not ID_PATTERN.match(doc_id):
        raise ImportFailure(f"编号“{doc_id}”不合规：只能用小写英文字母、数字和连字符，如 dongying-2017-61。")
    out_path = Path(out) if out else None
    if out_path is not None and doc_id is None and ID_PATTERN.match(out_path.stem):
        doc_id = out_path.stem
    today = today or _dt.date.today().isoformat()

    source = read_source(path)
    blocks, dropped = furniture.drop_furniture(reflow.reflow(source.blocks))
    blocks, joins = furniture.join_splits(blocks)
    if not blocks:
        raise ImportFailure(f"{path.name} 去掉页码等版面内容后没有正文，无法导入。")
    top, notes = tree.build(blocks)
    ids.assign_ids(top)
    orgs, existing = _organisations(project)
    meta = metadata.guess(top, article=notes.article, orgs=orgs)
    id_why = ""
    if doc_id is None:
        doc_id, id_why = _guess_id(meta, path, existing)
    if out_path is None:
        out_path = project.content / "documents" / f"{doc_id}.yaml"
    form_path = Path(form_draft) if form_draft else None
    for target in (out_path, form_path):
        if target is not None and target.exists() and not force:
            raise ImportFailure(f"{project.display(target)} 已存在，未覆盖。确认要覆盖请加 --force，或用 --out 指定另一个文件。")
        if target is not None and target.is_dir():
            raise ImportFailure(f"{project.display(target)} 是一个目录；请指定要写入的文件名（.yaml）。")

    furniture_lines = list(dict.fromkeys(d.text for d in dropped))
    note = ""
    if joins:
        note = f"导入时合并了 {len(joins)} 处分页断句。"
    text = yamlwriter.render(doc_id, id_why, meta, top, source_file=path.name, furniture=furniture_lines,
                             source_note=note, origin=path.name, today=today)

    form_text, form_table = "", ""
    if form_path is not None:
        grids, form_title = formdraft.find_grids(top)
        if not grids:
            notes.warnings.append("文件中没有找到统计表（带“合计”列的表格），未生成报表定义草稿。")
            form_path = None
        else:
            form_id = form_path.stem if ID_PATTERN.match(form_path.stem) else f"{doc_id}-form"
            form_text = formdraft.draft(grids, title=form_title, doc_id=doc_id, form_id=form_id, today=today)
            form_table = "、".join(node.text or node.id for node, _row in grids)

    _write(out_path, text)
    if form_path is not None:
        _write(form_path, form_text)

    result = ImportResult(
        source=source, doc_id=doc_id, id_why=id_why, path=out_path, shown_path=project.display(out_path),
        text=text, meta=meta, notes=notes, joins=joins, dropped=dropped, roles=notes.roles, tree=top,
        clauses=[n for t in top for n in t.walk()],
        form_draft=project.display(form_path) if form_path else "", form_table=form_table,
    )
    _check(project, result)
    return result


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".import-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise ImportFailure(f"无法写入 {path}：{exc.strerror or exc}。请检查目录是否存在、是否有写入权限。") from None


def _check(project: Project, result: ImportResult) -> None:
    """`yaojian check` over the project with the draft in content/documents/."""
    from generator.project_check import check_project, format_finding

    docs = (project.content / "documents").resolve()
    if result.path.resolve().parent == docs:
        checked = check_project(project)
        rename = None
    else:
        with tempfile.TemporaryDirectory(prefix="yaojian-import-") as tmp:
            overlay = Project(Path(tmp))
            for name in ("content", "forms", "schemas"):
                if (project.root / name).is_dir():
                    shutil.copytree(project.root / name, overlay.root / name)
            (overlay.content / "documents").mkdir(parents=True, exist_ok=True)
            name = result.path.name if result.path.suffix == ".yaml" else result.path.stem + ".yaml"
            (overlay.content / "documents" / name).write_text(result.text, encoding="utf-8")
            checked = check_project(overlay)
            rename = (f"content/documents/{name}", result.shown_path)
        result.check_scope = "草稿不在本项目的 content/documents/ 中，以下是把它放进去后 yaojian check 的结果"
    lines = []
    for finding in checked.findings:
        line = format_finding(finding)
        if rename and line.startswith(rename[0] + ":"):
            line = rename[1] + line[len(rename[0]):]
        lines.append(line)
    result.check_lines = lines
    result.check_errors = checked.errors
    result.check_warnings = checked.warnings
    result.check_summary = f"检查了 {checked.files} 个文件：{checked.errors} 个错误，{checked.warnings} 个警告。"
