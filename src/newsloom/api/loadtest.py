"""A bounded loopback load test of a running ``newsloom serve``.

    python -m newsloom.api.loadtest --url http://127.0.0.1:8000 --duration 30 --concurrency 8

Two phases, each with a fixed number of concurrent clients for a fixed time (and a cap on
requests): a read mix over the API (listings within their first 100 pages, one article, story,
entity or storyline page) for throughput, then
``/api/search`` with queries drawn from the store's own titles for search latency. Only
loopback addresses are accepted: this is a benchmark of one machine, never a traffic source.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    # httpx is a dev-only dependency: imported where a phase runs, so importing this
    # module (check_loopback, percentile) never needs it.
    import httpx

#: Upper bound on requests per phase whatever the duration: the test always stops by itself.
MAX_REQUESTS = 200_000
#: Cross-lingual probes besides the title-derived queries.
FIXED_QUERIES = ("Huawei Russland 5G", "port strike Hamburg", "elections Europe",
                 "Klimawandel Hitze", "vaccin onderzoek")


@dataclass(slots=True)
class PhaseResult:
    name: str
    concurrency: int
    seconds: float
    requests: int
    errors: int
    throughput: float  # requests per second
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    status: dict[str, int] = field(default_factory=dict)
    #: p50 / p95 milliseconds and request count per kind of request
    by_kind: dict[str, dict[str, float]] = field(default_factory=dict)


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]


def check_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise SystemExit(f"refusing to load-test {host!r}: only loopback addresses")


async def run_phase(client: httpx.AsyncClient, name: str,
                    next_path: Callable[[], tuple[str, str]], concurrency: int,
                    duration: float) -> PhaseResult:
    import httpx

    latencies: list[float] = []
    kinds: dict[str, list[float]] = {}
    status: dict[str, int] = {}
    errors = 0
    stop = time.perf_counter() + duration

    async def worker() -> None:
        nonlocal errors
        while time.perf_counter() < stop and len(latencies) + errors < MAX_REQUESTS:
            kind, path = next_path()
            started = time.perf_counter()
            try:
                response = await client.get(path)
                code = str(response.status_code)
            except httpx.HTTPError:
                code = "transport"
            elapsed = (time.perf_counter() - started) * 1000
            status[code] = status.get(code, 0) + 1
            if code == "200":
                latencies.append(elapsed)
                kinds.setdefault(kind, []).append(elapsed)
            else:
                errors += 1

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = time.perf_counter() - began
    sample = latencies or [0.0]
    return PhaseResult(name, concurrency, round(seconds, 2), len(latencies), errors,
                       round(len(latencies) / seconds, 1), round(percentile(sample, .5), 1),
                       round(percentile(sample, .95), 1), round(percentile(sample, .99), 1),
                       round(max(sample), 1), status,
                       {k: {"requests": len(v), "p50_ms": round(percentile(v, .5), 1),
                            "p95_ms": round(percentile(v, .95), 1)}
                        for k, v in sorted(kinds.items())})


def _title_queries(titles: Sequence[str], rng: random.Random, count: int) -> list[str]:
    """Two to four consecutive words of stored titles: what a reader would type."""
    queries: list[str] = []
    for title in rng.sample(list(titles), min(count, len(titles))):
        words = [w for w in title.split() if any(c.isalnum() for c in w)]
        if len(words) >= 2:
            start = rng.randrange(max(1, len(words) - 2))
            queries.append(" ".join(words[start:start + rng.randint(2, 4)]))
    return queries


async def _sample(client: httpx.AsyncClient, rng: random.Random
                  ) -> tuple[int, list[str], list[str], list[str], list[str]]:
    """Total articles, and ids/titles to request, taken from the API itself."""
    total = int((await client.get("/api/articles", params={"limit": 1})).json()["total"])
    articles: list[dict[str, object]] = []
    population = range(max(1, total - 200))
    for offset in sorted(rng.sample(population, min(5, len(population)))):
        page = await client.get("/api/articles", params={"limit": 200, "offset": offset})
        articles += page.json()["items"]
    stories = (await client.get("/api/stories", params={"limit": 200})).json()["items"]
    entities = (await client.get("/api/entities", params={"limit": 200})).json()["items"]
    return (total, [str(a["id"]) for a in articles], [str(s["id"]) for s in stories],
            [str(e["id"]) for e in entities], [str(a["title"]) for a in articles if a["title"]])


async def main_async(args: argparse.Namespace) -> dict[str, object]:
    import httpx

    rng = random.Random(args.seed)
    limits = httpx.Limits(max_connections=args.concurrency)
    async with httpx.AsyncClient(base_url=args.url, timeout=60, limits=limits) as client:
        warm = time.perf_counter()
        total, article_ids, story_ids, entity_ids, titles = await _sample(client, rng)
        queries = list(FIXED_QUERIES) + _title_queries(titles, rng, args.queries)
        # The first search loads the query encoder (seconds): not part of any phase.
        (await client.get("/api/search", params={"q": queries[0]})).raise_for_status()
        warm_up = time.perf_counter() - warm

        def read_path() -> tuple[str, str]:
            kind = rng.randrange(6)
            if kind == 0:
                # the first hundred pages: readers page forward from the newest articles
                offset = rng.randrange(min(2000, total))
                return "articles", f"/api/articles?limit=20&offset={offset}"
            if kind == 1:
                return "article", f"/api/articles/{rng.choice(article_ids)}"
            if kind == 2:
                return "stories", f"/api/stories?limit=20&offset={rng.randrange(200)}"
            if kind == 3:
                return "story", f"/api/stories/{rng.choice(story_ids)}"
            if kind == 4:
                return "entity", f"/api/entities/{rng.choice(entity_ids)}"
            return "storylines", "/api/storylines?limit=20"

        def search_path() -> tuple[str, str]:
            return "search", str(httpx.URL("/api/search", params={"q": rng.choice(queries)}))

        phases = [await run_phase(client, "read mix", read_path, args.concurrency,
                                  args.duration),
                  await run_phase(client, "search (1 client)", search_path, 1,
                                  args.duration),
                  await run_phase(client, "search", search_path, args.concurrency,
                                  args.duration)]
    return {"url": args.url, "articles": total, "warm_up_seconds": round(warm_up, 1),
            "queries": len(queries), "phases": [asdict(p) for p in phases]}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per phase")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--queries", type=int, default=200, help="title-derived queries")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    check_loopback(args.url)
    if not 0 < args.duration <= 600 or not 0 < args.concurrency <= 64:
        raise SystemExit("duration must be in (0, 600] s and concurrency in 1..64")
    json.dump(asyncio.run(main_async(args)), sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
