"""The server-rendered pages of the web UI, one module per area."""
