"""在线填报 drafts: what a unit typed into a form for a period, kept on the server.

One draft per unit × form × period; every save replaces it (the last save wins) and
records when and by which account.  Values are kept as the page sends them: the input
names of the form (`generator.service.web.online` maps them to layout keys) and text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from generator.service import db
from generator.service.ledger import parse_stamp, stamp
from generator.service.tables import drafts


@dataclass
class Draft:
    id: int
    unit_id: int
    form: str
    period: str
    values: dict[str, str]
    saved_at: datetime
    account_id: int | None


def _draft(row) -> Draft:
    return Draft(row.id, row.unit_id, row.form, row.period, json.loads(row.values_json), parse_stamp(row.saved_at),
                 row.account_id)


class Drafts:
    def __init__(self, engine: sa.Engine):
        self.engine = engine

    def get(self, draft_id: int) -> Draft | None:
        with db.read(self.engine) as conn:
            row = conn.execute(sa.select(drafts).where(drafts.c.id == draft_id)).first()
        return _draft(row) if row else None

    def of(self, unit_id: int, form: str, period: str) -> Draft | None:
        with db.read(self.engine) as conn:
            row = conn.execute(sa.select(drafts).where(
                drafts.c.unit_id == unit_id, drafts.c.form == form, drafts.c.period == period)).first()
        return _draft(row) if row else None

    def save(self, unit_id: int, form: str, period: str, values: dict[str, str], account_id: int | None,
             now: datetime | None = None) -> Draft:
        text = json.dumps(values, ensure_ascii=False, sort_keys=True)
        saved = stamp(now)
        with db.write(self.engine) as conn:
            existing = conn.scalar(sa.select(drafts.c.id).where(
                drafts.c.unit_id == unit_id, drafts.c.form == form, drafts.c.period == period))
            if existing is None:
                conn.execute(sa.insert(drafts).values(unit_id=unit_id, form=form, period=period, values_json=text,
                                                      saved_at=saved, account_id=account_id))
            else:
                conn.execute(sa.update(drafts).where(drafts.c.id == existing).values(
                    values_json=text, saved_at=saved, account_id=account_id))
            row = conn.execute(sa.select(drafts).where(
                drafts.c.unit_id == unit_id, drafts.c.form == form, drafts.c.period == period)).first()
        return _draft(row)

    def delete(self, unit_id: int, form: str, period: str) -> None:
        with db.write(self.engine) as conn:
            conn.execute(sa.delete(drafts).where(
                drafts.c.unit_id == unit_id, drafts.c.form == form, drafts.c.period == period))
