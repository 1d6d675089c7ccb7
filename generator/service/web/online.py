"""在线填报 (online entry) and the pre-filled workbook download, for unit accounts.

    GET  /online                              every form with its periods
    GET  /online/<form>                       → the current period's page
    GET  /online/<form>/<period>              the form as a web page, from its definition
    POST /online/<form>/<period>              the whole form (works without script):
                                              检查 / 保存草稿 / 提交 / 增加案件
    POST /online/<form>/<period>/check        JSON values → the validator's findings (script)
    POST /online/<form>/<period>/draft        JSON values → saved draft (script, also on leaving)
    GET  /online/drafts/<id>                  a draft's values (JSON); its own unit only
    GET  /online/<form>/<period>/prefilled.xlsx   本期报表（已预填上期数）

The unit is always the login's; a draft or page of another unit is 403.  Every POST
carries the CSRF token (the app checks it before any view).  The check endpoint is
bounded in size and rate-limited per session.  提交 writes the workbook with the form's
own writer (`generator.forms.filled`) and hands it to the upload path (`intake.receive`):
same ledger row, report, annotated copy and roll-up as an uploaded file.
"""

from __future__ import annotations

import io
import threading
import time
from urllib.parse import quote

from flask import Blueprint, abort, g, jsonify, redirect, render_template, request, session, url_for

from generator.service.web.security import unit_required

bp = Blueprint("online", __name__)

CHECK_MAX_BYTES = 1024 * 1024  # a prose report at its limits (8 sections × 30,000 characters) fits
FORM_MAX_BYTES = 2 * 1024 * 1024  # the whole-form POST (prose sections may be long)
RATE_BURST = 20  # checks a session may send at once …
RATE_PER_SECOND = 5.0  # … and per second after that
SCRIPT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@bp.before_app_request
def _form_size():
    """The whole-form POST of a long prose report exceeds the app's small-form limit."""
    if request.method == "POST" and request.endpoint == "online.page_post":
        request.max_form_memory_size = FORM_MAX_BYTES


@bp.after_request
def _csp(response):
    # The online pages run the service's own script file and nothing else (no inline script).
    response.headers["Content-Security-Policy"] = SCRIPT_CSP
    return response


# -- rate limit ---------------------------------------------------------------------------

_BUCKETS: dict[str, list[float]] = {}
_BUCKETS_LOCK = threading.Lock()


def _allowed() -> bool:
    """A token bucket per session (keyed by the session's CSRF token)."""
    key = str(session.get("csrf") or "") + ":" + str(g.account.id)
    now = time.monotonic()
    with _BUCKETS_LOCK:
        tokens, last = _BUCKETS.get(key, (RATE_BURST, now))
        tokens = min(RATE_BURST, tokens + (now - last) * RATE_PER_SECOND)
        if tokens < 1:
            _BUCKETS[key] = [tokens, now]
            return False
        _BUCKETS[key] = [tokens - 1, now]
        if len(_BUCKETS) > 10000:  # forget idle sessions
            for k in [k for k, (t, at) in _BUCKETS.items() if now - at > 600][:5000]:
                _BUCKETS.pop(k, None)
    return True


# -- helpers ------------------------------------------------------------------------------


def _form(form_id: str):
    from generator.forms.model import load_forms

    service = g.service
    if form_id not in service.schedule.forms():
        abort(404, description="没有这张报表，或本期行动不需要报送它。")
    return load_forms(service.project.forms)[form_id]


def _slot(form_id: str, period: str):
    slot = g.service.schedule.slot(form_id, period)
    if slot is None:
        abort(404, description="没有这个报送期间。")
    return slot


def _own_unit_only():
    unit = request.args.get("unit")
    if unit not in (None, "", str(g.account.unit_id)):
        abort(403, description="您的账号只能填写和查看本单位的报表。")


def _opened(form_id: str, period: str):
    """(form, slot) of a page or endpoint of the logged-in unit's own (403/404 otherwise)."""
    _own_unit_only()
    return _form(form_id), _slot(form_id, period)


def _previous(slot):
    """The unit's latest accepted filing of the period before (for forms with running totals)."""
    service = g.service
    schedule = service.schedule
    if slot.form not in schedule.cumulative_forms:
        return None
    before = schedule.previous(slot)
    if before is None:
        return None
    return service.ledger.latest_accepted(g.account.unit_id, slot.form, before.period)


