"""The Chinese review report printed after an import: what to check, and the check's verdict."""

from __future__ import annotations


def _where(unit: str, where: int) -> str:
    return f"第 {where} {unit}"


def render(result) -> str:
    src = result.source
    unit = src.unit
    out = [f"导入报告：{src.name} → {result.shown_path}"]
    out.append(f"读取：{'Word 文件' if src.encoding == 'Word' else f'文本文件（{src.encoding} 编码）'}，"
               f"共 {len(result.clauses)} 个条款（其中有编号的 {result.notes.numbered} 个），表格 {result.notes.tables} 个。")
    for note in src.notes:
        out.append(f"  {note}")

    out.append("")
    out.append("一、推测的文件信息（草稿中标有“待核对”，请逐项核对后删去注释）")
    labels = {"title": "标题", "kind": "类别", "doc_number": "文号", "place": "地域", "issuers": "发文机关",
              "authors": "发文单位", "author": "作者", "publisher": "来源媒体", "date": "日期"}
    out.append(f"  编号：{result.doc_id}（{result.id_why or '由 --id 指定'}）")
    for key, label in labels.items():
        g = result.meta.fields.get(key)
        if g is not None:
            value = "、".join(g.value) if isinstance(g.value, list) else g.value
            out.append(f"  {label}：{value}（{g.why}）")
    for problem in result.meta.missing:
        out.append(f"  待补：{problem}。")
    if result.roles:
        out.append("  按版式认定的部分：")
        for node in result.roles:
            shown = " ".join(x for x in (node.num, node.title, node.text) if x)
            if not shown and node.children:
                shown = f"{node.children[0].text or node.children[0].title or ''}（共 {len(node.children)} 项）"
            out.append(f"    {_where(unit, node.where)}：【{node.role}】{_cut(shown)}")

    joins = result.joins
    _section(out, f"二、合并的分页断句（{len(joins)} 处，请对照原文逐处核对“｜”两边是否本属一句）",
             [f"{_where(unit, j.where)}{'（分页处）' if j.page_break else ''}：{j.show()}" for j in joins])
    dropped = result.dropped
    _section(out, f"三、删去的版面内容（{len(dropped)} 处；已记入 source.furniture）",
             [f"{_where(unit, d.where)}：{d.text}（{d.why}）" for d in dropped])
    splits, enums = result.notes.splits, result.notes.enumerations
    _section(out, f"四、从同一行拆出的标题与列举（{len(splits) + len(enums)} 处，请核对分界）",
             [f"{_where(unit, s.where)}：{s.num}【{s.title}】{_cut(s.text, 16)}" for s in splits]
             + [f"{_where(unit, where)}：段内的“一是……”等 {n} 项拆为子条款" for where, n in enums])
    skips = result.notes.skips
    _section(out, f"五、编号不连续（{len(skips)} 处，可能漏录、多录或原文如此）",
             [f"{_where(unit, s.where)}：此处应为“{s.expected}”，原文为“{s.found}”" for s in skips])

    if result.notes.warnings or result.form_draft:
        out.append("")
        out.append("六、其他")
        for w in result.notes.warnings:
            out.append(f"  警告：{w}")
        if result.form_draft:
            out.append(f"  报表定义草稿：{result.form_draft}（由表格“{result.form_table}”生成；请按其文件头的待办补全）")

    out.append("")
    out.append("yaojian check 的结果：")
    if result.check_scope:
        out.append(f"  （{result.check_scope}）")
    for line in result.check_lines:
        out.append(f"  {line}")
    out.append(f"  {result.check_summary}")
    if result.check_errors:
        out.append(f"草稿已写出，但有 {result.check_errors} 个错误：请按上面的“路径:行:列”逐条改正，再运行 yaojian check。")
    else:
        out.append("草稿已写出，检查通过。请按本报告核对推测的内容，再从中提取职责、流程与期限。")
    return "\n".join(out)


def _section(out: list[str], heading: str, items: list[str]) -> None:
    out.append("")
    out.append(heading)
    if items:
        out.extend(f"  {item}" for item in items)
    else:
        out.append("  无。")


def _cut(text: str, width: int = 30) -> str:
    text = text or ""
    return text if len(text) <= width else text[:width] + "……"
