"""The database adapter: SQLModel tables, the `Database` (one write funnel), repository queries."""
