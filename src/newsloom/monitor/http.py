"""A polite HTTP client for ``newsloom fetch``, over httpx.

Polite means: a User-Agent that says who we are; robots.txt obeyed (stdlib robotparser, one
copy per host and run, its Crawl-delay honoured); per host at most ``rate`` request starts a
second and ``concurrency`` requests in flight (every redirect hop and retry counts, robots.txt
too); conditional GETs (ETag / Last-Modified) so an unchanged feed costs a 304; timeouts,
retries with doubling back-off on timeouts, refused connections, 429 and 5xx (a Retry-After
is waited for, capped); a cap on the body size, read as a stream and cut off beyond it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from newsloom.settings import settings

log = logging.getLogger("newsloom")

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_MAX_RETRY_AFTER = 60.0  # seconds: a longer Retry-After is a failed poll, retried next time


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    user_agent: str
    rate: float  # request starts per second per host
    concurrency: int  # requests in flight per host
    timeout: float
    retries: int
    max_bytes: int
    backoff: float = 0.5  # seconds before the first retry, doubled each time
    max_redirects: int = 5

    @classmethod
    def from_settings(cls) -> FetchPolicy:
        knobs = settings()
        return cls(knobs.fetch_user_agent, knobs.fetch_rate, knobs.fetch_host_concurrency,
                   knobs.fetch_timeout, knobs.fetch_retries,
                   int(knobs.max_document_mb * 1024 * 1024))


@dataclass(frozen=True, slots=True)
class Fetched:
    """The outcome of a GET: ``status`` 0 when no response came (``error`` says why)."""

    url: str  # after redirects
    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


class _HostGate:
    """One host's pace: request starts at least ``interval`` apart, ``slots`` in flight."""

    def __init__(self, interval: float, slots: int) -> None:
        self.interval = interval
        self.slots = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._next = 0.0

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self.slots:
            with self._lock:  # starts are spaced while holding it, so they queue in order
                wait = self._next - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                self._next = time.monotonic() + self.interval
            yield


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class PoliteClient:
    """GETs under the policy; thread-safe (``newsloom fetch`` runs one thread per host)."""

    def __init__(self, policy: FetchPolicy, transport: httpx.BaseTransport | None = None
                 ) -> None:
        self.policy = policy
        self._http = httpx.Client(headers={"User-Agent": policy.user_agent},
                                  timeout=policy.timeout, follow_redirects=False,
                                  transport=transport)
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, RobotFileParser | None] = {}
        self._lock = threading.Lock()
        self.requests = 0  # every request sent (benchmarks and tests count them)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- robots.txt ----------------------------------------------------------------------------
    def allowed(self, url: str) -> bool:
        """Whether robots.txt of ``url``'s host lets our User-Agent fetch it. No robots.txt
        (4xx) allows everything; one that cannot be read (5xx, no answer) allows nothing this
        run, as its rules are unknown."""
        rules = self._rules(host_of(url))
        return rules is not None and rules.can_fetch(self.policy.user_agent, url)

    def _rules(self, host: str) -> RobotFileParser | None:
        with self._lock:
            if host in self._robots:
                return self._robots[host]
        got = self._get(f"{host}/robots.txt", {})
        lines: list[str] | None = None
        if got.status == 200:
            lines = got.body.decode("utf-8", "replace").splitlines()
        elif got.status in (401, 403):  # as robotparser reads them: all disallowed
            lines = ["User-agent: *", "Disallow: /"]
        elif 400 <= got.status < 500:  # no robots.txt: all allowed
            lines = []
        else:
            log.warning("robots.txt of %s unreadable (%s): nothing fetched from it this run",
                        host, got.error or f"http {got.status}")
        rules: RobotFileParser | None = None
        if lines is not None:
            rules = RobotFileParser()
            rules.parse(lines)
        with self._lock:
            self._robots[host] = rules
        delay = rules.crawl_delay(self.policy.user_agent) if rules is not None else None
        if delay:
            self._gate(host).interval = max(self._gate(host).interval, float(delay))
        return rules

    # -- GET -----------------------------------------------------------------------------------
    def get(self, url: str, etag: str | None = None, last_modified: str | None = None
            ) -> Fetched:
        """GET ``url`` if robots.txt allows it (status 0 and an error if not)."""
        if not self.allowed(url):
            return Fetched(url, 0, error="robots.txt disallows it")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._get(url, headers)

    def _gate(self, host: str) -> _HostGate:
        with self._lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = self._gates[host] = _HostGate(1.0 / self.policy.rate,
                                                     self.policy.concurrency)
            return gate

    def _get(self, url: str, headers: dict[str, str]) -> Fetched:
        """Follow redirects hop by hop (each paced, each checked against robots.txt)."""
        for _ in range(self.policy.max_redirects + 1):
            got, location = self._with_retries(url, headers)
            if location is None:
                return got
            url = urljoin(url, location)
            if not url.endswith("/robots.txt") and not self.allowed(url):
                return Fetched(url, 0, error="redirected to a URL robots.txt disallows")
        return Fetched(url, 0, error=f"more than {self.policy.max_redirects} redirects")

    def _with_retries(self, url: str, headers: dict[str, str]) -> tuple[Fetched, str | None]:
        wait = self.policy.backoff
        for attempt in range(self.policy.retries + 1):
            got, location, retry_after = self._once(url, headers)
            retry = got.status in _RETRY_STATUS or (got.status == 0 and got.error is not None
                                                    and not got.error.startswith("larger"))
            if not retry or attempt == self.policy.retries:
                return got, location
            pause = retry_after if retry_after is not None else wait
            if pause > _MAX_RETRY_AFTER:
                return got, location
            log.info("retrying %s in %.1f s (%s)", url, pause, got.error or got.status)
            time.sleep(pause)
            wait *= 2
        raise AssertionError("unreachable")

    def _once(self, url: str, headers: dict[str, str]
              ) -> tuple[Fetched, str | None, float | None]:
        with self._gate(host_of(url)).turn():
            with self._lock:
                self.requests += 1
            try:
                with self._http.stream("GET", url, headers=headers) as response:
                    if response.status_code in _REDIRECTS and "location" in response.headers:
                        return (Fetched(url, response.status_code), response.headers["location"],
                                None)
                    body, error = self._read(response)
                    return (Fetched(str(response.url), response.status_code, body,
                                    response.headers.get("etag"),
                                    response.headers.get("last-modified"),
                                    response.headers.get("content-type"),
                                    error or _status_error(response.status_code)),
                            None, _retry_after(response.headers.get("retry-after")))
            except httpx.TimeoutException:
                timeout = f"timed out after {self.policy.timeout:g} s"
                return Fetched(url, 0, error=timeout), None, None
            except httpx.HTTPError as exc:
                return Fetched(url, 0, error=f"{type(exc).__name__}: {exc}"), None, None

    def _read(self, response: httpx.Response) -> tuple[bytes, str | None]:
        limit = self.policy.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return b"", f"larger than {limit} bytes"
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                return b"", f"larger than {limit} bytes"
            chunks.append(chunk)
        return b"".join(chunks), None


def _status_error(status: int) -> str | None:
    return None if status in (200, 304) else f"http {status}"


def _retry_after(value: str | None) -> float | None:
    return float(value) if value and value.strip().isdigit() else None
