"""The officers' web UI (server-rendered Jinja2 + htmx) and the JSON API under /api/v1."""
