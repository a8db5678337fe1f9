"""CLI command groups of the `tracker` command, registered in tracker/cli.py."""
