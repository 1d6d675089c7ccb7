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
    profile: object = None  # generator.content.office.Profile: the office, its 报送单位
    site: Path | None = None  # the built site, served at / by `yaojian serve` (None: not built)

    @property
    def district(self) -> str:
        return self.office_name or getattr(self.profile, "office", "") or self.schedule.office_name()

    @property
    def units(self) -> list[str]:
        """The 报送单位 of the office profile (empty without one)."""
        return list(getattr(self.profile, "units", None) or [])


def create_app(service: Service) -> Flask:
    from generator.service.web import multipart

    multipart.install()
    app = Flask(__name__, template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"))
    app.session_interface = security.SessionInterface()
    app.config.update(
        SECRET_KEY=service.ledger.setting("session_key", make=lambda: secrets.token_urlsafe(48)),
        SESSION_COOKIE_NAME="yaojian_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # The cookie lives until the browser closes; the server ends the session after
        # 2 hours idle or 8 hours in all (generator.service.sessions).
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        MAX_CONTENT_LENGTH=service.max_upload + FORM_OVERHEAD,
        MAX_FORM_MEMORY_SIZE=FORM_OVERHEAD,
        TEMPLATES_AUTO_RELOAD=False,
        JSON_AS_ASCII=False,
    )
    app.extensions["yaojian"] = service

    from generator.service.web import mine, office, online, pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(office.bp)
    app.register_blueprint(mine.bp)
    app.register_blueprint(online.bp)

    @app.before_request
    def _before():
        g.service = service
        g.account = None
        if request.routing_exception is not None:
            return None  # 404/405 are answered as such, before any session or CSRF check
        token = session.get("sid")
        if token is not None:
            from generator.service.sessions import Sessions

            account = Sessions(service.ledger).account(token, service.now())
            if account is None:
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
            "site_root": site_root,
            "kind_tag": kind_tag,
        }

    from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc):
        return pages.too_large_response(request.content_length)

    @app.errorhandler(HTTPException)
    def _http(exc):
        titles = {400: "请求有误", 403: "无权访问", 404: "找不到页面", 405: "不支持的操作", 429: "尝试过于频繁", 503: "暂不可用"}
        headers = {"Allow": ", ".join(sorted(exc.valid_methods))} if getattr(exc, "valid_methods", None) else {}
        return render_template(
            "error.html", code=exc.code, title=titles.get(exc.code, "出错了"),
            message=exc.description if exc.description and not exc.description.isascii() else _default_message(exc.code),
        ), exc.code, headers

    @app.errorhandler(Exception)
    def _crash(exc):
        app.logger.exception("unhandled error")
        return render_template("error.html", code=500, title="服务器内部错误",
                               message="处理请求时出错，这不是您的文件的问题。请稍后重试；如仍出现，请联系工作小组办公室。"), 500

    return app


def site_root() -> str | None:
    """The URL of the site served beside the service ("/" or the proxy's prefix), or None
    when there is no built site: the shared header then leaves the site's links out."""
    if g.get("service") is None or g.service.site is None:
        return None
    root = request.script_root
    from generator.service.web.portal import PREFIX

    if root.endswith(PREFIX):
        root = root[: -len(PREFIX)]
    return root + "/"


def _default_message(code: int | None) -> str:
    return {
        400: "请求有误，请返回后重试。",
        403: "您的账号无权访问此页或此文件。",
        404: "没有这个页面或这份报送。",
        405: "不支持这种操作。",
        429: "尝试过于频繁，请稍后再试。",
    }.get(code or 0, "出错了，请返回后重试。")


def kind_tag(code: str):
    """A finding's Chinese title, muted; its code only in the tooltip (see validate.html)."""
    from markupsafe import Markup

    from generator.validate.html import kind_tag as tag

    return Markup(tag(code))


def remedy_of(finding: dict) -> str:
    """A finding's remedy (the finding as a dict): the one rendered when it was found, or,
    for a dict stored without it, rendered again from the same code, variant and facts;
    empty if the code is unknown."""
    from generator.findings import Finding, catalogue

    if finding.get("remedy"):
        return str(finding["remedy"])
    if (finding.get("code") or "") not in catalogue():
        return ""
    return Finding.from_dict(finding).remedy


def local_time(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if moment is None:
        return ""
    return moment.astimezone(OFFICE_TZ).strftime(fmt)
