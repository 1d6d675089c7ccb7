"""A small HTTP client for the service tests: one cookie jar, forms, multipart uploads.

Only ever talks to 127.0.0.1; every request has a timeout.
"""

from __future__ import annotations

import html
import http.client
import re
import secrets
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlparse

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def codes(self) -> list[str]:
        """Finding codes on the page (kept out of sight, in data-code attributes)."""
        return re.findall(r'data-code="([a-z0-9-]+)"', self.text)


class Client:
    def __init__(self, base: str, timeout: float = 120):
        parts = urlparse(base)
        assert parts.hostname == "127.0.0.1", "tests talk to 127.0.0.1 only"
        self.host, self.port = parts.hostname, parts.port
        # The service lives under a path of the address (`yaojian serve`: /filing/); paths
        # given to the client and the URLs of its responses are relative to it.
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                follow: bool = True) -> Response:
        for _ in range(5):  # bounded redirects
            conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                h = dict(headers or {})
                if self.cookies:
                    h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
                full = path if not self.prefix or path.startswith(self.prefix + "/") else self.prefix + path
                conn.request(method, full, body=body, headers=h)
                r = conn.getresponse()
                data = r.read()
                hdrs = {k.lower(): v for k, v in r.getheaders()}
                for k, v in r.getheaders():
                    if k.lower() == "set-cookie":
                        self.set_cookie_headers.append(v)
                        c = SimpleCookie()
                        c.load(v)
                        for name, morsel in c.items():
                            if morsel.value == "" or morsel["expires"].startswith("Thu, 01 Jan 1970"):
                                self.cookies.pop(name, None)
                            else:
                                self.cookies[name] = morsel.value
            finally:
                conn.close()
            if follow and r.status in (301, 302, 303, 307, 308):
                location = hdrs["location"]
                path = urlparse(location).path + (("?" + urlparse(location).query) if urlparse(location).query else "")
                method, body, headers = "GET", None, None
                continue
            if self.prefix and path.startswith(self.prefix + "/"):
                path = path[len(self.prefix):]
            return Response(r.status, hdrs, data, path)
        raise AssertionError("too many redirects")

    def get(self, path: str, **kw) -> Response:
        return self.request("GET", path, **kw)

    def token(self, path: str = "/login") -> str:
        page = self.get(path)
        m = CSRF.search(page.text)
        assert m, page.text[:500]
        return m.group(1)

    def post_form(self, path: str, fields: dict, **kw) -> Response:
        body = urlencode(fields).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}, **kw)

    def post_multipart(self, path: str, fields: dict, files: dict[str, tuple[str, bytes]], **kw) -> Response:
        boundary = "----yaojian" + secrets.token_hex(8)
        out = bytearray()
        for name, value in fields.items():
            out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, (filename, data) in files.items():
            out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n").encode()
            out += data + b"\r\n"
        out += f"--{boundary}--\r\n".encode()
        return self.request("POST", path, bytes(out), {"Content-Type": f"multipart/form-data; boundary={boundary}"}, **kw)

    def login(self, username: str, password: str) -> Response:
        token = self.token("/login")
        return self.post_form("/login", {"csrf_token": token, "username": username, "password": password})

    def upload(self, data: bytes, filename: str = "月报.xlsx", form: str = "monthly-progress", period: str = "2022-05",
               extra: dict | None = None, token: str | None = None, **kw) -> Response:
        token = token if token is not None else self.token(f"/upload?form={form}")
        fields = {"csrf_token": token, "form": form, "period": period, **(extra or {})}
        return self.post_multipart("/upload", fields, {"file": (filename, data)}, **kw)


def submission_id(response: Response) -> int | None:
    m = re.match(r"/filings/(\d+)", response.url)
    return int(m.group(1)) if m else None


def page_fields(text: str) -> dict[str, str]:
    """What a browser without script posts from an 在线填报 page: every text field,
    textarea and ticked box, by name."""
    fields = {k: html.unescape(v) for k, v in re.findall(r'<input type="text" name="([^"]+)" id="[^"]+" value="([^"]*)"', text)}
    fields.update({k: html.unescape(v) for k, v in re.findall(r'<textarea name="([^"]+)"[^>]*>([^<]*)</textarea>', text)})
    fields.update({m: "√" for m in re.findall(r'<input type="checkbox" name="([^"]+)"[^>]* checked', text)})
    return fields
