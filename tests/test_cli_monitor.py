"""``newsloom sources`` and ``newsloom watch``: what they accept, refuse and show."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from newsloom.cli.app import app

runner = CliRunner()


def _run(db: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--db", str(db)])
    return result.exit_code, result.output


def test_sources_are_added_listed_and_removed(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    assert _run(db, "fetch", "--once")[0] == 2  # no sources yet: said, not an empty run
    assert _run(db, "sources", "add", "ftp://x.example/feed")[0] == 2
    opml = tmp_path / "feeds.opml"
    opml.write_text('<opml version="2.0"><body><outline xmlUrl="https://b.example/rss"/>'
                    "</body></opml>", encoding="utf-8")
    code, said = _run(db, "sources", "add", "https://a.example/rss", "--opml", str(opml))
    assert code == 0 and "2 source(s) added" in said
    assert "0 source(s) added, 1 already there" in _run(db, "sources", "add",
                                                         "https://a.example/rss")[1]
    _, shown = _run(db, "sources", "list", "--json")
    listed = json.loads(shown)
    assert [s["url"] for s in listed] == ["https://a.example/rss", "https://b.example/rss"]
    assert all(s["last_success"] is None and s["next_poll"] is None for s in listed)
    assert _run(db, "sources", "remove", "https://a.example/rss")[0] == 0
    assert _run(db, "sources", "remove", "https://a.example/rss")[0] == 2


def test_watchlists_are_checked_added_and_removed(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    assert _run(db, "watch", "add", "w", "--entity", "A", "--query", "b")[0] == 2
    assert _run(db, "watch", "add", "w", "--entity", "A", "--lang", "english")[0] == 2
    assert _run(db, "watch", "add", "w", "--entity", "Airbus", "--lang", "FR", "--lang",
                "en", "--min-sources", "2")[0] == 0
    assert _run(db, "watch", "add", "w", "--query", "x")[0] == 2  # taken
    assert _run(db, "watch", "add", "w", "--query", "hydrogen plant", "--lang", "fr",
                "--replace")[0] == 0  # a replacement is whole: what it does not say is unset
    _, shown = _run(db, "watch", "list", "--json")
    (watch,) = json.loads(shown)
    assert (watch["kind"], watch["target"], watch["languages"], watch["min_sources"]) == (
        "query", "hydrogen plant", ["fr"], 1)
    assert _run(db, "alerts", "--json")[1].strip() == "[]"
    assert _run(db, "watch", "remove", "w")[0] == 0
    assert _run(db, "watch", "remove", "w")[0] == 2


def test_analyze_raises_the_alerts_of_its_stories_once(tmp_path: Path) -> None:
    """Watchlists hear `analyze` as they hear `fetch`; the same input again alerts nobody."""
    db = tmp_path / "news.db"
    assert _run(db, "watch", "add", "huawei", "--entity", "Huawei")[0] == 0
    seeds = Path(__file__).parents[1] / "examples" / "seeds"
    code, said = _run(db, "analyze", str(seeds), "--no-print",
                      "--report-dir", str(tmp_path / "report"))
    assert code == 0, said
    alerts = json.loads(_run(db, "alerts", "--json")[1])
    assert alerts and {a["watchlist"] for a in alerts} == {"huawei"}
    assert all(a["kind"] == "new_story" for a in alerts)
    assert f"{len(alerts)} alert" in said
    assert _run(db, "analyze", str(seeds), "--no-print",
                "--report-dir", str(tmp_path / "report"))[0] == 0
    assert len(json.loads(_run(db, "alerts", "--json")[1])) == len(alerts)
