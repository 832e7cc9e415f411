"""Penn-Treebank tokenised text as the plain text it stands for.

Research corpora ship news tokenised so (Timeline17: "world 's", "-LRB- Reuters -RRB-",
"`` quoted ''", "Grand Isle , Louisiana"); names and sentences read from it should look as
the same words written normally, and meet them."""

from __future__ import annotations

import re

_RULES = [(re.compile(p), r) for p, r in (
    (r"-LRB-", "("), (r"-RRB-", ")"), (r"-LSB-", "["), (r"-RSB-", "]"), (r"-LCB-", "{"),
    (r"-RCB-", "}"), (r"``\s*", '"'), (r"\s*''", '"'), (r"\(\s+", "("), (r"\s+\)", ")"),
    (r"\s+([.,;:!?%])", r"\1"), (r"\s+(n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1"), (r"\$\s+", "$"),
    (r"[ \t]+", " "))]


def detokenise(text: str) -> str:
    """Undo Penn-Treebank tokenisation: brackets, quotes, the space before punctuation and
    clitics ("Obama 's plan -LRB- BP -RRB- ," → "Obama's plan (BP),"). Lines stay lines."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
