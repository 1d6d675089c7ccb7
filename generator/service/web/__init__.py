"""The upload service's web application (Flask; served by waitress in `yaojian serve`).

    app = create_app(Service(ledger, project, schedule, checker))

Pages (all Chinese): 登录, 上传, 我的报送 and a filing's result (units); 报送情况 and 汇总
(the campaign office).  No page loads anything from another server and none needs
script: forms, links, tables and server-drawn SVG work in any Chromium-based browser.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from flask import Flask, g, render_template, request, session

from generator.validate.pool import Checker
from generator.service.ledger import Ledger, utcnow
from generator.service.slots import OFFICE_TZ, Schedule
from generator.service.web import security

HERE = Path(__file__).resolve().parent
DEFAULT_MAX_UPLOAD = 10 * 1024 * 1024
FORM_OVERHEAD = 64 * 1024  # the multipart envelope and the small fields around the file


@dataclass
class Service:
    ledger: Ledger
    project: object
    schedule: Schedule
    checker: Checker
    max_upload: int = DEFAULT_MAX_UPLOAD
    office_name: str | None = None
    now: Callable[[], datetime] = field(default=utcnow)

    @property
    def district(self) -> str:
        return self.office_name or self.schedule.office_name()


def create_app(service: Service) -> Flask:
    app = Flask(__name__, template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"))
    app.session_interface = security.SessionInterface()
    app.config.update(
        SECRET_KEY=service.ledger.setting("session_key", make=lambda: secrets.token_urlsafe(48)),
        SESSION_COOKIE_NAME="yaojian_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        MAX_CONTENT_LENGTH=service.max_upload + FORM_OVERHEAD,
        MAX_FORM_MEMORY_SIZE=FORM_OVERHEAD,
        TEMPLATES_AUTO_RELOAD=False,
        JSON_AS_ASCII=False,
    )
    app.extensions["yaojian"] = service

    from generator.service.web import office, pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(office.bp)

    @app.before_request
    def _before():
        g.service = service
        g.account = None
        account_id = session.get("account_id")
        if account_id is not None:
            from generator.service.accounts import Accounts

            account = Accounts(service.ledger).by_id(account_id)
            if account is None or account.disabled or session.get("stamp") != account.stamp:
                session.clear()
            else:
                g.account = account
        if request.method in security.UNSAFE:
            if request.endpoint == "pages.upload":
                length = request.content_length
                if length is not None and length > app.config["MAX_CONTENT_LENGTH"]:
                    return pages.too_large_response(length)
            if not security.csrf_ok():
                return render_template("error.html", code=400, title="请求被拒绝",
                                       message="表单缺少有效的安全令牌（可能是页面停留过久或在别处打开过）。请返回、刷新页面后重新提交。"), 400

    app.after_request(security.add_headers)

    @app.context_processor
    def _globals():
        return {
            "csrf_token": security.csrf_token,
            "account": g.get("account"),
            "service": service,
            "schedule": service.schedule,
            "local_time": local_time,
            "remedy_of": remedy_of,
        }

    from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc):
        return pages.too_large_response(request.content_length)

    @app.errorhandler(HTTPException)
    def _http(exc):
        titles = {400: "请求有误", 403: "无权访问", 404: "找不到页面", 405: "不支持的操作", 429: "尝试过于频繁", 503: "暂不可用"}
        return render_template(
            "error.html", code=exc.code, title=titles.get(exc.code, "出错了"),
            message=exc.description if exc.description and not exc.description.isascii() else _default_message(exc.code),
        ), exc.code

    @app.errorhandler(Exception)
    def _crash(exc):
        app.logger.exception("unhandled error")
        return render_template("error.html", code=500, title="服务器内部错误",
                               message="处理请求时出错，这不是您的文件的问题。请稍后重试；如仍出现，请联系工作小组办公室。"), 500

    return app


def _default_message(code: int | None) -> str:
    return {
        400: "请求有误，请返回后重试。",
        403: "您的账号无权访问此页或此文件。",
        404: "没有这个页面或这份报送。",
        405: "不支持这种操作。",
        429: "尝试过于频繁，请稍后再试。",
    }.get(code or 0, "出错了，请返回后重试。")


def remedy_of(finding: dict) -> str:
    """The catalogue's remedy for a finding (as a dict); empty if the code is unknown."""
    from generator.findings import catalogue, render

    kind = catalogue().get(finding.get("code") or "")
    return render(kind.remedy, finding.get("params") or {}) if kind else ""


def local_time(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if moment is None:
        return ""
    return moment.astimezone(OFFICE_TZ).strftime(fmt)
