"""Layout keys: named once, equal to the plain parts they name, and read back from a JSON
Schema error path of a real filed document."""

from __future__ import annotations

from pathlib import Path

from generator.forms.keys import CaseKey, GridKey, HeaderKey, SectionKey, as_key, header_key, key_of_path, row_key
from generator.forms.layout import layout
from generator.forms.model import load_forms

REPO = Path(__file__).resolve().parents[1]


def test_every_input_of_every_form_has_a_named_key_that_round_trips():
    forms = load_forms(REPO / "forms")
    seen = 0
    for form in forms.values():
        for sheet in layout(form).sheets:
            for key in sheet.inputs:
                assert type(key) in (HeaderKey, GridKey, CaseKey, SectionKey), key
                assert as_key(tuple(key)) == key and type(as_key(tuple(key))) is type(key)
                seen += 1
    assert seen > 500


def test_named_keys_are_the_plain_tuples_they_name():
    assert header_key("unit") == ("header", "unit") and hash(header_key("unit")) == hash(("header", "unit"))
    assert {row_key("drug", "inspection", "total"): 1}[("drug", "rows", "inspection", "total")] == 1
    assert row_key("drug", "inspection", "total").column == "total"


def test_a_document_path_gives_the_key_of_its_input():
    assert key_of_path(["header", "report_date"]) == HeaderKey("header", "report_date")
    assert key_of_path(["tables", "drug", "key_areas", "cases", "online"]) == GridKey("drug", "key_areas", "cases", "online")
    assert key_of_path(["tables", "major_cases", 2, "category", 0]) == CaseKey("major_cases", 2, "category", None)
    assert key_of_path(["tables", "report", "basic"]) == SectionKey("report", "basic")
    assert key_of_path(["tables", "drug"]) is None and key_of_path(["form"]) is None
