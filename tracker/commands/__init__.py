"""Groups of `tracker` CLI commands, one module per feature, registered in tracker/cli.py."""
