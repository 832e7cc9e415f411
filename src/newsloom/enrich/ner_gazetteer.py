"""Name-list features for the NER tagger: which names the training data itself annotates.

Error analysis on the en dev split (1,000 sentences held out from WikiANN train) showed the
tagger recognises only 81 % of the gold entities whose exact string is annotated elsewhere in
train, although those strings carry the same type there 93 % of the time. A name list built
from the training annotations hands that knowledge to the tagger directly: every token gets
one feature, ``B-``/``I-`` + the majority type of the longest listed name starting at or
covering it (greedy, left to right), or none. The tagger learns how far to trust it.

Trusting it must be learned from realistic input: a training sentence's own names are of
course in a list built from all of train, so the features of training sentences come from a
list built on the *other* folds (``jackknifed`` in :mod:`newsloom.training.ner_jackknife`),
while dev, val and run time use the list built from all of train. The list ships inside the
model (the layer's ``lexicon`` attribute).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, cast

from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Model
from thinc.initializers import uniform_init
from thinc.types import Floats2d, Ragged

#: Longest name (in tokens) looked up.
MAX_TOKENS = 8
TYPES = ("PER", "ORG", "LOC", "MISC")
#: Feature ids: 0 = no listed name, then B-/I- per type.
N_FEATURES = 1 + 2 * len(TYPES)
#: ``Doc.user_data`` key of precomputed features (training: the jackknifed ones).
USER_DATA_KEY = "newsloom_gazetteer"


def lexicon(names: Iterable[tuple[Sequence[str], str]]) -> dict[str, str]:
    """Name (tokens joined by spaces) → its most frequent type, from ``(tokens, type)``
    annotations. Names without an upper-case letter or digit are left out: lower-case
    annotations are rare and mostly label noise ("brands", "attack")."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for tokens, typ in names:
        key = " ".join(tokens)
        if 0 < len(tokens) <= MAX_TOKENS and typ in TYPES and any(
                c.isupper() or c.isdigit() for c in key):
            counts[key][typ] += 1
    return {key: c.most_common(1)[0][0] for key, c in counts.items()}


def features(words: Sequence[str], names: Mapping[str, str]) -> list[int]:
    """One feature id per word: the longest listed name starting at each position, greedy."""
    longest = _first_words(names)
    out = [0] * len(words)
    i = 0
    while i < len(words):
        # Most words start no listed name: one set lookup instead of MAX_TOKENS joins.
        for n in range(min(longest.get(words[i], 0), len(words) - i), 0, -1):
            typ = names.get(" ".join(words[i:i + n]))
            if typ is not None:
                t = TYPES.index(typ)
                out[i] = 1 + 2 * t
                for k in range(i + 1, i + n):
                    out[k] = 2 + 2 * t
                i += n
                break
        else:
            i += 1
    return out


_FIRST_WORDS: dict[int, tuple[Mapping[str, str], dict[str, int]]] = {}


def _first_words(names: Mapping[str, str]) -> dict[str, int]:
    """First word of each listed name → the most tokens a name starting with it has
    (cached per list; the list object is kept so that its id cannot be reused)."""
    cached = _FIRST_WORDS.get(id(names))
    if cached is None or cached[0] is not names:
        longest: dict[str, int] = {}
        for name in names:
            words = name.split(" ")
            longest[words[0]] = max(longest.get(words[0], 0), len(words))
        if len(_FIRST_WORDS) > 16:  # training builds one list per fold; keep a few
            _FIRST_WORDS.clear()
        cached = _FIRST_WORDS[id(names)] = (names, longest)
    return cached[1]


@registry.layers("newsloom.GazetteerFeatures.v1")
def GazetteerFeatures(nO: int | None = None) -> Model[list[Doc], Ragged]:
    """Docs → a learned ``nO``-dim vector per name-list feature of each token."""
    return Model("gazetteer", _forward, init=_init, params={"E": None},
                 dims={"nO": nO, "nV": N_FEATURES}, attrs={"lexicon": {}})


def _forward(model: Model[list[Doc], Ragged], docs: list[Doc],
             is_train: bool) -> tuple[Ragged, Callable[[Ragged], list[Doc]]]:
    ops = model.ops
    names = cast(Mapping[str, str], model.attrs["lexicon"])
    ids: list[int] = []
    for doc in docs:
        given = doc.user_data.get(USER_DATA_KEY)
        ids += given if given is not None else features([t.text for t in doc], names)
    index = ops.asarray1i(ids)
    E = cast(Floats2d, model.get_param("E"))
    lengths = ops.asarray1i([len(doc) for doc in docs])
    Y = E[index] if ids else ops.alloc2f(0, model.get_dim("nO"))

    def backprop(dY: Ragged) -> list[Doc]:
        dE = ops.alloc2f(*E.shape)
        ops.scatter_add(dE, index, cast(Floats2d, dY.data))
        model.inc_grad("E", dE)
        return []

    return Ragged(Y, lengths), backprop


def _init(model: Model[list[Doc], Ragged], X: Any = None, Y: Any = None
          ) -> Model[list[Doc], Ragged]:
    if Y is not None:
        model.set_dim("nO", Y.data.shape[1])
    shape = (model.get_dim("nV"), model.get_dim("nO"))
    model.set_param("E", uniform_init(model.ops, shape, lo=-0.1, hi=0.1))
    return model
