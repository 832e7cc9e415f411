"""Per-article enrichment after extraction: named entities (:mod:`newsloom.enrich.ner`), …"""
