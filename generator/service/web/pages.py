"""登录, 上传, 我的报送 and a filing's own page, with its downloads."""

from __future__ import annotations

import math
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
        wait = accounts.wait(username, remote, g.service.now())
        if wait:
            error = (f"登录失败次数过多，请{_duration(wait)}后再试；"
                     "如忘记密码，请联系工作小组办公室重设。")
            status = 429
        else:
            account = accounts.authenticate(username, password, remote)
            if account is None:
                error = "账号或密码不正确，或账号已停用。"
                status = 401
            else:
                from generator.service.sessions import Sessions

                Sessions(g.service.ledger).end(session.get("sid"))
                session.clear()  # a new session at every login (no fixation)
                session.permanent = False  # the cookie ends with the browser
                session["sid"] = Sessions(g.service.ledger).start(account.id, g.service.now())
                return redirect(_safe_next(request.args.get("next")) or url_for("pages.index"), code=303)
    return render_template("login.html", error=error, username=username), status


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f" {seconds} 秒"
    return f" {math.ceil(seconds / 60)} 分钟"


@bp.route("/logout", methods=["POST"])
def logout():
    from generator.service.sessions import Sessions

    Sessions(g.service.ledger).end(session.get("sid"))
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
        limit_mb=g.service.max_upload / 1024 / 1024, error=None, prose=_is_prose(form_id),
    )


def _is_prose(form_id: str) -> bool:
    """A written report (附件2/附件3): filed as .docx or .xlsx, with a draft to download."""
    from generator.forms.document import is_prose
    from generator.forms.model import load_forms

    form = load_forms(g.service.project.forms).get(form_id)
    return form is not None and is_prose(form)


def _quarter_before(latest: dict, accepted: list) -> dict | None:
    """The latest accepted monthly filing dated before the quarter of `latest` began."""
    from datetime import date

    def day(doc) -> date | None:
        try:
            return date.fromisoformat(str((doc.get("header") or {}).get("report_date"))[:10])
        except (ValueError, AttributeError):
            return None

    d = day(latest)
    if d is None:
        return None
    start = date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    earlier = [(day(s.document), s.document) for s in accepted if s.document and day(s.document)]
    earlier = [x for x in earlier if x[0] < start]
    return max(earlier, key=lambda x: x[0])[1] if earlier else None


@bp.route("/drafts/<form_id>")
@unit_required
def report_draft(form_id: str):
    """下载本期报告草稿: the prose report drafted from the unit's latest accepted monthly filing."""
    import io

    from generator import content as content_mod
    from generator.forms.document import is_prose
    from generator.forms.draft import build_draft
    from generator.forms.model import load_forms

    service = g.service
    forms = load_forms(service.project.forms)
    form = forms.get(form_id)
    if form is None or not is_prose(form):
        abort(404)
    monthly = next((forms[f] for f in service.schedule.forms() if f in forms and not is_prose(forms[f])), None)
    accepted = [s for s in service.ledger.history(unit_id=g.account.unit_id, form=monthly.id) if s.valid] if monthly else []
    if not accepted or not accepted[-1].document:
        abort(404, description="本单位还没有通过校验的月报，无法生成报告草稿。请先报送月报，或下载空白模板填写。")
    latest = accepted[-1].document
    doc = build_draft(form, monthly, latest, content_mod.load(service.project), _quarter_before(latest, accepted))
    buf = io.BytesIO()
    doc.save(buf)
    return _send_bytes(buf.getvalue(), f"{form.title}-草稿.docx", DOCX)


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
            limit_mb=service.max_upload / 1024 / 1024, error="请选择报表和期间。", prose=_is_prose(fid),
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


MAX_ID = 2**31 - 1  # the ledger's ids are 32-bit integers (PostgreSQL INTEGER)


def _visible(submission_id: int):
    if not 0 < submission_id <= MAX_ID:
        abort(404)
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
        received=request.args.get("received"), notes=sub.report.get("service") or [], word=_is_word(sub),
    )


def _is_word(sub) -> bool:
    """A prose report filed as a Word document (by its content)."""
    from generator.docx import sniff_document

    try:
        return sniff_document(g.service.ledger.file_path(sub).read_bytes()) is not None
    except OSError:
        return False


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
    from generator.docx import sniff_document

    if sniff_document(data):  # a prose report filed as a Word document: its commented copy
        return _send_bytes(data, f"标注-{stem}.docx", DOCX)
    return _send_bytes(data, f"标注-{stem}.xlsx")


def _disposition(filename: str) -> str:
    ascii_name = "".join(ch if ch.isascii() and ch.isalnum() or ch in "._-" else "_" for ch in filename) or "file.xlsx"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _send(path: Path, filename: str):
    mimetype = {".xlsx": XLSX, ".docx": DOCX}.get(Path(filename).suffix.lower(), "application/octet-stream")
    response = send_file(path, mimetype=mimetype, max_age=0)
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
        if not 0 < unit_id <= MAX_ID:
            abort(404)
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
