"""Sessions, CSRF tokens, login rate limits, roles and security headers.

- The session is Flask's signed cookie, signed with a key made once and kept in the
  ledger; it is HttpOnly, SameSite=Lax, and Secure whenever the request came over https
  (directly or through a trusted proxy).  It carries the account id and the account's
  stamp: changing the password or disabling the account ends every session of it.
- Every POST carries the session's CSRF token (a hidden form field, or the header
  X-CSRF-Token); a POST without it, or with another, is refused (400) before anything
  else happens.
- The unit a request acts for is always the logged-in account's unit.
"""

from __future__ import annotations

import hmac
import secrets
from functools import wraps

from flask import abort, g, request, session
from flask.sessions import SecureCookieSessionInterface

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


class SessionInterface(SecureCookieSessionInterface):
    def get_cookie_secure(self, app) -> bool:  # noqa: D401 - Flask API
        try:
            return bool(request.is_secure)
        except RuntimeError:  # outside a request
            return bool(app.config.get("SESSION_COOKIE_SECURE"))


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def csrf_ok() -> bool:
    expected = session.get("csrf")
    given = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    return bool(expected) and hmac.compare_digest(str(expected), str(given))


def remote_address() -> str:
    return request.remote_addr or "?"


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("account") is None:
            from flask import redirect, url_for

            return redirect(url_for("pages.login", next=request.full_path if request.method == "GET" else None))
        return view(*args, **kwargs)

    return wrapper


def office_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not g.account.is_office:
            abort(403, description="只有工作小组办公室的账号可以查看此页。")
        return view(*args, **kwargs)

    return wrapper


def unit_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if g.account.is_office:
            abort(403, description="报送须使用单位账号登录：办公室账号不代任何单位报送。")
        return view(*args, **kwargs)

    return wrapper


def may_see(unit_id: int) -> bool:
    """Office accounts see every unit; a unit account sees only its own."""
    account = g.get("account")
    return account is not None and (account.is_office or account.unit_id == unit_id)


SECURITY_HEADERS = {
    # Nothing is loaded from anywhere but this server; no script runs at all.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def add_headers(response):
    for key, value in SECURITY_HEADERS.items():
        response.headers.setdefault(key, value)
    if g.get("account") is not None:
        response.headers["Cache-Control"] = "no-store"
    return response
