"""Running the stages: ``stages`` (pure per-document functions a Spark executor can run),
``ingest`` (read → extract → store), ``corpus`` (the ordered corpus stage: stories and
storylines), ``pool`` and ``workers`` (process pools)."""
