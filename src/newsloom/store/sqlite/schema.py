"""SQLite schema as an ordered list of migrations; ``PRAGMA user_version`` records the level.

Append new migrations, never edit old ones: stores created by older versions upgrade in place.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: documents, articles (+ FTS5 over title and text), skipped inputs, runs.
    """
    CREATE TABLE documents (
        id               TEXT PRIMARY KEY,          -- content hash of the normalised input
        source_id        TEXT NOT NULL,
        source           TEXT NOT NULL,
        version_key      TEXT NOT NULL,             -- same page across versions (URL or source)
        content_type     TEXT NOT NULL,
        url              TEXT,
        meta             TEXT NOT NULL,             -- JSON: container metadata
        content          BLOB NOT NULL,             -- zlib-compressed UTF-8
        previous_version TEXT REFERENCES documents(id),
        superseded_by    TEXT REFERENCES documents(id),
        ingested_at      TEXT NOT NULL
    );
    CREATE INDEX documents_version_key ON documents(version_key);

    CREATE TABLE articles (
        rowid                INTEGER PRIMARY KEY,
        id                   TEXT NOT NULL UNIQUE REFERENCES documents(id),
        source_id            TEXT NOT NULL,
        source               TEXT NOT NULL,
        url                  TEXT,
        title                TEXT,
        outlet               TEXT,
        authors              TEXT NOT NULL,         -- JSON list
        published            TEXT,
        published_confidence REAL,
        published_source     TEXT,
        published_estimate   TEXT,                  -- JSON object or NULL
        language             TEXT,
        language_confidence  REAL,
        text                 TEXT NOT NULL,
        removed_lines        TEXT NOT NULL,         -- JSON list
        extractor            TEXT NOT NULL
    );
    CREATE INDEX articles_source_id ON articles(source_id);
    CREATE INDEX articles_language ON articles(language);

    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
    END;
    CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;

    CREATE TABLE skipped (
        source     TEXT NOT NULL,
        reason     TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (source, reason)
    );

    CREATE TABLE runs (
        id          INTEGER PRIMARY KEY,
        command     TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        status      TEXT NOT NULL,                 -- running | done | interrupted | failed
        stats       TEXT                           -- JSON
    );
    """,
    # 2: per-article features (vector, MinHash), entities, stories and their event log.
    """
    CREATE TABLE article_features (
        article_id   TEXT PRIMARY KEY REFERENCES articles(id),
        seq          INTEGER NOT NULL UNIQUE,       -- ANN index key; processing order
        embedder     TEXT NOT NULL,
        vector       BLOB NOT NULL,                 -- float32, L2-normalised
        signature    BLOB NOT NULL,                 -- MinHash values, uint64
        duplicate_of TEXT REFERENCES articles(id),
        story_id     TEXT NOT NULL
    );
    CREATE INDEX article_features_story ON article_features(story_id);

    CREATE TABLE entities (
        id       TEXT PRIMARY KEY,
        key      TEXT NOT NULL UNIQUE,              -- language-independent key (loc:RU, name:...)
        name     TEXT NOT NULL,
        type     TEXT NOT NULL,
        aliases  TEXT NOT NULL,                     -- JSON: language → surface forms
        articles INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE entity_aliases (
        alias_key TEXT PRIMARY KEY,                 -- another key that means the same entity
        entity_id TEXT NOT NULL REFERENCES entities(id),
        reason    TEXT NOT NULL
    );
    CREATE TABLE article_entities (
        article_id TEXT NOT NULL REFERENCES articles(id),
        entity_id  TEXT NOT NULL REFERENCES entities(id),
        mentions   INTEGER NOT NULL,
        salience   REAL NOT NULL,
        surfaces   TEXT NOT NULL,                   -- JSON list
        PRIMARY KEY (article_id, entity_id)
    );
    CREATE INDEX article_entities_entity ON article_entities(entity_id);

    CREATE TABLE stories (
        id           TEXT PRIMARY KEY,
        created_seq  INTEGER NOT NULL,
        merged_into  TEXT REFERENCES stories(id),
        storyline_id TEXT
    );
    CREATE TABLE story_events (
        id             INTEGER PRIMARY KEY,
        at             TEXT NOT NULL,
        kind           TEXT NOT NULL,               -- create | join | merge
        story_id       TEXT NOT NULL,
        article_id     TEXT,
        other_story_id TEXT,
        score          REAL
    );
    CREATE TABLE storylines (
        id    TEXT PRIMARY KEY,
        label TEXT NOT NULL
    );
    """,
    # 3: indexes that let a run touch only what a batch needs, not the whole corpus.
    # minhash_bands: the LSH bands of every non-duplicate article's MinHash signature
    # (represent/minhash.py: LSH_BANDS = 10 bands of LSH_ROWS = 6 uint64 values = 48 bytes),
    # so duplicate candidates are an indexed lookup instead of an index rebuilt per run.
    # entities.surname: last name of multi-word PER entities, so the resolver's "bare
    # surname" rule can load just the people it needs (newsloom_surname is registered on the
    # connection by store/sqlite.py; it mirrors enrich/resolve.py's surname index).
    """
    CREATE TABLE minhash_bands (
        band       INTEGER NOT NULL,
        chunk      BLOB NOT NULL,
        article_id TEXT NOT NULL REFERENCES articles(id),
        PRIMARY KEY (band, chunk, article_id)
    ) WITHOUT ROWID;
    WITH RECURSIVE n(band) AS (SELECT 0 UNION ALL SELECT band + 1 FROM n WHERE band < 9)
    INSERT INTO minhash_bands
        SELECT n.band, substr(f.signature, 1 + n.band * 48, 48), f.article_id
        FROM article_features f, n WHERE f.duplicate_of IS NULL;
    ALTER TABLE entities ADD COLUMN surname TEXT;
    UPDATE entities SET surname = newsloom_surname(key, type);
    CREATE INDEX entities_surname ON entities(surname) WHERE surname IS NOT NULL;
    """,
    # 4: a second full-text index over lower-case lemmas of title and text (search finds
    # "Netze" for "Netz"). Contentless: it stores only the index, and its triggers recompute
    # the lemmas of the old row for FTS5's 'delete' (newsloom_lemmas is deterministic and is
    # registered on the connection by store/sqlite.py; it is text/stem.py: lemma_text).
    """
    CREATE VIRTUAL TABLE articles_lemma_fts USING fts5(
        title, text, content='', tokenize='unicode61 remove_diacritics 2'
    );
    INSERT INTO articles_lemma_fts(rowid, title, text)
        SELECT rowid, newsloom_lemmas(title, language), newsloom_lemmas(text, language)
        FROM articles;
    CREATE TRIGGER articles_lemma_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_lemma_fts(rowid, title, text) VALUES (
            new.rowid, newsloom_lemmas(new.title, new.language),
            newsloom_lemmas(new.text, new.language));
    END;
    CREATE TRIGGER articles_lemma_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_lemma_fts(articles_lemma_fts, rowid, title, text) VALUES (
            'delete', old.rowid, newsloom_lemmas(old.title, old.language),
            newsloom_lemmas(old.text, old.language));
    END;
    CREATE TRIGGER articles_lemma_au AFTER UPDATE OF title, text, language ON articles BEGIN
        INSERT INTO articles_lemma_fts(articles_lemma_fts, rowid, title, text) VALUES (
            'delete', old.rowid, newsloom_lemmas(old.title, old.language),
            newsloom_lemmas(old.text, old.language));
        INSERT INTO articles_lemma_fts(rowid, title, text) VALUES (
            new.rowid, newsloom_lemmas(new.title, new.language),
            newsloom_lemmas(new.text, new.language));
    END;
    """,
    # 5: what the resolver's similar-name rule reads (enrich/name_context.py): an index of
    # name terms → entities, backfilled here (newsloom_name_terms is registered by
    # store/sqlite.py), and running context vectors per entity and for the corpus. Contexts
    # cannot be summed in SQL, so a store created before this starts them empty: entities
    # known before the upgrade gain a context as new articles mention them.
    """
    CREATE TABLE entity_name_terms (
        term      TEXT NOT NULL,
        entity_id TEXT NOT NULL REFERENCES entities(id),
        PRIMARY KEY (term, entity_id)
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO entity_name_terms
        SELECT j.value, e.id FROM entities e, json_each(newsloom_name_terms(e.key)) j;
    CREATE TABLE entity_contexts (
        entity_id  TEXT PRIMARY KEY REFERENCES entities(id),
        vector_sum BLOB NOT NULL,                   -- float32 sum of unit article embeddings
        articles   INTEGER NOT NULL
    );
    CREATE TABLE corpus_context (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        vector_sum BLOB NOT NULL,
        articles   INTEGER NOT NULL
    );
    """,
    # 6: lookups search makes per query. Near-duplicates are folded under their canonical
    # article and listed with it ("which articles are duplicates of these"); only current
    # versions are searched, and documents.superseded_by sits behind the content blob, so the
    # superseded ids get their own small partial index instead of a row read per candidate.
    """
    CREATE INDEX article_features_duplicate_of ON article_features(duplicate_of)
        WHERE duplicate_of IS NOT NULL;
    CREATE INDEX documents_superseded ON documents(id) WHERE superseded_by IS NOT NULL;
    """,
    # 7: story profiles kept up to date per batch (store/sqlite_profiles.py), so storylines
    # relink only the stories a batch touched. Entity weights are backfilled here; vector
    # sums cannot be added up in SQL, so existing stories start with NULL and are rebuilt
    # from their members on first use.
    """
    CREATE TABLE story_profiles (
        story_id   TEXT PRIMARY KEY,
        vector_sum BLOB,                            -- float64 sum of independent members' vectors
        members    INTEGER NOT NULL,                -- independent members
        dirty      INTEGER NOT NULL DEFAULT 1       -- changed since storylines were updated
    );
    CREATE TABLE story_entities (
        story_id  TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        weight    REAL NOT NULL,                    -- summed salience over independent members
        PRIMARY KEY (story_id, entity_id)
    );
    CREATE INDEX story_entities_entity ON story_entities(entity_id);
    CREATE INDEX stories_storyline ON stories(storyline_id) WHERE storyline_id IS NOT NULL;
    INSERT INTO story_profiles
        SELECT story_id, NULL, COUNT(*), 1 FROM article_features
        WHERE duplicate_of IS NULL GROUP BY story_id;
    INSERT INTO story_entities
        SELECT f.story_id, ae.entity_id, SUM(ae.salience)
        FROM article_entities ae JOIN article_features f ON f.article_id = ae.article_id
        WHERE f.duplicate_of IS NULL GROUP BY f.story_id, ae.entity_id;
    """,
    # 8: what the same-event scorer reads beyond the embedding (represent/event.py): the sum
    # of article vectors (cosines are centred on the corpus mean); each
    # article's content lemmas and its event date, the corpus frequency of each lemma, and each
    # article entity's type as resolved then (a later corpus vote may retype the entity; the
    # clusterer must see what it saw, so incremental runs equal one batch).
    # Rows from before stay NULL: those articles compare by embedding, entities and
    # publication date only.
    """
    ALTER TABLE article_features ADD COLUMN terms TEXT;        -- JSON: lemma → count
    ALTER TABLE article_features ADD COLUMN event_date TEXT;   -- "2019-08-14|day|published"
    ALTER TABLE article_entities ADD COLUMN type TEXT;         -- as resolved for the article
    CREATE TABLE term_df (
        term TEXT PRIMARY KEY,
        df   INTEGER NOT NULL
    );
    CREATE TABLE corpus_centre (                    -- what cosines are centred on
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        vector_sum BLOB NOT NULL,                   -- float64 sum of every article's vector
        articles   INTEGER NOT NULL
    );
    """,
    # 9: the order in which versions of a page became current. A page changed back to an
    # earlier content makes that (content-addressed) document current again: a new entry
    # here, while documents keeps one row per distinct content.
    """
    CREATE TABLE document_versions (
        seq         INTEGER PRIMARY KEY,
        version_key TEXT NOT NULL,
        document_id TEXT NOT NULL REFERENCES documents(id),
        at          TEXT NOT NULL
    );
    CREATE INDEX document_versions_key ON document_versions(version_key, seq);
    INSERT INTO document_versions (version_key, document_id, at)
        SELECT version_key, id, ingested_at FROM documents ORDER BY rowid;
    """,
    # 10: where a storyline that is gone went. When storylines are relinked or recomputed, a
    # line absorbed into another (or replaced by a recomputation) leaves a row here naming the
    # line that took most of its stories, so an old id (bookmark, alert, API client) still
    # resolves. Chains are followed on read; a line that comes back loses its own row, and a
    # row is never written to a line that itself redirects, so no cycle can form.
    """
    CREATE TABLE storyline_redirects (
        id          TEXT PRIMARY KEY,               -- the storyline that is gone
        survivor_id TEXT NOT NULL                   -- where most of its stories went
    );
    CREATE INDEX storyline_redirects_survivor ON storyline_redirects(survivor_id);
    """,
    # 11: the read model the API and pages list from (store/sqlite/readmodel.py), kept in the
    # transaction of every corpus batch and storyline update for the stories it touched: one
    # row per story and per storyline with its derived attributes (a row of size 0 is a story
    # or line that is gone, kept so a reader patching its copy sees it leave), and article
    # counts (all, per language, per outlet) kept by triggers. Story rows need Python to
    # derive, so a store from before this is built once on first open (``built`` = 0).
    """
    CREATE TABLE read_model_state (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL,                   -- bumped by every write to the rows below
        built   INTEGER NOT NULL                    -- 0 until the story rows are built
    );
    INSERT INTO read_model_state VALUES (1, 0, 0);
    CREATE TABLE story_listing (
        story_id     TEXT PRIMARY KEY,
        size         INTEGER NOT NULL,              -- member articles (0: gone)
        last_seq     INTEGER NOT NULL,              -- newest member's seq (listing order)
        storyline_id TEXT,
        first_seen   TEXT,                          -- as in the record (storylines read them)
        last_seen    TEXT,
        record       TEXT,                          -- JSON: the Story's other attributes
        version      INTEGER NOT NULL
    );
    CREATE INDEX story_listing_version ON story_listing(version);
    CREATE INDEX story_listing_line ON story_listing(storyline_id)
        WHERE storyline_id IS NOT NULL;
    CREATE TABLE story_listing_entities (           -- each story's key entities as listed
        entity_id TEXT NOT NULL,
        story_id  TEXT NOT NULL,
        name      TEXT NOT NULL,
        type      TEXT NOT NULL,                    -- as then (a retyped entity relists them)
        mentions  INTEGER NOT NULL,
        PRIMARY KEY (entity_id, story_id)
    );
    CREATE INDEX story_listing_entities_story ON story_listing_entities(story_id);
    CREATE TABLE storyline_listing (
        line_id TEXT PRIMARY KEY,
        stories INTEGER NOT NULL,                   -- live stories (0: gone)
        record  TEXT,                               -- JSON: the StorylineRecord
        version INTEGER NOT NULL
    );
    CREATE INDEX storyline_listing_version ON storyline_listing(version);
    CREATE TABLE article_counts (                   -- current articles
        facet    TEXT NOT NULL,                     -- 'all', 'language' or 'outlet'
        value    TEXT NOT NULL,                     -- '' for 'all'
        articles INTEGER NOT NULL,
        PRIMARY KEY (facet, value)
    );
    INSERT INTO article_counts
        SELECT 'all', '', COUNT(*) FROM articles a JOIN documents d ON d.id = a.id
        WHERE d.superseded_by IS NULL;
    INSERT INTO article_counts
        SELECT 'language', a.language, COUNT(*) FROM articles a JOIN documents d
        ON d.id = a.id WHERE d.superseded_by IS NULL AND a.language IS NOT NULL GROUP BY 2;
    INSERT INTO article_counts
        SELECT 'outlet', a.outlet, COUNT(*) FROM articles a JOIN documents d
        ON d.id = a.id WHERE d.superseded_by IS NULL AND a.outlet IS NOT NULL GROUP BY 2;
    CREATE TRIGGER article_counts_added AFTER INSERT ON articles
    WHEN (SELECT superseded_by FROM documents WHERE id = NEW.id) IS NULL
    BEGIN
        INSERT INTO article_counts
            SELECT facet, value, 1 FROM (SELECT 'all' AS facet, '' AS value
            UNION ALL SELECT 'language', NEW.language UNION ALL SELECT 'outlet', NEW.outlet)
            WHERE value IS NOT NULL
            ON CONFLICT(facet, value) DO UPDATE SET articles = articles + 1;
    END;
    CREATE TRIGGER article_counts_current AFTER UPDATE OF superseded_by ON documents
    WHEN (OLD.superseded_by IS NULL) != (NEW.superseded_by IS NULL)
    BEGIN
        INSERT INTO article_counts
            SELECT facet, value, IIF(NEW.superseded_by IS NULL, 1, -1)
            FROM (SELECT 'all' AS facet, '' AS value FROM articles WHERE id = NEW.id
            UNION ALL SELECT 'language', language FROM articles WHERE id = NEW.id
            UNION ALL SELECT 'outlet', outlet FROM articles WHERE id = NEW.id)
            WHERE value IS NOT NULL
            ON CONFLICT(facet, value) DO UPDATE SET articles = articles + excluded.articles;
    END;
    """,
    # 12: the wire agency a dateline names ("BERLIN (dpa) –"), Article.wire_source.
    """
    ALTER TABLE articles ADD COLUMN wire_source TEXT;
    """,
    # 13: monitoring (issue 16): polled sources and the feed entries seen, watchlists,
    # the alerts they raise from the story event log, and the delivery outbox.
    """
    CREATE TABLE sources (
        url           TEXT PRIMARY KEY,
        added_at      TEXT NOT NULL,
        kind          TEXT NOT NULL DEFAULT 'feed',  -- feed | sitemap
        title         TEXT,
        etag          TEXT,                          -- conditional GET validators
        last_modified TEXT,
        last_poll     TEXT,
        last_success  TEXT,
        last_error    TEXT,
        failures      INTEGER NOT NULL DEFAULT 0,       -- consecutive failed polls
        next_poll     TEXT
    );
    CREATE TABLE source_entries (                    -- article URLs met in a source's feed
        url         TEXT PRIMARY KEY,
        source_url  TEXT NOT NULL,
        fingerprint TEXT NOT NULL,                  -- entry id + updated: changed → refetch
        fetched_at  TEXT NOT NULL,
        status      TEXT NOT NULL,                  -- stored, or why not
        document_id TEXT
    );
    CREATE TABLE watchlists (
        name        TEXT PRIMARY KEY,
        kind        TEXT NOT NULL,                  -- entity | query | storyline | story
        target      TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        languages   TEXT NOT NULL,                  -- JSON list (empty: any)
        min_sources INTEGER NOT NULL,
        webhook     TEXT,
        email       TEXT,
        from_event  INTEGER NOT NULL                 -- story_events up to here are older
    );
    CREATE TABLE alerts (
        id         INTEGER PRIMARY KEY,
        watchlist  TEXT NOT NULL,
        dedup_key  TEXT NOT NULL UNIQUE,
        kind       TEXT NOT NULL,
        story_id   TEXT NOT NULL,
        event_id   INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        payload    TEXT NOT NULL                    -- JSON: title, summary, citations
    );
    CREATE INDEX alerts_watchlist ON alerts(watchlist, id);
    CREATE TABLE alert_deliveries (                  -- the outbox: one row per alert and target
        alert_id     INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        channel      TEXT NOT NULL,                 -- webhook | email
        target       TEXT NOT NULL,
        state        TEXT NOT NULL,                 -- pending | sent | failed
        attempts     INTEGER NOT NULL DEFAULT 0,
        next_attempt TEXT NOT NULL,
        last_error   TEXT,
        sent_at      TEXT,
        PRIMARY KEY (alert_id, channel, target)
    );
    CREATE INDEX alert_deliveries_due ON alert_deliveries(state, next_attempt);
    CREATE TABLE monitor_cursor (                    -- the last story event matched (no row: 0)
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        event_id INTEGER NOT NULL
    );
    """,
    # 14: whether an article vouched for the entity (model/entities.py confirmed_entity):
    # entities are listed when confirmed. Before this level only gazetteer places are known
    # to be vouched for; re-analysing the articles (`newsloom reprocess`) finds the rest.
    """
    ALTER TABLE entities ADD COLUMN vouched INTEGER NOT NULL DEFAULT 0;
    UPDATE entities SET vouched = 1 WHERE key LIKE 'loc:%';
    """,
)
