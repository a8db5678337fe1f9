"""The only door from private rows to public output: frozen views and their queries."""
