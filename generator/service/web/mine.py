"""What the site asks the service when both are served by `yaojian serve` on one address.

`GET /api/me` (JSON, never cached): who is logged in and, for a unit, 我的待报 — its
filings still to make or fix, the overdue ones first, then the next due.  The site's header
shows 登录 or the account from it, the home page the list, a form's page the links to
upload and 在线填报.  A site copied to any other web server gets no answer and shows none
of them.
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, url_for

from generator.service import status as status_mod
from generator.service.slots import office_date

bp = Blueprint("mine", __name__)

SHOWN = 6  # items of 我的待报


def my_due(service, account) -> list[dict]:
    """The unit's open filings: not yet accepted, overdue or due next (at most SHOWN)."""
    now = service.now()
    today = office_date(now)
    board = status_mod.board(service.ledger, service.schedule, now)
    unit = next((u for u in board.units if u.id == account.unit_id), None)
    items = []
    for slot in service.schedule.slots:
        cell = board.cell(unit, slot) if unit is not None else None
        state = cell.status if cell is not None else ("overdue" if today > slot.due else "missing")
        if state == "passed":
            continue
        items.append({
            "form": slot.form,
            "form_title": service.schedule.form_titles.get(slot.form, slot.form),
            "period": slot.period,
            "period_label": slot.label,
            "due": slot.due.isoformat(),
            "due_label": slot.due_label,
            "status": status_mod.LABELS[state],
            "overdue": today > slot.due,
            "days_left": (slot.due - today).days,
            "upload": url_for("pages.upload", form=slot.form, period=slot.period),
            "filing": url_for("pages.filing", submission_id=cell.latest.id) if cell is not None and cell.latest else None,
        })
    late = [i for i in items if i["overdue"]]
    coming = [i for i in items if not i["overdue"]]
    return (late + coming)[:SHOWN]


@bp.route("/api/me")
def me():
    service = g.service
    account = g.get("account")
    body: dict = {
        "service": url_for("pages.index"),
        "login": url_for("pages.login"),
        "campaign": service.schedule.title,
        "account": None,
    }
    if account is not None:
        body["account"] = {
            "username": account.username,
            "unit": account.unit if not account.is_office else service.district,
            "office": account.is_office,
        }
        body["home"] = url_for("office.status" if account.is_office else "pages.filings")
        if not account.is_office:
            body["due"] = my_due(service, account)
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response