def _previous_file(slot):
    """The stored file of `_previous(slot)`, found without loading its report (the check
    endpoint runs on every keystroke)."""
    import sqlalchemy as sa

    from generator.service import db
    from generator.service.tables import submissions

    schedule = g.service.schedule
    if slot.form not in schedule.cumulative_forms:
        return None
    before = schedule.previous(slot)
    if before is None:
        return None
    with db.read(g.service.ledger.engine) as conn:
        sha = conn.scalar(sa.select(submissions.c.sha256).where(
            submissions.c.unit_id == g.account.unit_id, submissions.c.form == slot.form,
            submissions.c.period == before.period, submissions.c.valid == sa.true(),
        ).order_by(submissions.c.version.desc()).limit(1))
    return g.service.ledger.store.path(sha) if sha else None


def _carry_source(slot):
    """The filing a new period starts from: the unit's latest accepted filing of an
    earlier period of the same form (the period before, or further back if that one has
    no accepted filing)."""
    service = g.service
    schedule = service.schedule
    before = schedule.previous(slot)
    while before is not None:
        sub = service.ledger.latest_accepted(g.account.unit_id, slot.form, before.period)
        if sub is not None:
            return sub
        before = schedule.previous(before)
    return None


def _previous_report(sub):
    if sub is None:
        return None
    return _report_of(g.service.ledger.file_path(sub))


def _report_of(path):
    """The validator's report on a stored filing (kept per process: stored files never change)."""
    if path is None:
        return None
    from generator.validate.pool import _previous_report

    return _previous_report(str(path), str(g.service.project.root))


def _prefilled(form, slot, sub):
    from generator.forms.prefill import default_report_date, prefill
    from generator.service.slots import office_date

    today = office_date(g.service.now())
    report_date = default_report_date(slot.start, slot.due, today).isoformat()
    return prefill(form, sub.document if sub is not None else None, unit=g.account.unit, report_date=report_date)


def _entry(form):
    from generator.service.online_form import entry_for

    return entry_for(form, g.service.project)


def _drafts():
    from generator.service.drafts import Drafts

    return Drafts(g.service.ledger.engine)


def _json_values():
    if request.content_length is None or request.content_length > CHECK_MAX_BYTES:
        abort(413, description="提交的内容过大。")
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("values"), dict):
        abort(400, description="请求格式不正确。")
    values = data["values"]
    if len(values) > 20000:
        abort(413, description="提交的内容过大。")
    return values


def _local(moment) -> str:
    """A stored time in office time, to the second (the draft's last save)."""
    from generator.service.slots import OFFICE_TZ

    return moment.astimezone(OFFICE_TZ).strftime("%Y-%m-%d %H:%M:%S")


# -- pages --------------------------------------------------------------------------------


@bp.route("/online")
@unit_required
def index():
    """Every form the unit files, with its current period and the others due."""
    from generator.service.slots import office_date

    schedule = g.service.schedule
    today = office_date(g.service.now())
    forms = [(fid, schedule.form_titles.get(fid, fid), schedule.current(fid, today), schedule.slots_of(fid))
             for fid in schedule.forms()]
    return render_template("online_index.html", forms=forms)


@bp.route("/online/<form_id>")
@unit_required
def current(form_id: str):
    from generator.service.slots import office_date

    _form(form_id)
    slot = g.service.schedule.current(form_id, office_date(g.service.now()))
    if slot is None:
        abort(404)
    return redirect(url_for("online.page", form_id=form_id, period=slot.period))


@bp.route("/online/<form_id>/<period>")
@unit_required
def page(form_id: str, period: str):
    form, slot = _opened(form_id, period)
    draft = _drafts().of(g.account.unit_id, form_id, period)
    state = _State(form, slot)
    entry = _entry(form)
    if draft is not None:
        values = entry.values(draft.values, compact=False)
    else:
        values = state.carried_values
    return _render(form, slot, entry, values, state, draft)


class _State:
    """What a period's page starts from: the filing compared with for the cumulative rule
    (as the upload path has it), the filing carried from, and the values it gives."""

    def __init__(self, form, slot):
        self.previous = _previous(slot)
        self.source = self.previous or _carry_source(slot)
        self.carried_values, self.carried = _prefilled(form, slot, self.source)


def _render(form, slot, entry, values, state, draft, *, status=200, notice=None, checked=None):
    from generator.service.online_form import name_of

    carried_values, carried = state.carried_values, state.carried
    result = checked or entry.check(g.service.project, values, previous=_previous_report(state.previous))
    fresh = draft is None and not carried and checked is None and request.method == "GET"
    if fresh:  # a blank form just opened: no cell is marked before the clerk types
        result = dict(result, findings=[], fresh=True)
    by_name: dict[str, list] = {}
    for f in result["findings"]:
        if f["name"]:
            by_name.setdefault(f["name"], []).append(f)
    marked = {name_of(k) for k in carried if values.get(k) == carried_values.get(k)}
    named = entry.named(values)
    cases = {t: max(entry.case_count(values, t) + 1, 1) for t in entry.cases}
    filed = g.service.ledger.history(g.account.unit_id, slot.form, slot.period)
    return render_template(
        "online.html", form=form, slot=slot, entry=entry, values=named, findings=result["findings"],
        by_name=by_name, totals=result["totals"], result=result, carried=marked, previous=state.source,
        draft=draft, cases=cases, notice=notice, draft_time=_local(draft.saved_at) if draft else None,
        filed=filed[-1] if filed else None,
    ), status


