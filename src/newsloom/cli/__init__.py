"""The ``newsloom`` command line: one Typer app (``cli.app``) with lazily imported commands."""
