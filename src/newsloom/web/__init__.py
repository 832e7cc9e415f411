"""Server-rendered web UI (Jinja2 templates + local static files), served by the API app."""
