"""What the JSON API and the HTML pages both show, below both of them.

* :mod:`newsloom.views.schemas` — the response models (the OpenAPI schema; the pages render
  the same models, so a page shows exactly what its endpoint returns).
* :mod:`newsloom.views.reads` — the reads that build them from the catalog
  (:mod:`newsloom.queries.catalog`), with unknown ids as 404 and bad requests as 422.
* :mod:`newsloom.views.services` — search, timelines and summaries with their errors as HTTP.
* :mod:`newsloom.views.access` — the API token and read-protection checks.

Layers: ``api`` (routes, the app) → ``web`` (pages) → ``views``, and ``api`` → ``views``;
nothing here imports ``api`` or ``web``.
"""
