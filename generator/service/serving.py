"""Running the service's web application under waitress, and stopping it cleanly.

- Waitress answers a few requests itself, before the application sees them: a garbage
  request line (400), headers past its limit (431), a body past its cap (413).  Its own
  pages are English text; here they are the application's Chinese pages, rendered once at
  start-up.
- `run(server)` serves until SIGINT or SIGTERM, then stops accepting connections, lets
  the requests in progress finish and their answers go out (up to DRAIN seconds), and
  returns; the caller then stops the validation workers and closes the ledger.
"""

from __future__ import annotations

import signal
import time

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.task import ErrorTask

DRAIN = 60.0  # seconds the requests in progress get to finish at a stop


def error_pages(app) -> dict[int, bytes]:
    """The Chinese pages for waitress's own refusals, rendered by the application."""
    from flask import g, render_template

    from generator.service.web import pages as web_pages

    service = app.extensions["yaojian"]
    out: dict[int, bytes] = {}
    with app.test_request_context("/"):
        g.service = service
        g.account = None
        out[400] = render_template("error.html", code=400, title="请求有误",
                                   message="浏览器发来的请求无法识别。请返回后重试。").encode()
        out[431] = render_template("error.html", code=431, title="请求有误",
                                   message="请求头过大（可能是浏览器保存的 Cookie 过多）。请清除本站的 Cookie 后重试。").encode()
        out[413] = web_pages.too_large_response(None)[0].encode()
    return out


def _task_class(pages: dict[int, bytes]):
    from generator.service.web.security import SECURITY_HEADERS

    class ChineseErrorTask(ErrorTask):
        def execute(self):
            error = self.request.error
            body = pages.get(error.code) or pages[400]
            self.status = f"{error.code} {error.reason}"
            self.response_headers.extend([("Content-Type", "text/html; charset=utf-8"), *SECURITY_HEADERS.items()])
            self.set_close_on_finish()
            self.content_length = len(body)
            self.write(body)

    return ChineseErrorTask


def _listeners(server) -> list[BaseWSGIServer]:
    if isinstance(server, BaseWSGIServer):
        return [server]
    return [s for s in server.map.values() if isinstance(s, BaseWSGIServer)]


def speak_chinese(server, app) -> None:
    """Make waitress answer its own refusals with the application's Chinese pages."""
    channel = type("ChineseChannel", (HTTPChannel,), {"error_task_class": _task_class(error_pages(app))})
    for listener in _listeners(server):
        listener.channel_class = channel


def run(server) -> int:
    """Serve until SIGINT/SIGTERM; then drain and return the signal's number."""
    stop: list[int] = []

    def on_signal(signum, _frame):
        stop.append(signum)

    old = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    listeners = _listeners(server)
    socket_map = listeners[0]._map
    adj = listeners[0].adj
    try:
        while not stop:
            wasyncore.loop(timeout=min(adj.asyncore_loop_timeout, 1.0), map=socket_map,
                           use_poll=adj.asyncore_use_poll, count=1)
        for listener in listeners:  # stop accepting; keep the trigger for the worker threads
            wasyncore.dispatcher.close(listener)
        deadline = time.monotonic() + DRAIN
        while time.monotonic() < deadline and _busy(socket_map, listeners[0]):
            wasyncore.loop(timeout=0.05, map=socket_map, use_poll=adj.asyncore_use_poll, count=1)
        listeners[0].task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        for obj in list(socket_map.values()):
            if isinstance(obj, HTTPChannel):
                obj.close()
        for listener in listeners:
            listener.trigger.close()
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
    return stop[0] if stop else 0


def _busy(socket_map, listener) -> bool:
    """Whether any request is still being received, run, or answered."""
    dispatcher = listener.task_dispatcher
    if dispatcher.queue or dispatcher.active_count:
        return True
    for obj in socket_map.values():
        receiving = obj.request is not None and obj.request.headers_finished and not obj.request.completed \
            if isinstance(obj, HTTPChannel) else False
        if isinstance(obj, HTTPChannel) and (obj.requests or obj.total_outbufs_len or receiving):
            return True
    return False
