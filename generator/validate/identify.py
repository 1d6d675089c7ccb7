"""Which form a filed workbook is: the stamp (表单编号 / 模板版本) on its cover sheet.

The blank workbook prints the form id and the template version right of the labels
表单编号 and 模板版本.  No stamp, or an id no definition has, is `unknown-form`; a
version the definition's changelog lists as older is `template-outdated` (saying what
changed since); a version the tool does not know is `unknown-form` (newer).  Each stops
the validation: the report holds that single finding.
"""

from __future__ import annotations

from generator.findings import Finding
from generator.forms.model import Form
from generator.validate.normalize import cell_text
from generator.validate.plan import COVER, STAMPS, fold_label
from generator.xlsx.book import Sheet, Workbook

_FORM, _VERSION = (fold_label(s) for s in STAMPS)


class Stop(Exception):
    """The validation cannot go on; `finding` says why."""

    def __init__(self, finding: Finding, form: Form | None = None, version: str | None = None):
        super().__init__(finding.code)
        self.finding = finding
        self.form = form
        self.version = version


def _stamp(sheet: Sheet) -> tuple[str | None, str | None]:
    form_id = version = None
    cells = sheet.cells
    for (r, c), cell in cells.items():
        if cell.kind not in ("s", "str", "inlineStr") or len(cell.text) > 12:
            continue
        folded = fold_label(cell.text)
        if folded == _FORM or folded == _VERSION:
            value = None
            for cc in range(c + 1, c + 4):  # the value right of the label (merged blocks allowed)
                right = cells.get((r, cc))
                if right is not None and cell_text(right).strip():
                    value = cell_text(right).strip()
                    break
            if folded == _FORM:
                form_id = value
            else:
                version = value
    return form_id, version


def find_stamp(book: Workbook) -> tuple[Sheet | None, str | None, str | None]:
    """The sheet holding the stamp, with the form id and version found there."""
    ordered = sorted((s for s in book.sheets if s.kind == "worksheet"), key=lambda s: s.name != COVER)
    for sheet in ordered:
        form_id, version = _stamp(sheet)
        if form_id or version:
            return sheet, form_id, version
    return None, None, None


def _same_version(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        pa = [int(x) for x in a.split(".")]
        pb = [int(x) for x in b.split(".")]
    except ValueError:
        return False
    while pa and pa[-1] == 0:
        pa.pop()
    while pb and pb[-1] == 0:
        pb.pop()
    return pa == pb


def identify(book: Workbook, forms: dict[str, Form]) -> tuple[Form, Sheet | None]:
    """The form and the cover sheet (None when the cover was deleted but the workbook's
    document properties still carry the stamp); raises Stop with unknown-form or
    template-outdated."""
    sheet, form_id, version = find_stamp(book)
    if sheet is None or not form_id:
        # The blank workbook stamps the same two values as custom document properties.
        props = book.custom_properties
        prop_id = (props.get(STAMPS[0]) or "").strip()
        if prop_id:
            form_id, version = prop_id, (props.get(STAMPS[1]) or "").strip() or None
            sheet = next((s for s in book.sheets if s.name == COVER and s.kind == "worksheet"), None)
    if not form_id:
        raise Stop(Finding("unknown-form", {"reason": "找不到“表单编号”（应在“填报说明”工作表上）"}))
    form = forms.get(form_id)
    if form is None:
        form = next((f for f in forms.values() if fold_label(f.title) == fold_label(form_id)), None)
    if form is None:
        known = "、".join(sorted(forms))
        raise Stop(Finding("unknown-form", {"reason": f"表单编号“{form_id}”不是已知的报表（已知：{known}）"},
                           value=form_id, sheet=sheet.name if sheet is not None else None))
    where = sheet.name if sheet is not None else None
    if not version:
        raise Stop(Finding("unknown-form", {"reason": f"找不到“模板版本”（表单编号为 {form.id}）"},
                           sheet=where), form)
    if _same_version(version, form.version):
        return form, sheet
    known = [str(e.get("version")) for e in form.changelog]
    older = next((v for v in known if _same_version(version, v)), None)
    order = _compare(version, form.version)
    if older is not None or order == -1:
        if older is not None:
            changes = form.changes_since(older)
        else:  # older than anything the changelog lists: everything in it is new
            changes = [c for e in form.changelog for c in e.get("changes", [])]
        text = "；".join(changes) if changes else "（更新记录中没有说明）"
        raise Stop(Finding("template-outdated", {"title": form.title, "found": version, "current": form.version,
                                                 "changes": text, "form": form.id},
                           value=version, expected=form.version, sheet=where), form, version)
    if order == 1:
        raise Stop(Finding("unknown-form", {"form": form.id, "found": version, "current": form.version,
                                            "reason": f"模板版本 {version} 比已知的 {form.version} 新"},
                           value=version, expected=form.version, variant="newer", sheet=where), form, version)
    raise Stop(Finding("unknown-form", {"reason": f"模板版本“{version}”无法识别（{form.id} 的当前版本为 {form.version}）"},
                       value=version, expected=form.version, sheet=where), form, version)


def _compare(a: str, b: str) -> int | None:
    """-1, 0 or 1 comparing dotted versions; None when either is not one."""
    try:
        pa = [int(x) for x in a.split(".")]
        pb = [int(x) for x in b.split(".")]
    except ValueError:
        return None
    n = max(len(pa), len(pb))
    pa += [0] * (n - len(pa))
    pb += [0] * (n - len(pb))
    return (pa > pb) - (pa < pb)
