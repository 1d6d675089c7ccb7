"""登录, 上传, 我的报送 and a filing's own page, with its downloads."""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import quote, urlparse

from flask import Blueprint, abort, g, redirect, render_template, request, send_file, session, url_for

from generator.service import intake
from generator.service.compare import compare
from generator.service.web.security import login_required, may_see, remote_address, unit_required

bp = Blueprint("pages", __name__)


def too_large_response(length: int | None):
    service = g.service
    finding = intake.too_large(length, service.max_upload)
    return render_template("refused.html", findings=[finding], slot=None), 413


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlparse(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/")
def index():
    account = g.get("account")
    if account is None:
        return redirect(url_for("pages.login"))
    return redirect(url_for("office.status" if account.is_office else "pages.upload"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    from generator.service.accounts import Accounts

    error = None
    status = 200
    username = ""
    if request.method == "POST":
        accounts = Accounts(g.service.ledger)
        username = (request.form.get("username") or "").strip()[:100]
        password = request.form.get("password") or ""
        remote = remote_address()
        if accounts.throttled(username, remote):
            error = "登录失败次数过多，请 15 分钟后再试；如忘记密码，请联系工作小组办公室重设。"
            status = 429
        else:
            account = accounts.authenticate(username, password, remote)
            if account is None:
                error = "账号或密码不正确，或账号已停用。"
                status = 401
            else:
                session.clear()  # a new session at every login (no fixation)
                session.permanent = True
                session["account_id"] = account.id
                session["stamp"] = account.stamp
                return redirect(_safe_next(request.args.get("next")) or url_for("pages.index"), code=303)
    return render_template("login.html", error=error, username=username), status


@bp.route("/logout", methods=["POST"])
def logout():
    session.clear()
    return redirect(url_for("pages.login"), code=303)


def _slot_from(form_id: str | None, period: str | None):
    schedule = g.service.schedule
    if not form_id or form_id not in schedule.forms():
        return None
    return schedule.slot(form_id, period or "")


@bp.route("/upload", methods=["GET"])
@unit_required
def upload():
    schedule = g.service.schedule
    forms = schedule.forms()
    form_id = request.args.get("form") if request.args.get("form") in forms else forms[0]
    from generator.service.slots import office_date

    current = schedule.slot(form_id, request.args.get("period") or "") or schedule.current(form_id, office_date(g.service.now()))
    return render_template(
        "upload.html", form_id=form_id, slots=schedule.slots_of(form_id), current=current,
        limit_mb=g.service.max_upload / 1024 / 1024, error=None,
    )


@bp.route("/upload", methods=["POST"])
@unit_required
def upload_post():
    service = g.service
    account = g.account
    form_id = request.form.get("form")
    slot = _slot_from(form_id, request.form.get("period"))
    if slot is None:
        schedule = service.schedule
        fid = form_id if form_id in schedule.forms() else schedule.forms()[0]
        return render_template(
            "upload.html", form_id=fid, slots=schedule.slots_of(fid), current=None,
            limit_mb=service.max_upload / 1024 / 1024, error="请选择报表和期间。",
        ), 400
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        from generator.findings import Finding

        return render_template("refused.html", findings=[Finding("no-file").to_dict()], slot=slot), 400
    outcome = intake.receive(
        service.ledger, service.checker, service.schedule, unit_id=account.unit_id, unit=account.unit,
        account_id=account.id, slot=slot, stream=upload.stream, filename=upload.filename,
        limit=service.max_upload, now=service.now(),
    )
    if outcome.refused:
        code = 413 if any(f.get("code") == "file-too-large" for f in outcome.findings) else 422
        return render_template("refused.html", findings=outcome.findings, slot=slot), code
    return redirect(url_for("pages.filing", submission_id=outcome.submission.id, received=outcome.kind), code=303)


def _visible(submission_id: int):
    sub = g.service.ledger.get(submission_id)
    if sub is None:
        abort(404)
    if not may_see(sub.unit_id):
        abort(403, description="这份报送属于其他单位，您的账号无权查看或下载。")
    return sub


def _comparison(sub):
    """The previous version of the same slot and what changed since it."""
    if sub.version <= 1:
        return None, None
    versions = g.service.ledger.history(sub.unit_id, sub.form, sub.period)
    before = next((v for v in versions if v.version == sub.version - 1), None)
    if before is None:
        return None, None
    return before, compare(before.findings, sub.findings)


@bp.route("/filings/<int:submission_id>")
@login_required
def filing(submission_id: int):
    sub = _visible(submission_id)
    schedule = g.service.schedule
    slot = schedule.slot(sub.form, sub.period)
    before, comparison = _comparison(sub)
    return render_template(
        "filing.html", sub=sub, slot=slot, before=before, comparison=comparison,
        received=request.args.get("received"), notes=sub.report.get("service") or [],
    )


@bp.route("/filings/<int:submission_id>/file")
@login_required
def filing_file(submission_id: int):
    sub = _visible(submission_id)
    return _send(g.service.ledger.file_path(sub), sub.filename)


@bp.route("/filings/<int:submission_id>/annotated")
@login_required
def filing_annotated(submission_id: int):
    from generator.validate.pool import Failure

    sub = _visible(submission_id)
    ledger = g.service.ledger
    previous = ledger.get(sub.previous_id) if sub.previous_id else None
    with tempfile.TemporaryDirectory(prefix="yaojian-annotate-") as tmp:
        out = Path(tmp) / "annotated.xlsx"
        failure = g.service.checker.annotate(ledger.file_path(sub), ledger.file_path(previous) if previous else None, out)
        if isinstance(failure, Failure) or not out.is_file():
            reason = failure.reason if isinstance(failure, Failure) else "未能生成标注版"
            abort(503, description=f"{reason}。校验结果见报送页面；原文件仍可下载。")
        data = out.read_bytes()
    stem = sub.filename.rsplit(".", 1)[0]
    return _send_bytes(data, f"标注-{stem}.xlsx")


def _disposition(filename: str) -> str:
    ascii_name = "".join(ch if ch.isascii() and ch.isalnum() or ch in "._-" else "_" for ch in filename) or "file.xlsx"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _send(path: Path, filename: str):
    response = send_file(path, mimetype=XLSX if filename.lower().endswith(".xlsx") else "application/octet-stream", max_age=0)
    response.headers["Content-Disposition"] = _disposition(filename)
    return response


def _send_bytes(data: bytes, filename: str, mimetype: str = XLSX):
    from flask import Response

    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = _disposition(filename)
    return response


@bp.route("/filings")
@login_required
def filings():
    service = g.service
    account = g.account
    unit_id = account.unit_id
    if account.is_office:
        try:
            unit_id = int(request.args.get("unit", ""))
        except ValueError:
            return redirect(url_for("office.status"))
    elif request.args.get("unit") not in (None, "", str(account.unit_id)):
        abort(403, description="您的账号只能查看本单位的报送。")
    unit = service.ledger.unit(unit_id)
    if unit is None:
        abort(404)
    history = service.ledger.history(unit_id)
    by_slot: dict = {}
    for sub in history:
        by_slot.setdefault((sub.form, sub.period), []).append(sub)
    groups = []
    for slot in service.schedule.slots:
        versions = by_slot.pop(slot.key, [])
        rows = []
        for i, sub in enumerate(versions):
            rows.append((sub, compare(versions[i - 1].findings, sub.findings) if i > 0 else None))
        groups.append((slot, list(reversed(rows))))
    # Filings for slots no longer in the schedule are still shown.
    for key, versions in by_slot.items():
        rows = [(sub, compare(versions[i - 1].findings, sub.findings) if i > 0 else None) for i, sub in enumerate(versions)]
        groups.append((None, list(reversed(rows))))
    return render_template("filings.html", unit=unit, groups=groups)
