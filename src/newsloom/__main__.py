"""``python -m newsloom`` runs the CLI."""

from newsloom.cli.app import main

main()
