"""newsloom: from messy multilingual news to clean articles, stories and timelines."""

__version__ = "0.1.0"
