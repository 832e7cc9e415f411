"""PostgreSQL schema as an ordered list of migrations; ``newsloom_schema.version`` records the
level. Append new migrations, never edit old ones.

Differences from the SQLite schema (store/sqlite/schema.py), on purpose:

* explicit sequence columns (``seq ... GENERATED ALWAYS AS IDENTITY``) where SQLite orders by
  its implicit rowid: articles (ingest order, the corpus stage's keys), article_entities and
  story_entities ("most recent first" reads);
* the keyword index is a ``tsvector`` column of the folded lemmas (title weighted A, text B)
  with a GIN index, written by the store with each article, instead of an FTS5 table; what
  FTS5 keeps for its bm25 (lengths, lemma document frequencies, totals) is kept beside it
  by triggers (migration 2);
* article vectors are pgvector ``vector`` values (an HNSW index on them is created once the
  corpus's dimension is known, see corpus.py), signatures and sums stay float bytes;
* times are ``timestamptz``; the article counts are kept by plpgsql triggers.
"""

from __future__ import annotations

from typing import LiteralString

MIGRATIONS: tuple[LiteralString, ...] = (
    # 1: the whole schema of SQLite level 11 (level 12, the wire source, is migration 3).
    """
    CREATE EXTENSION IF NOT EXISTS vector;

    CREATE TABLE documents (
        id               text PRIMARY KEY,          -- content hash of the normalised input
        source_id        text NOT NULL,
        source           text NOT NULL,
        version_key      text NOT NULL,             -- same page across versions
        content_type     text NOT NULL,
        url              text,
        meta             text NOT NULL,             -- JSON: container metadata
        content          bytea NOT NULL,            -- zlib-compressed UTF-8
        previous_version text REFERENCES documents(id),
        superseded_by    text REFERENCES documents(id),
        ingested_at      timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX documents_version_key ON documents(version_key);
    CREATE INDEX documents_superseded ON documents(id) WHERE superseded_by IS NOT NULL;

    CREATE TABLE document_versions (
        seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        version_key text NOT NULL,
        document_id text NOT NULL REFERENCES documents(id),
        at          timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX document_versions_key ON document_versions(version_key, seq);

    CREATE TABLE articles (
        seq                  bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        id                   text PRIMARY KEY REFERENCES documents(id),
        source_id            text NOT NULL,
        source               text NOT NULL,
        url                  text,
        title                text,
        outlet               text,
        authors              text NOT NULL,         -- JSON list
        published            text,
        published_confidence double precision,
        published_source     text,
        published_estimate   text,                  -- JSON object or NULL
        language             text,
        language_confidence  double precision,
        text                 text NOT NULL,
        removed_lines        text NOT NULL,         -- JSON list
        extractor            text NOT NULL,
        lemmas               tsvector NOT NULL      -- folded lemmas: title A, text B
    );
    CREATE INDEX articles_source_id ON articles(source_id);
    CREATE INDEX articles_language ON articles(language);
    CREATE INDEX articles_lemmas ON articles USING gin (lemmas);

    CREATE TABLE skipped (
        source     text NOT NULL,
        reason     text NOT NULL,
        first_seen timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source, reason)
    );
    CREATE TABLE runs (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        command     text NOT NULL,
        started_at  timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        status      text NOT NULL,
        stats       text                            -- JSON
    );

    CREATE TABLE article_features (
        article_id   text PRIMARY KEY REFERENCES articles(id),
        seq          bigint NOT NULL UNIQUE,        -- the article's seq: processing order
        embedder     text NOT NULL,
        vector       vector NOT NULL,               -- L2-normalised
        signature    bytea NOT NULL,                -- MinHash values, uint64
        duplicate_of text REFERENCES articles(id),
        story_id     text NOT NULL,
        terms        text,                          -- JSON: lemma → count
        event_date   text
    );
    CREATE INDEX article_features_story ON article_features(story_id);
    CREATE INDEX article_features_duplicate_of ON article_features(duplicate_of)
        WHERE duplicate_of IS NOT NULL;
    CREATE TABLE minhash_bands (
        band       integer NOT NULL,
        chunk      bytea NOT NULL,
        article_id text NOT NULL REFERENCES articles(id),
        PRIMARY KEY (band, chunk, article_id)
    );
    CREATE TABLE term_df (term text PRIMARY KEY, df integer NOT NULL);
    CREATE TABLE corpus_centre (
        id integer PRIMARY KEY CHECK (id = 1), vector_sum bytea NOT NULL,
        articles integer NOT NULL
    );

    CREATE TABLE entities (
        id       text PRIMARY KEY,
        key      text NOT NULL UNIQUE,
        name     text NOT NULL,
        type     text NOT NULL,
        aliases  text NOT NULL,                     -- JSON: language → surface forms
        articles integer NOT NULL DEFAULT 0,
        surname  text
    );
    CREATE INDEX entities_surname ON entities(surname) WHERE surname IS NOT NULL;
    CREATE TABLE entity_aliases (
        alias_key text PRIMARY KEY,
        entity_id text NOT NULL REFERENCES entities(id),
        reason    text NOT NULL
    );
    CREATE TABLE article_entities (
        seq        bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        article_id text NOT NULL REFERENCES articles(id),
        entity_id  text NOT NULL REFERENCES entities(id),
        mentions   integer NOT NULL,
        salience   double precision NOT NULL,
        surfaces   text NOT NULL,                   -- JSON list
        type       text,
        PRIMARY KEY (article_id, entity_id)
    );
    CREATE INDEX article_entities_entity ON article_entities(entity_id, seq);
    CREATE TABLE entity_name_terms (
        term text NOT NULL, entity_id text NOT NULL REFERENCES entities(id),
        PRIMARY KEY (term, entity_id)
    );
    CREATE TABLE entity_contexts (
        entity_id  text PRIMARY KEY REFERENCES entities(id),
        vector_sum bytea NOT NULL,                  -- float32 sum of unit article embeddings
        articles   integer NOT NULL
    );
    CREATE TABLE corpus_context (
        id integer PRIMARY KEY CHECK (id = 1), vector_sum bytea NOT NULL,
        articles integer NOT NULL
    );

    CREATE TABLE stories (
        id           text PRIMARY KEY,
        created_seq  bigint NOT NULL,
        merged_into  text REFERENCES stories(id),
        storyline_id text
    );
    CREATE INDEX stories_storyline ON stories(storyline_id) WHERE storyline_id IS NOT NULL;
    CREATE TABLE story_events (
        id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at             timestamptz NOT NULL DEFAULT now(),
        kind           text NOT NULL,               -- create | join | merge | split
        story_id       text NOT NULL,
        article_id     text,
        other_story_id text,
        score          double precision
    );
    CREATE TABLE storylines (id text PRIMARY KEY, label text NOT NULL);
    CREATE TABLE storyline_redirects (id text PRIMARY KEY, survivor_id text NOT NULL);
    CREATE INDEX storyline_redirects_survivor ON storyline_redirects(survivor_id);
    CREATE TABLE story_profiles (
        story_id   text PRIMARY KEY,
        vector_sum bytea,                           -- float64 sum of independent members
        members    integer NOT NULL,
        dirty      boolean NOT NULL DEFAULT true
    );
    CREATE TABLE story_entities (
        seq       bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        story_id  text NOT NULL,
        entity_id text NOT NULL,
        weight    double precision NOT NULL,
        PRIMARY KEY (story_id, entity_id)
    );
    CREATE INDEX story_entities_entity ON story_entities(entity_id, seq);

    CREATE TABLE read_model_state (
        id integer PRIMARY KEY CHECK (id = 1), version bigint NOT NULL
    );
    INSERT INTO read_model_state VALUES (1, 0);
    CREATE TABLE story_listing (
        story_id     text PRIMARY KEY,
        size         integer NOT NULL,              -- member articles (0: gone)
        last_seq     bigint NOT NULL,
        storyline_id text,
        first_seen   text,
        last_seen    text,
        record       text,                          -- JSON: the Story's other attributes
        version      bigint NOT NULL
    );
    CREATE INDEX story_listing_version ON story_listing(version);
    CREATE INDEX story_listing_line ON story_listing(storyline_id)
        WHERE storyline_id IS NOT NULL;
    CREATE TABLE story_listing_entities (
        entity_id text NOT NULL,
        story_id  text NOT NULL,
        name      text NOT NULL,
        type      text NOT NULL,
        mentions  integer NOT NULL,
        PRIMARY KEY (entity_id, story_id)
    );
    CREATE INDEX story_listing_entities_story ON story_listing_entities(story_id);
    CREATE TABLE storyline_listing (
        line_id text PRIMARY KEY,
        stories integer NOT NULL,
        record  text,
        version bigint NOT NULL
    );
    CREATE INDEX storyline_listing_version ON storyline_listing(version);

    -- current articles per facet ('all' / 'language' / 'outlet'), kept by triggers
    CREATE TABLE article_counts (
        facet text NOT NULL, value text NOT NULL, articles integer NOT NULL,
        PRIMARY KEY (facet, value)
    );
    CREATE FUNCTION newsloom_count(language text, outlet text, delta integer)
    RETURNS void LANGUAGE sql AS $$
        INSERT INTO article_counts AS c (facet, value, articles)
        SELECT v.facet, v.value, delta
        FROM (VALUES ('all', ''), ('language', language), ('outlet', outlet)) v(facet, value)
        WHERE v.value IS NOT NULL
        ON CONFLICT (facet, value) DO UPDATE SET articles = c.articles + EXCLUDED.articles
    $$;
    CREATE FUNCTION newsloom_article_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (SELECT superseded_by FROM documents WHERE id = NEW.id) IS NULL THEN
            PERFORM newsloom_count(NEW.language, NEW.outlet, 1);
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER article_counts_added AFTER INSERT ON articles
        FOR EACH ROW EXECUTE FUNCTION newsloom_article_added();
    CREATE FUNCTION newsloom_document_current() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (OLD.superseded_by IS NULL) <> (NEW.superseded_by IS NULL) THEN
            PERFORM newsloom_count(a.language, a.outlet,
                                   CASE WHEN NEW.superseded_by IS NULL THEN 1 ELSE -1 END)
            FROM articles a WHERE a.id = NEW.id;
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER article_counts_current AFTER UPDATE OF superseded_by ON documents
        FOR EACH ROW EXECUTE FUNCTION newsloom_document_current();
    """,
    # 2: what bm25 needs beside the lemma index (store/postgres/bm25.py), as FTS5 keeps it for
    # SQLite: each article's length in lemmas and where its title ends, how many articles
    # hold each lemma, and the totals, over every stored version (FTS5 indexes them all).
    # Backfilled here. Inserted articles are counted once per transaction, at its commit (a
    # deferred trigger): one upsert per distinct lemma of the batch, not per lemma of each
    # article. Lemmas rewritten or removed are counted at once.
    """
    CREATE FUNCTION newsloom_lemma_count(lemmas tsvector) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT COALESCE(SUM(cardinality(positions)), 0)::integer FROM unnest(lemmas)
    $$;
    CREATE FUNCTION newsloom_title_end(lemmas tsvector) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT COALESCE(MAX(p), 0)::integer FROM unnest(ts_filter(lemmas, '{a}')) u,
            unnest(u.positions) p
    $$;
    ALTER TABLE articles
        ADD COLUMN lemma_count integer NOT NULL  -- title and text lemmas (positions)
            GENERATED ALWAYS AS (newsloom_lemma_count(lemmas)) STORED,
        ADD COLUMN title_end integer NOT NULL    -- the last title position in lemmas
            GENERATED ALWAYS AS (newsloom_title_end(lemmas)) STORED;

    CREATE TABLE lemma_df (term text PRIMARY KEY, articles integer NOT NULL);
    INSERT INTO lemma_df (term, articles)
        SELECT term, COUNT(*) FROM articles, unnest(tsvector_to_array(lemmas)) term
        GROUP BY term;
    CREATE TABLE lemma_totals (
        id integer PRIMARY KEY CHECK (id = 1), articles bigint NOT NULL, lemmas bigint NOT NULL
    );
    INSERT INTO lemma_totals SELECT 1, COUNT(*), COALESCE(SUM(lemma_count), 0) FROM articles;

    CREATE FUNCTION newsloom_lemma_stats(lemmas tsvector, lemma_count integer, delta integer)
    RETURNS void LANGUAGE sql AS $$
        INSERT INTO lemma_df AS s (term, articles)
        SELECT term, delta FROM unnest(tsvector_to_array(lemmas)) term ORDER BY term
        ON CONFLICT (term) DO UPDATE SET articles = s.articles + EXCLUDED.articles;
        UPDATE lemma_totals SET articles = articles + delta,
                                lemmas = lemmas + delta * lemma_count;
    $$;
    -- articles inserted by the open transaction, not counted yet (empty between transactions)
    CREATE UNLOGGED TABLE lemma_pending (seq bigint PRIMARY KEY);
    CREATE FUNCTION newsloom_lemmas_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO lemma_pending VALUES (NEW.seq);
            PERFORM set_config('newsloom.lemmas_pending', 'yes', true);
        ELSIF EXISTS (SELECT 1 FROM lemma_pending WHERE seq = OLD.seq) THEN
            -- inserted by this transaction: counted at commit as it is then
            DELETE FROM lemma_pending WHERE seq = OLD.seq AND TG_OP = 'DELETE';
        ELSE
            PERFORM newsloom_lemma_stats(OLD.lemmas, OLD.lemma_count, -1);
            IF TG_OP = 'UPDATE' THEN
                PERFORM newsloom_lemma_stats(NEW.lemmas, NEW.lemma_count, 1);
            END IF;
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER articles_lemma_stats AFTER INSERT OR DELETE OR UPDATE OF lemmas ON articles
        FOR EACH ROW EXECUTE FUNCTION newsloom_lemmas_changed();
    -- at commit, the first of the queued calls counts every pending article; the others
    -- find the flag cleared. The shared rows are taken last, after the article counts: a
    -- second writer waits on the 'all' count before it takes any, so none deadlock here.
    CREATE FUNCTION newsloom_lemmas_flush() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('newsloom.lemmas_pending', true) = 'yes' THEN
            PERFORM set_config('newsloom.lemmas_pending', '', true);
            WITH done AS (
                DELETE FROM lemma_pending p USING articles a WHERE a.seq = p.seq
                RETURNING a.lemmas, a.lemma_count
            ), counted AS (
                INSERT INTO lemma_df AS s (term, articles)
                SELECT term, COUNT(*) FROM done, unnest(tsvector_to_array(done.lemmas)) term
                GROUP BY term ORDER BY term
                ON CONFLICT (term) DO UPDATE SET articles = s.articles + EXCLUDED.articles
            )
            UPDATE lemma_totals SET articles = articles + d.n, lemmas = lemmas + d.total
            FROM (SELECT COUNT(*) AS n, COALESCE(SUM(lemma_count), 0) AS total FROM done) d;
        END IF;
        RETURN NULL;
    END $$;
    CREATE CONSTRAINT TRIGGER lemma_pending_flush AFTER INSERT ON lemma_pending
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION newsloom_lemmas_flush();
    """,
    # 3: the wire agency a dateline names ("BERLIN (dpa) –"), Article.wire_source.
    """
    ALTER TABLE articles ADD COLUMN IF NOT EXISTS wire_source text;
    """,
    # 4: monitoring (issue 16): polled sources and the feed entries seen, watchlists,
    # the alerts they raise from the story event log, and the delivery outbox.
    """
    CREATE TABLE sources (
        url           text PRIMARY KEY,
        added_at      text NOT NULL,
        kind          text NOT NULL DEFAULT 'feed',  -- feed | sitemap
        title         text,
        etag          text,                          -- conditional GET validators
        last_modified text,
        last_poll     text,
        last_success  text,
        last_error    text,
        failures      integer NOT NULL DEFAULT 0,       -- consecutive failed polls
        next_poll     text
    );
    CREATE TABLE source_entries (                    -- article URLs met in a source's feed
        url         text PRIMARY KEY,
        source_url  text NOT NULL,
        fingerprint text NOT NULL,                  -- entry id + updated: changed → refetch
        fetched_at  text NOT NULL,
        status      text NOT NULL,                  -- stored, or why not
        document_id text
    );
    CREATE TABLE watchlists (
        name        text PRIMARY KEY,
        kind        text NOT NULL,                  -- entity | query | storyline | story
        target      text NOT NULL,
        created_at  text NOT NULL,
        languages   text NOT NULL,                  -- JSON list (empty: any)
        min_sources integer NOT NULL,
        webhook     text,
        email       text,
        from_event  bigint NOT NULL                 -- story_events up to here are older
    );
    CREATE TABLE alerts (
        id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        watchlist  text NOT NULL,
        dedup_key  text NOT NULL UNIQUE,
        kind       text NOT NULL,
        story_id   text NOT NULL,
        event_id   bigint NOT NULL,
        created_at text NOT NULL,
        payload    text NOT NULL                    -- JSON: title, summary, citations
    );
    CREATE INDEX alerts_watchlist ON alerts(watchlist, id);
    CREATE TABLE alert_deliveries (                  -- the outbox: one row per alert and target
        alert_id     bigint NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        channel      text NOT NULL,                 -- webhook | email
        target       text NOT NULL,
        state        text NOT NULL,                 -- pending | sent | failed
        attempts     integer NOT NULL DEFAULT 0,
        next_attempt text NOT NULL,
        last_error   text,
        sent_at      text,
        PRIMARY KEY (alert_id, channel, target)
    );
    CREATE INDEX alert_deliveries_due ON alert_deliveries(state, next_attempt);
    CREATE TABLE monitor_cursor (                    -- the last story event matched (no row: 0)
        id       integer PRIMARY KEY CHECK (id = 1),
        event_id bigint NOT NULL
    );
    """,
    # 5: whether an article vouched for the entity (SQLite level 14, the same backfill).
    """
    ALTER TABLE entities ADD COLUMN IF NOT EXISTS vouched boolean NOT NULL DEFAULT false;
    UPDATE entities SET vouched = true WHERE key LIKE 'loc:%';
    """,
)
