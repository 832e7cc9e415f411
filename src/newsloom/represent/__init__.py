"""Represent: what identifies an article's event, as vectors (embeddings) and sketches (MinHash)."""
