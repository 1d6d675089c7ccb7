"""`yaojian import`: a new document from .txt or .docx becomes a checked draft.

Each of the four seeds, imported from its plain text and from a Word file made from it
(real automatic numbering, page numbers and page breaks across split sentences), gives
the clause tree that content/documents/ holds: same shape, roles, numbers, titles and
text (white space aside); only the ids may differ, and the comparison maps them.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import REPO, SEEDS, run_cli
from docx_seed import seed_docx, wrapped_text
from generator.content import squash
from generator.importer import ImportFailure, import_document
from generator.project import Project

# seed file, document, a sentence end where the seed has a page-break split
SEED_DOCS = [
    ("000_bc7b3ba4e6289f70.txt", "dongying-2017-61", "涉"),
    ("001_eeadae7a14f91387.txt", "yongchuan-2022", "2022年11月"),
    ("003_7c70a2f6015e536f.txt", "guangxi-2024", None),
    ("004_ce0031d830ddfeca.txt", "wulateqianqi-2022", "强大震"),
]
KEYS = ("role", "num", "title", "subtitle", "text")


def flatten(clauses: list, depth: int = 0, out: list | None = None) -> list[tuple]:
    """(depth, id, {key: text without white space}) for every clause, in order."""
    out = [] if out is None else out
    for c in clauses:
        out.append((depth, c["id"], {k: squash(str(c[k])) for k in KEYS if k in c}))
        flatten(c.get("children", []), depth + 1, out)
    return out


def assert_same_tree(draft: dict, doc_id: str) -> dict[str, str]:
    """The draft's clause tree equals the document's; returns their id → our id."""
    theirs = flatten(yaml.safe_load((REPO / "content" / "documents" / f"{doc_id}.yaml").read_text("utf-8"))["clauses"])
    ours = flatten(draft["clauses"])
    for k, (a, b) in enumerate(zip(theirs, ours)):
        assert (a[0], a[2]) == (b[0], b[2]), f"clause {k}: {doc_id} has {a[1]} {a[2]}, the draft {b[1]} {b[2]}"
    assert len(theirs) == len(ours), f"{doc_id}: {len(theirs)} clauses, the draft {len(ours)}"
    mapping = {a[1]: b[1] for a, b in zip(theirs, ours)}
    assert len(set(mapping.values())) == len(mapping), "every clause of the draft has an id of its own"
    return mapping


@pytest.fixture
def project(project_copy) -> Project:
    return Project(project_copy)


def _load(result) -> dict:
    return yaml.safe_load(Path(result.path).read_text(encoding="utf-8"))


@pytest.mark.parametrize("seed, doc_id, split", SEED_DOCS)
def test_seed_text_imports_to_the_documents_clause_tree(project, seed, doc_id, split):
    result = import_document(SEEDS / seed, project, doc_id=f"draft-{doc_id}", today="2026-12-06")
    draft = _load(result)
    assert_same_tree(draft, doc_id)
    assert result.exit_code == 0, result.check_lines
    assert result.check_summary.endswith("0 个错误，0 个警告。")
    assert draft["source"]["file"] == seed
    if split:
        assert any(j.left.endswith(split) for j in result.joins), "the page-break split is listed for review"


@pytest.mark.parametrize("seed, doc_id, split", SEED_DOCS)
def test_text_copied_from_a_pdf_gives_the_same_tree(project, tmp_path, seed, doc_id, split):
    """Hard-wrapped lines, no blank lines, indented paragraph starts: the same tree."""
    path = tmp_path / "copied.txt"
    path.write_text(wrapped_text(SEEDS / seed), encoding="utf-8")
    assert "\n\n" not in path.read_text(encoding="utf-8").strip()
    result = import_document(path, project, doc_id=f"pdf-{doc_id}")
    assert_same_tree(_load(result), doc_id)


def test_pdf_text_without_indents_is_split_at_short_lines(project, tmp_path):
    path = tmp_path / "copied.txt"
    path.write_text(wrapped_text(SEEDS / "000_bc7b3ba4e6289f70.txt", indent=False), encoding="utf-8")
    assert_same_tree(_load(import_document(path, project, doc_id="pdf-plain")), "dongying-2017-61")


def test_metadata_is_guessed_and_marked_for_review(project):
    result = import_document(SEEDS / "000_bc7b3ba4e6289f70.txt", project, doc_id="dy-draft")
    draft = _load(result)
    doc = yaml.safe_load((REPO / "content/documents/dongying-2017-61.yaml").read_text("utf-8"))
    for key in ("title", "kind", "doc_number", "place", "issuers", "authors", "date"):
        assert draft[key] == doc[key], key
    lines = result.text.splitlines()
    for key in ("title", "kind", "doc_number", "place", "issuers", "authors", "date"):
        line = next(x for x in lines if x.startswith(f"{key}:"))
        assert "# 待核对：" in line, line
    article = _load(import_document(SEEDS / "003_7c70a2f6015e536f.txt", project, doc_id="gx-draft"))
    gx = yaml.safe_load((REPO / "content/documents/guangxi-2024.yaml").read_text("utf-8"))
    for key in ("title", "kind", "place", "issuers", "author", "publisher", "date"):
        assert article[key] == gx[key], key
    assert set(article["source"]["furniture"]) == set(gx["source"]["furniture"])


@pytest.mark.parametrize("number, date_line, date", [
    ("某政办发〔2022〕5号", "2022年5月6日", "2022-05-06"),
    ("某政办发[2022]5号", "2022-05-06", "2022-05-06"),
    ("某政办发(2022)5号", "2022年12月1日", "2022-12-01"),
])
def test_document_number_and_date_variants(project, tmp_path, number, date_line, date):
    text = (f"某县人民政府办公室文件\n\n{number}\n\n某县人民政府办公室关于印发某县药品安全工作方案的通知\n\n各乡镇：\n\n"
            f"现将《某县药品安全工作方案》印发给你们，请认真执行。\n\n某县人民政府办公室\n\n{date_line}\n\n"
            "某县药品安全工作方案\n\n一、工作目标\n\n确保药品安全。\n")
    result = _import_text(project, tmp_path, text)
    draft = _load(result)
    assert (draft["doc_number"], draft["date"], draft["kind"], draft["place"]) == (number, date, "方案", "某县")
    assert draft["title"] == "某县药品安全工作方案"
    roles = [c.get("role") for _d, _i, c in _raw(draft["clauses"]) if c.get("role")]
    assert roles == ["版头", "发文字号", "通知", "主送", "落款", "成文日期", "正文"]
    if "〔" not in number:
        assert "原文年份用的不是六角括号〔〕" in result.meta.fields["doc_number"].why


def test_tables_are_kept_verbatim_under_their_clause(project):
    result = import_document(SEEDS / "001_eeadae7a14f91387.txt", project, doc_id="yc-draft")
    tables = [n for t in result.tree for n in t.walk() if n.rows]
    assert [t.text for t in tables] == ["表 1. 大案要案办理情况（一案一表）", "表 2. 药品案件查办情况",
                                        "表 3. 医疗器械案件查办情况", "表 4. 化妆品案件查办情况"]
    seed_rows = [line.split("\t") for line in (SEEDS / "001_eeadae7a14f91387.txt").read_text("utf-8").split("\n")
                 if "\t" in line]
    drafted = [row for t in _load(result)["clauses"] if t["id"] == "a1" for c in t["children"] for row in c.get("rows", [])]
    assert drafted == [[cell.strip() for cell in row] for row in seed_rows]


@pytest.mark.parametrize("seed, doc_id, split", SEED_DOCS)
def test_a_word_file_of_each_seed_gives_the_same_tree(project, tmp_path, seed, doc_id, split):
    docx_path = seed_docx(SEEDS / seed, tmp_path / f"{doc_id}.docx", splits=(split,) if split else ())
    with zipfile.ZipFile(docx_path) as z:
        body = z.read("word/document.xml").decode("utf-8")
    from docx import Document

    texts = [p.text for p in Document(docx_path).paragraphs]
    if doc_id != "guangxi-2024":
        assert body.count("<w:numPr>") >= 10, "the clause numbers are Word's automatic numbering"
        assert not any(re.match(r"^[一二三四五六]、", t) for t in texts), "no number is typed into the text"
    result = import_document(docx_path, project, doc_id=f"word-{doc_id}")
    assert_same_tree(_load(result), doc_id)
    assert result.exit_code == 0, result.check_lines
    if split:
        join = next(j for j in result.joins if j.left.endswith(split))
        assert join.page_break, "the join is across the Word file's page break"
        assert any(d.text == "— 1 —" and d.why == "页码" for d in result.dropped)


def test_word_table_rows_match_the_text_rows(project, tmp_path):
    docx_path = seed_docx(SEEDS / "001_eeadae7a14f91387.txt", tmp_path / "yc.docx")
    from_word = import_document(docx_path, project, doc_id="yc-word")
    from_text = import_document(SEEDS / "001_eeadae7a14f91387.txt", project, doc_id="yc-text")

    def rows(result):
        out = []
        for node in (n for t in result.tree for n in t.walk() if n.rows):
            for row in node.rows:
                while row and not row[-1]:
                    row = row[:-1]
                out.append(row)
        return out

    assert rows(from_word) == rows(from_text)


# -- the command, as the maintainer runs it ---------------------------------------------

def test_import_then_check_as_the_maintainer_would(project_copy):
    result = run_cli("import", str(SEEDS / "004_ce0031d830ddfeca.txt"), "--id", "wq-draft", cwd=project_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    report = result.stdout
    draft = project_copy / "content/documents/wq-draft.yaml"
    assert draft.is_file()
    assert report.startswith("导入报告：004_ce0031d830ddfeca.txt → content/documents/wq-draft.yaml")
    for heading in ("推测的文件信息", "合并的分页断句", "删去的版面内容", "从同一行拆出的标题与列举", "编号不连续", "yaojian check 的结果"):
        assert heading in report
    assert "……法犯罪的高压态势和强大震｜慑，坚持效果导向" in report
    assert "（一）【动员部署阶段（2022年3月10日至2022年4月15日）】" in report
    check = run_cli("check", cwd=project_copy)
    assert check.returncode == 0
    assert check.stderr.strip() in report, "the report quotes the check's verdict word for word"
    assert "Traceback" not in result.stderr


def test_a_draft_with_problems_exits_1_and_shows_the_checks_lines(project_copy, tmp_path):
    src = tmp_path / "新方案.txt"
    src.write_text("某县药品安全工作方案\n\n一、工作目标\n\n做好药品安全工作。\n\n二、工作措施\n\n加强检查。\n", encoding="utf-8")
    result = run_cli("import", str(src), "--id", "new-plan", cwd=project_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    check = run_cli("check", cwd=project_copy)
    assert check.returncode == 1
    problems = [line for line in check.stdout.splitlines() if line.startswith("content/documents/new-plan.yaml:")]
    assert problems and any("date" in p for p in problems)
    for line in problems:
        assert re.match(r"^content/documents/new-plan\.yaml:\d+:\d+: ", line)
        assert line in result.stdout
    assert "待补：没有找到成文日期或印发日期" in result.stdout


def test_nothing_is_written_over_an_existing_file_without_force(project_copy):
    seed = str(SEEDS / "000_bc7b3ba4e6289f70.txt")
    target = project_copy / "content/documents/dy-draft.yaml"
    assert run_cli("import", seed, "--id", "dy-draft", cwd=project_copy).returncode == 0
    target.write_text("# 已经人工改过\n" + target.read_text("utf-8"), encoding="utf-8")
    before = target.read_bytes()
    again = run_cli("import", seed, "--id", "dy-draft", cwd=project_copy)
    assert again.returncode == 2
    assert "已存在，未覆盖" in again.stderr and "--force" in again.stderr
    assert target.read_bytes() == before
    forced = run_cli("import", seed, "--id", "dy-draft", "--force", cwd=project_copy)
    assert forced.returncode == 0
    assert target.read_bytes() != before


def test_out_elsewhere_is_checked_as_if_in_place(project_copy, tmp_path):
    out = tmp_path / "drafts" / "gx-draft.yaml"
    result = run_cli("import", str(SEEDS / "003_7c70a2f6015e536f.txt"), "--out", str(out), cwd=project_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.is_file() and not (project_copy / "content/documents/gx-draft.yaml").exists()
    assert yaml.safe_load(out.read_text("utf-8"))["id"] == "gx-draft"
    assert "放进去后 yaojian check 的结果" in result.stdout


def test_form_draft_from_a_statistics_grid(project_copy):
    result = run_cli("import", str(SEEDS / "001_eeadae7a14f91387.txt"), "--id", "yc-draft",
                     "--form-draft", "forms/yc-draft-monthly.yaml", cwd=project_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    form = yaml.safe_load((project_copy / "forms/yc-draft-monthly.yaml").read_text("utf-8"))
    assert form["title"] == "药品安全专项整治行动工作月度进展"
    assert [t["title"] for t in form["tables"]] == ["表 2. 药品案件查办情况", "表 3. 医疗器械案件查办情况", "表 4. 化妆品案件查办情况"]
    assert [c["label"] for c in form["tables"][2]["columns"]] == ["研制生产", "经营使用"]
    table = form["tables"][0]
    assert [c["label"] for c in table["columns"]] == ["研制", "生产", "经营", "使用"]
    assert table["total"]["label"] == "合计"
    assert [g.get("label") for g in table["groups"]][:3] == ["案件来源", "涉案货值", "处罚情况"]
    assert table["groups"][0]["rows"][1] == {"id": "r2", "label": "现场检查（件）", "kind": "count", "unit": "件"}
    assert form["source"] == "yc-draft#a1-t2"
    assert "报表定义草稿：forms/yc-draft-monthly.yaml（由表格“表 2. 药品案件查办情况、表 3." in result.stdout
    assert run_cli("check", cwd=project_copy).returncode == 0, "the form draft passes the project check"


# -- numbering, furniture, splits ------------------------------------------------------

def _import_text(project, tmp_path, text: str, name="doc.txt", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return import_document(path, project, doc_id="t-doc")


def test_all_numbering_levels_run_in_headings_and_skips(project, tmp_path):
    text = (
        "某区药品安全工作方案\n\n"
        "一、总体要求\n\n按照要求开展工作。\n\n"
        "（一）工作目标。确保药品安全。\n\n"
        "1．检查重点\n\n"
        "(1)日常检查(2022年3月1日至2022年4月30日)对全部企业开展检查。\n\n"
        "（2）专项检查：对重点企业开展检查。\n\n"
        "2.抽检安排\n\n"
        "(二)工作措施\n\n一是加强领导。成立工作小组。\n\n二是强化宣传。开展宣传活动。\n\n"
        "三、保障措施\n\n"
        "加强经费保障。\n"
    )
    result = _import_text(project, tmp_path, text)
    draft = _load(result)
    flat = [(d, c.get("num"), c.get("title"), c.get("text")) for d, _id, c in
            [(d, i, {k: v for k, v in x.items()}) for d, i, x in _raw(draft["clauses"])]]
    assert (0, "一、", "总体要求", None) in flat
    assert (1, "（一）", "工作目标。", "确保药品安全。") in flat
    assert (2, "1．", "检查重点", None) in flat
    assert (3, "(1)", "日常检查(2022年3月1日至2022年4月30日)", "对全部企业开展检查。") in flat
    assert (3, "（2）", None, "专项检查：对重点企业开展检查。") in flat
    assert (2, "2.", "抽检安排", None) in flat
    assert (1, "(二)", "工作措施", None) in flat
    assert (2, "一是", None, "加强领导。成立工作小组。") in flat
    assert (0, "三、", "保障措施", None) in flat
    assert [(s.expected, s.found) for s in result.notes.skips] == [("二、", "三、")]
    from generator.importer.report import render

    assert "此处应为“二、”，原文为“三、”" in render(result)


def _raw(clauses, depth=0, out=None):
    out = [] if out is None else out
    for c in clauses:
        out.append((depth, c["id"], c))
        _raw(c.get("children", []), depth + 1, out)
    return out


def test_an_enumeration_inside_a_paragraph_becomes_its_items(project, tmp_path):
    text = "某县药品安全工作方案\n\n一、工作措施\n\n各单位要做好三项工作：一是加强领导；二是强化宣传；三是严格考核。\n"
    result = _import_text(project, tmp_path, text)
    draft = _load(result)
    flat = [(d, c.get("num"), c.get("text")) for d, _i, c in _raw(draft["clauses"])]
    assert flat[-4:] == [(1, None, "各单位要做好三项工作："), (2, "一是", "加强领导；"), (2, "二是", "强化宣传；"),
                         (2, "三是", "严格考核。")]
    from generator.importer.report import render

    assert "段内的“一是……”等 3 项拆为子条款" in render(result)


def test_articles_are_clauses(project, tmp_path):
    text = "药品安全管理办法\n\n第一章 总则\n\n第一条 为了加强药品安全管理，制定本办法。\n\n第二条 本办法适用于本区。\n\n第二章 附则\n\n第三条 本办法自印发之日起施行。\n"
    draft = _load(_import_text(project, tmp_path, text))
    flat = [(d, c.get("num"), c.get("title"), c.get("text")) for d, _i, c in _raw(draft["clauses"])]
    assert (0, "第一章", "总则", None) in flat
    assert (1, "第一条", None, "为了加强药品安全管理，制定本办法。") in flat
    assert (1, "第三条", None, "本办法自印发之日起施行。") in flat
    assert draft["kind"] == "办法"


def test_page_furniture_is_dropped_and_splits_joined(project, tmp_path):
    text = (
        "某县药品安全工作方案\n\n某县药品安全办公室\n\n一、工作目标\n\n对涉案货值较大、涉\n\n— 2 —\n\n某县药品安全办公室\n\n"
        "案价值巨大的案件从严查处。\n\n- 3 -\n\n某县药品安全办公室\n\n二、工作要求\n\n第 4 页\n\n按时报送。\n"
    )
    result = _import_text(project, tmp_path, text)
    assert [(d.text, d.why) for d in result.dropped] == [
        ("某县药品安全办公室", "页眉（每页重复）"), ("— 2 —", "页码"), ("某县药品安全办公室", "页眉（每页重复）"),
        ("- 3 -", "页码"), ("某县药品安全办公室", "页眉（每页重复）"), ("第 4 页", "页码"),
    ]
    assert [(j.left[-2:], j.right[:3], j.page_break) for j in result.joins] == [("、涉", "案价值", True)]
    draft = _load(result)
    texts = [c.get("text") for _d, _i, c in _raw(draft["clauses"])]
    assert "对涉案货值较大、涉案价值巨大的案件从严查处。" in texts
    assert draft["source"]["furniture"] == ["某县药品安全办公室", "— 2 —", "- 3 -", "第 4 页"]


def test_no_numbering_at_all_gives_paragraphs_and_a_warning(project_copy, tmp_path):
    src = tmp_path / "通知.txt"
    src.write_text("关于做好药品安全工作的通知\n\n各单位要做好药品安全工作。\n\n请按时报送。\n\n某县市场监督管理局\n\n2023年1月5日\n",
                   encoding="utf-8")
    result = run_cli("import", str(src), "--id", "plain", cwd=project_copy)
    assert "没有找到任何条款编号" in result.stdout
    draft = yaml.safe_load((project_copy / "content/documents/plain.yaml").read_text("utf-8"))
    texts = [c.get("text") for _d, _i, c in _raw(draft["clauses"])]
    assert "各单位要做好药品安全工作。" in texts and "请按时报送。" in texts
    assert draft["date"] == "2023-01-05" and draft["kind"] == "通知"
    assert result.returncode == 0, "a warning, as validate's warnings, does not fail the import"
    assert "Traceback" not in result.stderr


def test_gb18030_text_is_read(project, tmp_path):
    text = "某县药品安全工作方案\n\n一、工作目标\n\n确保药品安全。\n"
    result = _import_text(project, tmp_path, text, name="gbk.txt", encoding="gb18030")
    assert result.source.encoding == "GB18030"
    assert _load(result)["title"] == "某县药品安全工作方案"


# -- bad input ---------------------------------------------------------------------------

def _zip(parts: dict[str, bytes | str], method=zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in {"[Content_Types].xml": "<Types/>", **parts}.items():
            z.writestr(name, data)
    return buf.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
BAD = [
    ("empty.txt", b"", "空文件"),
    ("blank.txt", b"  \n\n \t\n", "空文件"),
    ("binary.txt", bytes(range(256)) * 40, "不是纯文本文件"),
    ("garbled.txt", b"\xff\xfe\x80\x81" * 300, "不是可识别的文本文件"),
    ("old.doc", OLE, "旧版 Word（.doc）、WPS 文字（.wps）"),
    ("old.wps", OLE, "旧版 Word（.doc）、WPS 文字（.wps）"),
    ("scan.pdf", b"%PDF-1.7\n" + b"x" * 100, "PDF 文件"),
    ("bomb.docx", None, "疑似压缩炸弹"),
    ("sheet.docx", _zip({"xl/workbook.xml": "<workbook/>"}), "是Excel 工作簿（.xlsx），不是 Word 文件"),
    ("entities.docx", _zip({"word/document.xml": '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>'}), "不安全的 XML 声明"),
    ("broken.docx", b"PK\x03\x04" + b"\x00" * 200, "无法导入该 Word 文件"),
    ("renamed.docx", "一、目标\n".encode("utf-8"), "内容不是 Word 文件"),
]


@pytest.mark.parametrize("name, data, message", BAD, ids=[b[0] for b in BAD])
def test_bad_input_gets_a_clear_chinese_message_and_exit_2(project_copy, tmp_path, name, data, message):
    path = tmp_path / name
    bomb = {"word/document.xml": b"<w:document>" + b" " * (64 * 1024 * 1024)}
    path.write_bytes(_zip(bomb, zipfile.ZIP_DEFLATED) if data is None else data)
    before = sorted(p.name for p in (project_copy / "content/documents").iterdir())
    result = run_cli("import", str(path), cwd=project_copy)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert sorted(p.name for p in (project_copy / "content/documents").iterdir()) == before


def test_bad_usage_exits_2(project_copy, tmp_path):
    missing = run_cli("import", str(tmp_path / "nowhere.txt"), cwd=project_copy)
    assert missing.returncode == 2 and "找不到文件" in missing.stderr
    bad_id = run_cli("import", str(SEEDS / "000_bc7b3ba4e6289f70.txt"), "--id", "Bad_ID", cwd=project_copy)
    assert bad_id.returncode == 2 and "不合规" in bad_id.stderr
    folder = run_cli("import", str(tmp_path), cwd=project_copy)
    assert folder.returncode == 2 and "是一个目录" in folder.stderr
    no_file = run_cli("import", cwd=project_copy)
    assert no_file.returncode == 2 and "缺少必需的参数" in no_file.stderr


def test_library_refuses_without_printing(project, tmp_path):
    path = tmp_path / "e.txt"
    path.write_bytes(b"")
    with pytest.raises(ImportFailure, match="空文件"):
        import_document(path, project)


def test_the_site_shows_a_table_clause_cell_for_cell_and_escaped():
    from generator.site.documents import _rows

    out = _rows([["产品类别", '<input type="checkbox"/> 药品'], ["", "=1+1"]])
    assert out.count("<tr>") == 2 and out.count("<td>") == 4
    assert "&lt;input type=&quot;checkbox&quot;/&gt; 药品" in out and "<input" not in out


def test_hostile_text_is_imported_in_bounded_time(project_copy, tmp_path):
    """Long lines built to make regular expressions backtrack, and a chain of thousands of
    'split' paragraphs: the import still finishes (the timeout guards a hang, not a speed goal)."""
    path = tmp_path / "hostile.txt"
    parts = ["关于" * 2000 + "的" * 2000, "（一）标题（" + "1年" * 100000, "一是" + "，一是" * 20000]
    parts += ["涉案，"] * 5000
    path.write_text("\n\n".join(parts), encoding="utf-8")
    result = run_cli("import", str(path), "--id", "hostile", cwd=project_copy, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr


def test_a_multi_level_word_list_is_numbered_as_word_shows_it(project, tmp_path):
    """One Word list with three levels: counters run on, and a deeper level restarts under
    each new item of the level above (一、（一）（二）1. 二、（一）)."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def el(tag, **attrs):
        e = OxmlElement(tag)
        for k, v in attrs.items():
            e.set(qn(f"w:{k}"), v)
        return e

    document = Document()
    numbering = document.part.numbering_part.element
    abstract = el("w:abstractNum", abstractNumId="77")
    for ilvl, fmt, text in ((0, "chineseCounting", "%1、"), (1, "chineseCounting", "（%2）"), (2, "decimal", "%3.")):
        lvl = el("w:lvl", ilvl=str(ilvl))
        for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text)):
            lvl.append(el(tag, val=value))
        abstract.append(lvl)
    first = numbering.find(qn("w:num"))
    if first is not None:
        first.addprevious(abstract)  # abstract lists come before the list instances
    else:
        numbering.append(abstract)
    num = el("w:num", numId="77")
    num.append(el("w:abstractNumId", val="77"))
    numbering.append(num)
    document.add_paragraph("某县药品安全工作方案")
    for level, text in ((0, "工作目标"), (1, "总体目标"), (1, "具体目标"), (2, "检查全覆盖。各单位要开展检查。"),
                        (0, "工作措施"), (1, "加强领导")):
        p = document.add_paragraph(text)
        num_pr = el("w:numPr")
        num_pr.append(el("w:ilvl", val=str(level)))
        num_pr.append(el("w:numId", val="77"))
        p._p.get_or_add_pPr().append(num_pr)
    path = tmp_path / "list.docx"
    document.save(path)
    draft = _load(import_document(path, project, doc_id="word-list"))
    flat = [(d, c.get("num"), c.get("title"), c.get("text")) for d, _i, c in _raw(draft["clauses"])]
    assert flat == [
        (0, None, None, "某县药品安全工作方案"), (0, "一、", "工作目标", None), (1, "（一）", "总体目标", None),
        (1, "（二）", "具体目标", None), (2, "1.", None, "检查全覆盖。各单位要开展检查。"),
        (0, "二、", "工作措施", None), (1, "（一）", "加强领导", None),
    ]
