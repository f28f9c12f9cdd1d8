"""The store: the only code that speaks SQL (SQLite embedded by default)."""
