"""Benchmarks for newsloom: extraction quality on labelled datasets, and ingest throughput.

* :mod:`newsloom.eval.scoring` — the scorers (AEB shingle F1, title and date accuracy), pure
  functions on strings; trafilatura's snippet counts and the title rule are shared with
  training (:mod:`newsloom.training.scoring`), as are the NER readers and scorer
  (:mod:`newsloom.training.ner_data`): benchmarks import training, never the reverse.
* :mod:`newsloom.eval.extraction` — runs the real extractor over AEB / trafilatura-eval-dev.
* :mod:`newsloom.eval.textfolds` — held-out text classifiers, for an honest plain-text score.
* :mod:`newsloom.eval.throughput` — times the real ingest pipeline on a generated corpus.
* :mod:`newsloom.eval.cli` — the ``newsloom eval`` commands.

Results and the exact commands that produced them live in docs/benchmarks.md.
"""
