"""Feed URLs from an OPML subscription list (``newsloom sources add --opml FILE``)."""

from __future__ import annotations

from lxml import etree


def opml_feeds(data: bytes) -> list[str]:
    """The ``xmlUrl`` of every outline, in document order, once each (ValueError if the
    file is not OPML)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not XML: {exc}") from exc
    if root.tag.lower() != "opml":
        raise ValueError("not an OPML file")
    urls = [str(node.get("xmlUrl")).strip() for node in root.iter("outline")
            if node.get("xmlUrl")]
    return list(dict.fromkeys(urls))
