"""The read side shared by the CLI, the API, the pages and the report."""
