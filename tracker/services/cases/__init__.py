"""Cases: create, edit, search, import and export them, and record their status."""
