"""Cluster: stories from articles, storylines from stories (the only stages that see the whole corpus)."""
