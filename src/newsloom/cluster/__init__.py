"""Cluster: stories from articles, storylines from stories.

The only stages, with the store, that see the whole corpus.
"""
