"""The office this deployment belongs to, and where each document comes from.

content/office.yaml (the office profile) names the office, its own campaign and the units
that must file (报送单位).  Everything "ours" comes from it: the site puts the office's
campaign first and marks every other document 参考; the service takes its schedule and its
list of units from it.  Without the file, the one campaign with a form reporting schedule is
ours, as before, and the units are those with accounts.

Place and year are data of each document (its `place` and `date`); `where()` is the one
label every combined view shows ("东营区 · 2017"), `label()` adds 参考 for the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

REFERENCE = "参考"
SEP = " · "


@dataclass
class Profile:
    office: str = ""  # the office's name ("永川区工作小组办公室"); "" when unknown
    organisation: str | None = None  # its organisation id
    campaign: str | None = None  # our campaign id
    document: str | None = None  # our campaign's document id
    units: list[str] = field(default_factory=list)  # 报送单位, by name, in the profile's order
    declared: bool = False  # content/office.yaml exists

    def ours(self, doc_id: str | None) -> bool:
        return bool(doc_id) and doc_id == self.document


def _reporting(camp: dict) -> bool:
    return any(isinstance(e, dict) and e.get("form") for e in camp.get("reporting") or ())


def make_profile(office: dict | None, campaigns: dict[str, dict], organisations: dict[str, dict]) -> Profile:
    """The profile from the parsed office.yaml (or None) and the content's campaigns/organisations."""
    if isinstance(office, dict):
        head = office.get("office") or {}
        camp_id = office.get("campaign")
        units = []
        for unit in office.get("units") or ():
            if isinstance(unit, dict):
                name = unit.get("name") or (organisations.get(unit.get("organisation")) or {}).get("name")
                if name and name not in units:
                    units.append(name)
        camp = campaigns.get(camp_id) or {}
        return Profile(head.get("name") or "", head.get("organisation"), camp_id if camp else None,
                       camp.get("document"), units, True)
    reporting = [c for c in campaigns.values() if _reporting(c)]
    if len(reporting) == 1:
        return Profile(campaign=reporting[0]["id"], document=reporting[0].get("document"))
    return Profile()


def from_content(content) -> Profile:
    """The profile of a loaded `generator.content.Content`."""
    return make_profile(content.office, content.campaigns, content.organisations)


def read_profile(content_dir: Path) -> Profile:
    """The profile straight from content/ (through the YAML cache; for the service)."""
    from generator.content import OFFICE_FILE
    from generator.yamlcache import parse_yaml, read_folder

    office = None
    path = Path(content_dir) / OFFICE_FILE
    if path.is_file():
        office = parse_yaml(path.read_text(encoding="utf-8"))
    campaigns = {d["id"]: d for _, d in read_folder(Path(content_dir) / "campaigns", "campaigns")
                 if isinstance(d, dict) and "id" in d}
    orgs: dict[str, dict] = {}
    for _, data in read_folder(Path(content_dir) / "organisations", "organisations"):
        for org in (data or {}).get("organisations") or ():
            if isinstance(org, dict) and "id" in org:
                orgs[org["id"]] = org
    return make_profile(office, campaigns, orgs)


def where(doc: dict | None) -> str:
    """A document's place and year: "东营区 · 2017" ("" for an unknown document)."""
    if not doc:
        return ""
    place, year = doc.get("place") or "", str(doc.get("date") or "")[:4]
    return SEP.join(x for x in (place, year) if x)


def label(doc: dict | None, ours: bool) -> str:
    """Place and year, and 参考 unless the document is the office's own."""
    text = where(doc)
    return text if ours or not text else text + SEP + REFERENCE
