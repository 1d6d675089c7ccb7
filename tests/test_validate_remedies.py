"""Remedies fit the file: a missing path or a folder is not told to re-save in Excel, a zip
holding a text file is not called a Word or PowerPoint document (through the real CLI)."""

from __future__ import annotations

import json
import zipfile

from conftest import run_cli


def _only_finding(proc) -> dict:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    [report] = json.loads(proc.stdout)
    [finding] = report["findings"]
    return finding


def test_a_missing_file_and_a_folder_get_remedies_that_fit(tmp_path):
    missing = _only_finding(run_cli("validate", str(tmp_path / "没有这个文件.xlsx"), "--format", "json"))
    assert missing["code"] == "unreadable-file" and "找不到该文件" in missing["message"]
    assert "另存为" not in missing["remedy"] and "文件名" in missing["remedy"]
    folder = _only_finding(run_cli("validate", str(tmp_path), "--format", "json"))
    assert folder["code"] == "unreadable-file" and "文件夹" in folder["message"]
    assert "另存为" not in folder["remedy"] and "文件夹" in folder["remedy"]
    # the text report says the same, in Chinese
    text = run_cli("validate", str(tmp_path / "没有这个文件.xlsx"))
    assert text.returncode == 2 and "文件名" in text.stdout and "另存为" not in text.stdout


def test_a_zip_holding_a_text_file_is_called_a_zip(tmp_path):
    path = tmp_path / "月报.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("月报.txt", "现场检查 3 件")
    f = _only_finding(run_cli("validate", str(path), "--format", "json"))
    assert f["code"] == "not-a-workbook", f
    assert "压缩包" in f["message"] and "Word" not in f["message"] and "PowerPoint" not in f["message"]
    assert "解压" in f["remedy"]


def test_a_word_document_renamed_xlsx_is_read_as_a_word_document(tmp_path):
    """Decided by content: a Word document named .xlsx is read as the Word document it is
    (a prose form may be filed as .docx); without the template's stamp it is no form of ours."""
    path = tmp_path / "月报.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", "<w:document/>")
    f = _only_finding(run_cli("validate", str(path), "--format", "json"))
    assert f["code"] == "unknown-form" and "Word 模板" in f["message"], f
