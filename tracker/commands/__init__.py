"""Command groups of the `tracker` CLI, one module per feature, registered in tracker/cli.py."""
