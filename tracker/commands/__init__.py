"""Command groups of the `tracker` CLI, one module per feature."""
