"""The PostgreSQL store (server mode): every port of :mod:`newsloom.store.ports` on psycopg 3
with a connection pool, pgvector for the vectors and tsvector/GIN for keyword search."""
