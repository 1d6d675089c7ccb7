"""The library API: validate() on bytes, the Report, and the filed document's shape."""

from __future__ import annotations

import pytest

from conftest import REPO
from validate_support import complete_values, filed_workbook


@pytest.fixture(scope="module")
def filed(tmp_path_factory):
    from generator.forms.model import load_forms

    form = load_forms(REPO / "forms")["monthly-progress"]
    return filed_workbook(form, tmp_path_factory.mktemp("lib") / "m.xlsx", complete_values(form))


def test_bytes_and_name(filed):
    from generator.project import Project
    from generator.validate import validate

    report = validate(filed.read_bytes(), project=Project(REPO), name="月报.xlsx")
    assert report.file == "月报.xlsx" and report.valid and report.exit_code == 0
    assert report.unit == "永川区市场监督管理局" and report.report_date == "2022-06-30"
    assert report.form == "monthly-progress" and report.form_version == "1.0"


def test_document_matches_the_forms_schema(filed):
    """The document the service and the roll-up keep is what the form's generated schema
    describes (checked here with the other implementation, python-jsonschema)."""
    import json

    import jsonschema

    from generator.project import Project
    from generator.validate import validate

    report = validate(filed, project=Project(REPO))
    schema = json.loads((REPO / "schemas" / "forms" / "monthly-progress.schema.json").read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).iter_errors(report.document))
    assert errors == []
    doc = report.document
    assert doc["tables"]["drug"]["rows"]["inspection"] == {"research": 1, "production": "/", "operation": 2, "use": 1,
                                                            "total": None}  # openpyxl: no cached 合计
    assert doc["tables"]["major_cases"][0]["category"] == ["drug"]
    assert doc["tables"]["major_cases"][0]["planned_close"] == "2022-08-31"
    assert json.dumps(doc, ensure_ascii=False)  # plain JSON


def test_unreadable_report():
    from generator.project import Project
    from generator.validate import validate

    report = validate(b"", project=Project(REPO), name="空.xlsx")
    assert report.stopped and not report.valid and report.exit_code == 2
    assert [f.code for f in report.findings] == ["empty-file"]
    assert report.to_dict()["errors"] == 1 and report.document is None
