"""Training code: fits what the runtime ships (never imported by the runtime)."""
