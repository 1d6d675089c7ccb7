"""One address for the office: the built site at `/`, the service under `/filing/`.

`portal(service_app, site_dir, trusted_proxy)` is the WSGI application `yaojian serve`
runs.  It sends `/filing/...` to the service (Flask sees SCRIPT_NAME=/filing, so every
`url_for` carries the prefix) and everything else to the built site's files, with cache
headers: pages, calendars and workbooks are revalidated on every visit (a rebuild shows at
once), Material's fingerprinted bundles are cached for a year, our own assets for an hour.

Behind a reverse proxy that publishes yaojian under a path (https://host/yaojian/), the
proxy says so with `X-Forwarded-Prefix: /yaojian` (or `X-Script-Name`); the header is
believed only from the `--trusted-proxy` address and only if it is a plain path.  Waitress's
own handling of X-Forwarded-For/Proto runs inside, after the peer has been checked here.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

PREFIX = "/filing"  # where the service's pages live, under the site
# Material's bundles carry a content hash in their names (bundle.4f3c2a1b.min.js).
_FINGERPRINTED = re.compile(r"\.[0-9a-f]{8,}\.min\.(js|css)$")
_SAFE_PREFIX = re.compile(r"^(/[A-Za-z0-9._~-]+)+$")
_NO_CACHE = "no-cache"  # may be stored, but revalidated (ETag / Last-Modified) each time

mimetypes.add_type("text/calendar", ".ics")
mimetypes.add_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
mimetypes.add_type("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")


def cache_control(path: str) -> str:
    """The Cache-Control of a site file (its path inside site/)."""
    if path.startswith("assets/"):
        if _FINGERPRINTED.search(path):
            return "public, max-age=31536000, immutable"
        return "public, max-age=3600"
    if path.endswith((".woff", ".woff2", ".png", ".svg", ".ico")):
        return "public, max-age=86400"
    return _NO_CACHE


def site_app(site_dir: Path | None):
    """A small Flask app that serves the built site's files, or explains that there is none."""
    from flask import Flask, redirect, request, send_from_directory
    from werkzeug.exceptions import HTTPException, NotFound
    from werkzeug.security import safe_join

    app = Flask("yaojian.site", static_folder=None)
    root = Path(site_dir).resolve() if site_dir else None

    @app.errorhandler(HTTPException)
    def _chinese(exc):  # werkzeug's own pages are English
        from html import escape

        text = {404: "找不到页面。", 405: "网站的页面只能查看，不支持这种操作。"}.get(exc.code or 0, "请求有误。")
        body = (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(text)}</title></head>'
                f'<body><p>{escape(text)}</p><p><a href="{escape(request.script_root)}/">返回首页</a></p></body></html>\n')
        response = app.response_class(body, exc.code or 400, content_type="text/html; charset=utf-8")
        if exc.code == 405:
            response.headers["Allow"] = "GET, HEAD"
        return response

    def _headers(response, path: str):
        response.headers["Cache-Control"] = cache_control(path)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response

    @app.route("/", defaults={"path": ""})
    @app.route("/<path:path>")
    def serve(path: str):
        if root is None or not (root / "index.html").is_file():
            # No site built (yet): the service is all there is.
            return redirect(request.script_root + PREFIX + "/", code=302)
        if path == "" or path.endswith("/"):
            path += "index.html"
        full = safe_join(str(root), path)
        if full is not None and Path(full).is_dir():
            return redirect(request.script_root + "/" + path + "/", code=301)
        try:
            response = send_from_directory(root, path, conditional=True, max_age=None)
        except NotFound:
            page = root / "404.html"
            if not page.is_file():
                return "找不到页面", 404, {"Content-Type": "text/plain; charset=utf-8"}
            response = send_from_directory(root, "404.html", conditional=False)
            response.status_code = 404
            return _headers(response, "404.html")
        return _headers(response, path)

    return app


def portal(service_app, site_dir: Path | None, trusted_proxy: str | None = None, trusted_headers=None):
    """The WSGI application of `yaojian serve`: site at /, service under PREFIX."""
    from waitress.proxy_headers import proxy_headers_middleware

    site = site_app(site_dir)

    def dispatch(environ, start_response):
        path = environ.get("PATH_INFO") or "/"
        if path == PREFIX:
            location = environ.get("SCRIPT_NAME", "") + PREFIX + "/"
            qs = environ.get("QUERY_STRING")
            start_response("301 Moved Permanently", [("Location", location + ("?" + qs if qs else "")),
                                                     ("Content-Length", "0")])
            return [b""]
        if path.startswith(PREFIX + "/"):
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + PREFIX
            environ["PATH_INFO"] = path[len(PREFIX):]
            return service_app(environ, start_response)
        return site(environ, start_response)

    inner = proxy_headers_middleware(
        dispatch, trusted_proxy=trusted_proxy, trusted_proxy_headers=trusted_headers or set(),
        clear_untrusted=True,
    )

    def app(environ, start_response):
        # The proxy's path prefix, from the trusted proxy only (checked before waitress's
        # middleware replaces REMOTE_ADDR with the client's address).
        given = environ.pop("HTTP_X_FORWARDED_PREFIX", None) or environ.pop("HTTP_X_SCRIPT_NAME", None)
        environ.pop("HTTP_X_SCRIPT_NAME", None)
        peer = environ.get("REMOTE_ADDR")
        if given and trusted_proxy and (trusted_proxy == "*" or peer == trusted_proxy):
            given = given.strip().rstrip("/")
            if _SAFE_PREFIX.match(given):
                environ["SCRIPT_NAME"] = given + environ.get("SCRIPT_NAME", "")
                path = environ.get("PATH_INFO") or ""
                if path == given or path.startswith(given + "/"):  # a proxy that did not strip it
                    environ["PATH_INFO"] = path[len(given):] or "/"
        return inner(environ, start_response)

    return app
