"""Loopback servers for the monitoring tests: a site (feeds, sitemaps, robots.txt, article
pages, ETags and 304s, slow answers, 404/500, redirects) and a webhook receiver. Nothing
leaves 127.0.0.1."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    delay: float = 0.0  # seconds before answering (a slow server)
    location: str | None = None  # a redirect's target
    etag: bool = True  # answer If-None-Match with 304 when the body did not change


@dataclass
class Hit:
    path: str
    at: float  # time.monotonic() when the request arrived
    user_agent: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class Site:
    """Routes by path; every request is logged in ``hits``."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.url = ""
        self.in_flight = 0
        self.most_in_flight = 0  # the most requests answered at once

    def put(self, path: str, body: str | bytes = b"", **options: object) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Route(data, **options)  # type: ignore[arg-type]

    def paths(self) -> list[str]:
        with self.lock:
            return [h.path for h in self.hits]

    def answer(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            self._answer(handler, body)
        finally:
            with self.lock:
                self.in_flight -= 1

    def _answer(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        route = self.routes.get(handler.path.split("?")[0])
        status = 404 if route is None else route.status
        if route is not None and route.delay:
            time.sleep(route.delay)
        tag = f'"{hashlib.sha1(route.body).hexdigest()[:12]}"' if route else ""
        if route is not None and route.etag and status == 200 and \
                handler.headers.get("If-None-Match") == tag:
            status = 304
        with self.lock:
            self.hits.append(Hit(handler.path, time.monotonic(),
                                 handler.headers.get("User-Agent", ""), status,
                                 {k.lower(): v for k, v in handler.headers.items()}, body))
        handler.send_response(status)
        payload = route.body if route is not None and status == 200 else b""
        if route is not None and route.location:
            handler.send_header("Location", route.location)
        if route is not None and route.etag and status in (200, 304):
            handler.send_header("ETag", tag)
        if route is not None:
            handler.send_header("Content-Type", route.content_type)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(payload)


class _Handler(BaseHTTPRequestHandler):
    site: Site

    def do_GET(self) -> None:
        self.site.answer(self, b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.site.answer(self, self.rfile.read(length))

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


@contextmanager
def serve_site() -> Iterator[Site]:
    site = Site()
    handler = type("Handler", (_Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def rss(title: str, items: list[tuple[str, str, str]], language: str = "en") -> str:
    """An RSS 2.0 feed of (link, title, RFC 822 date) items."""
    body = "".join(f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
                   f"<pubDate>{d}</pubDate></item>" for link, t, d in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
            f"<language>{language}</language>{body}</channel></rss>")


def article_page(title: str, paragraphs: list[str], published: str, lang: str = "en") -> str:
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}'
            f'</title><meta property="article:published_time" content="{published}"></head>'
            f"<body><nav>Home | World | Sport</nav><article><h1>{title}</h1>{text}</article>"
            f"<footer>Copyright Example News</footer></body></html>")
