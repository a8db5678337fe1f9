"""`python -m tracker` runs the tracker command."""

from tracker.cli import main

main()
