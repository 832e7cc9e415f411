"""A watchlist's alerts as an Atom feed (RFC 4287), served at ``/feeds/watch/NAME.atom``."""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree as ET

from newsloom.model.monitoring import Alert, Watchlist

_ATOM = "http://www.w3.org/2005/Atom"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)
    if text is not None:
        node.text = text
    return node


def _summary_html(alert: Alert) -> str:
    """The summary sentences with their citations, as escaped HTML in the entry."""
    from html import escape

    items = []
    for s in alert.payload.get("summary", []):
        where = escape(str(s.get("outlet") or "unknown outlet"))
        link = s.get("url")
        cite = f'<a href="{escape(str(link))}">{where}</a>' if link else where
        date = f", {escape(str(s['published']))}" if s.get("published") else ""
        items.append(f"<li>{escape(' '.join(str(s['text']).split()))} "
                     f"<cite>[{cite}{date}]</cite></li>")
    return f"<ul>{''.join(items)}</ul>"


def watch_feed(watch: Watchlist, alerts: Sequence[Alert], base_url: str) -> bytes:
    """The feed of ``alerts`` (newest first) of ``watch``; ids are stable tag URIs."""
    feed = ET.Element("feed", {"xmlns": _ATOM})
    _add(feed, "title", f"newsloom watchlist {watch.name}")
    _add(feed, "subtitle", f"{watch.kind}: {watch.target}")
    _add(feed, "id", f"tag:newsloom,2026:watch/{watch.name}")
    _add(feed, "link", rel="self", href=f"{base_url}/feeds/watch/{watch.name}.atom")
    _add(feed, "updated", alerts[0].created_at if alerts else watch.created_at)
    _add(_add(feed, "author"), "name", "newsloom")
    for alert in alerts:
        entry = _add(feed, "entry")
        title = alert.payload.get("title") or alert.story_id
        _add(entry, "title", f"{alert.kind.replace('_', ' ')}: {title}")
        _add(entry, "id", f"tag:newsloom,2026:alert/{alert.id}")
        _add(entry, "updated", alert.created_at)
        _add(entry, "link", href=f"{base_url}/stories/{alert.story_id}")
        _add(entry, "category", term=alert.kind)
        _add(entry, "content", _summary_html(alert), type="html")
    text = ET.tostring(feed, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text).encode()
