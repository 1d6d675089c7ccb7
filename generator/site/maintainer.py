"""维护说明: what the maintainer needs and a clerk never has to read — where each document's
text came from, the form definitions and their machine-readable structure, the commands, and
the codes of the content checks.  Kept off the clerk pages (报表, 错误代码, the documents)."""

from __future__ import annotations

from generator.site import errors
from generator.site.context import DOCUMENT_PAGE, SiteContext
from generator.site.md import esc, heading, table
from generator.site.page import Page

PAGE = "errors/maintainer.md"
DOWNLOAD = "downloads/{form}.xlsx"
SCHEMA = "schemas/forms/{form}.schema.json"


def pages(ctx: SiteContext) -> list[Page]:
    return [Page(PAGE, "维护说明", page(ctx), "errors", order=90, search_exclude=True)]


def page(ctx: SiteContext) -> str:
    from generator.findings import areas

    parts = [
        "# 维护说明\n",
        "本页供维护人员使用：网站由 `content/`（文件、机构、职责、流程、行动安排、认定标准）和 `forms/`"
        "（报表定义）中的 YAML 生成。改动后运行 `yaojian check` 检查，再运行 `yaojian build` 重新生成网站。"
        "报表的校验命令是 `yaojian validate 文件.xlsx --previous 上次报送.xlsx`；网上报送服务是 `yaojian serve`。\n",
        heading(2, "来源文件", "sources"),
    ]
    rows = []
    for doc_id, doc in sorted(ctx.content.documents.items()):
        source = doc.get("source") or {}
        rows.append([f"[{esc(ctx.doc_title(doc_id))}](/{DOCUMENT_PAGE.format(doc=doc_id)})", f"`{doc_id}`",
                     f"`{source.get('file', '')}`" if source.get("file") else "", esc(source.get("note", ""))])
    parts.append(table(["文件", "编号", "来源文本", "说明"], rows))
    forms = ctx.forms()
    if forms:
        parts.append(heading(2, "报表定义", "forms"))
        parts.append("每张报表由 `forms/` 中的一份 YAML 定义生成：空白报表、校验规则、报表页和报回文件的结构"
                     "（JSON Schema，供其他程序读取）。\n")
        parts.append(table(["报表", "表单编号", "定义文件", "模板版本", "空白报表", "JSON Schema"], [[
            ctx.form_link(fid), f"`{fid}`", f"`forms/{fid}.yaml`", esc(getattr(f, "version", "") or ""),
            f"[{fid}.xlsx](/{DOWNLOAD.format(form=fid)})", f"[{fid}.schema.json](/{SCHEMA.format(form=fid)})",
        ] for fid, f in sorted(forms.items())]))
    for area in areas():
        if area.id in errors.MAINTAINER_AREAS:
            parts.append(heading(2, "内容检查的错误代码", "check-codes"))
            parts.append("`yaojian check` 的每条信息形如 `content/…/x.yaml:行:列: 错误：… [代码]`。\n")
            parts.append(errors.area_section(area, level=3))
    return "\n".join(parts)
