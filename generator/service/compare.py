"""What a resubmission fixed and what it brought in, compared with the version before.

Findings are matched by what they are about, not by their wording: the code and the
place (sheet and cell, or the row and column labels where the cell moved).  A finding of
the earlier version with no match in the later one was fixed; one of the later version
with no match in the earlier one is new; the rest remain.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def finding_key(f: dict) -> tuple:
    return (f.get("code"), f.get("sheet"), f.get("cell") or "", f.get("row") or "", f.get("column") or "")


@dataclass
class Comparison:
    fixed: list[dict] = field(default_factory=list)
    new: list[dict] = field(default_factory=list)
    remaining: list[dict] = field(default_factory=list)

    @property
    def fixed_errors(self) -> int:
        return sum(1 for f in self.fixed if f.get("severity") == "error")

    @property
    def new_errors(self) -> int:
        return sum(1 for f in self.new if f.get("severity") == "error")

    @property
    def summary(self) -> str:
        parts = [f"改正 {len(self.fixed)} 项", f"新增 {len(self.new)} 项", f"仍有 {len(self.remaining)} 项"]
        return "，".join(parts)


def compare(previous: list[dict], current: list[dict]) -> Comparison:
    """Match findings as multisets: two identical findings in one version count twice."""
    pending: dict[tuple, list[dict]] = {}
    for f in previous:
        pending.setdefault(finding_key(f), []).append(f)
    out = Comparison()
    for f in current:
        same = pending.get(finding_key(f))
        if same:
            same.pop(0)
            out.remaining.append(f)
        else:
            out.new.append(f)
    for rest in pending.values():
        out.fixed.extend(rest)
    return out
