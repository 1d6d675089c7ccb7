"""报送情况 and 汇总: the campaign office's pages."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template, request

from generator.service import status as status_mod
from generator.service.web.pages import _send_bytes
from generator.service.web.security import office_required

bp = Blueprint("office", __name__)


def _slots_for(period: str | None):
    schedule = g.service.schedule
    if period:
        slots = [s for s in schedule.slots if s.period == period]
        if not slots:
            abort(404)
        return slots
    return list(schedule.slots)


@bp.route("/status")
@office_required
def status():
    service = g.service
    period = request.args.get("period") or None
    board = status_mod.board(service.ledger, service.schedule, service.now(), _slots_for(period))
    return render_template("status.html", board=board, period=period, labels=status_mod.LABELS)


@bp.route("/status/late.<fmt>")
@office_required
def late_export(fmt: str):
    service = g.service
    period = request.args.get("period") or None
    board = status_mod.board(service.ledger, service.schedule, service.now(), _slots_for(period))
    titles = {s.form: s.title for s in service.schedule.slots}
    titles = {form: service.schedule.form_titles.get(form, form) for form in titles}
    stamp = service.now().strftime("%Y%m%d")
    if fmt == "csv":
        return _send_bytes(status_mod.chase_csv(board, titles), f"逾期未报-{stamp}.csv", "text/csv; charset=utf-8")
    if fmt == "xlsx":
        return _send_bytes(status_mod.chase_xlsx(board, titles), f"逾期未报-{stamp}.xlsx")
    abort(404)


def _rollup_slot():
    schedule = g.service.schedule
    form_id = request.args.get("form") or schedule.forms()[0]
    period = request.args.get("period")
    if period:
        slot = schedule.slot(form_id, period)
        if slot is None:
            abort(404)
        return slot
    from generator.service.slots import office_date

    today = office_date(g.service.now())
    past = [s for s in schedule.slots_of(form_id) if s.due <= today]
    return past[-1] if past else schedule.slots_of(form_id)[0]


@bp.route("/rollup")
@office_required
def rollup():
    from generator.service import figures

    service = g.service
    slot = _rollup_slot()
    included = service.ledger.latest_accepted_per_unit(slot.form, slot.period)
    names = {s.unit for s in included}
    missing = [u for u in service.ledger.active_units() if u.name not in names]
    charts = figures.charts(service.ledger, service.project, service.schedule, slot)
    return render_template("rollup.html", slot=slot, included=included, missing=missing, charts=charts)


@bp.route("/rollup/download")
@office_required
def rollup_download():
    from generator.rollup import RollupError, from_ledger, to_bytes

    service = g.service
    slot = _rollup_slot()
    try:
        result = from_ledger(service.ledger, service.project, slot.form, slot.period, unit=service.district)
    except RollupError as exc:
        abort(404, description=str(exc))
    return _send_bytes(to_bytes(result.rollup, service.project), f"汇总-{slot.title}-{slot.label}.xlsx")