@bp.route("/online/<form_id>/<period>", methods=["POST"])
@unit_required
def page_post(form_id: str, period: str):
    form, slot = _opened(form_id, period)
    entry = _entry(form)
    state = _State(form, slot)
    given = {k: request.form.get(k, "") for k in request.form.keys() if k not in ("csrf_token", "action")}
    action = request.form.get("action") or "check"
    if action.startswith("remove:"):  # 删除此案 without script: drop that case row's fields
        prefix = action[len("remove:"):] + "."
        given = {k: v for k, v in given.items() if not k.startswith(prefix)}
        action = "save"
    values = entry.values(given)
    drafts = _drafts()
    if action == "submit":
        return _submit(form, slot, values)
    notice = None
    if action in ("save", "add-case"):
        draft = drafts.save(g.account.unit_id, form_id, period, entry.named(values), g.account.id, g.service.now())
        notice = f"草稿已保存（{_local(draft.saved_at)}）。" if action == "save" else None
    else:
        draft = drafts.of(g.account.unit_id, form_id, period)
    return _render(form, slot, entry, values, state, draft, notice=notice)


def _submit(form, slot, values):
    from generator.forms.filled import to_bytes, write_values
    from generator.service import intake

    service = g.service
    account = g.account
    data = to_bytes(write_values(form, service.project, values))
    title = service.schedule.form_titles.get(form.id, form.id)
    filename = f"在线填报-{title}-{slot.label}.xlsx"
    outcome = intake.receive(
        service.ledger, service.checker, service.schedule, unit_id=account.unit_id, unit=account.unit,
        account_id=account.id, slot=slot, stream=io.BytesIO(data), filename=filename,
        limit=max(service.max_upload, len(data)), now=service.now(),
    )
    if outcome.refused:
        return render_template("refused.html", findings=outcome.findings, slot=slot), 422
    _drafts().delete(account.unit_id, form.id, slot.period)
    return redirect(url_for("pages.filing", submission_id=outcome.submission.id, received=outcome.kind), code=303)


@bp.route("/online/<form_id>/<period>/check", methods=["POST"])
@unit_required
def check(form_id: str, period: str):
    form, slot = _opened(form_id, period)
    if not _allowed():
        return jsonify({"error": "检查过于频繁，请稍候。"}), 429
    entry = _entry(form)
    values = entry.values(_json_values(), compact=False)
    result = entry.check(g.service.project, values, previous=_report_of(_previous_file(slot)))
    result.pop("report", None)
    return jsonify(result)


@bp.route("/online/<form_id>/<period>/draft", methods=["POST"])
@unit_required
def save_draft(form_id: str, period: str):
    form, _ = _opened(form_id, period)
    entry = _entry(form)
    values = entry.values(_json_values(), compact=False)
    draft = _drafts().save(g.account.unit_id, form_id, period, entry.named(values), g.account.id, g.service.now())
    return jsonify({"id": draft.id, "saved_at": _local(draft.saved_at), "url": url_for("online.draft", draft_id=draft.id)})


@bp.route("/online/drafts/<int:draft_id>")
@unit_required
def draft(draft_id: int):
    found = _drafts().get(draft_id)
    if found is None:
        abort(404)
    if found.unit_id != g.account.unit_id:
        abort(403, description="这份草稿属于其他单位，您的账号无权查看。")
    return jsonify({"id": found.id, "form": found.form, "period": found.period, "values": found.values,
                    "saved_at": _local(found.saved_at)})


@bp.route("/online/<form_id>/<period>/prefilled.xlsx")
@unit_required
def prefilled(form_id: str, period: str):
    from flask import Response

    from generator.forms.filled import to_bytes, write_values

    form, slot = _opened(form_id, period)
    state = _State(form, slot)
    values, carried = state.carried_values, state.carried
    data = to_bytes(write_values(form, g.service.project, values, carried))
    title = g.service.schedule.form_titles.get(form_id, form_id)
    name = f"{title}-{slot.label}-{g.account.unit}.xlsx"
    response = Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f"attachment; filename=\"{form_id}-{period}.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response
