"""Pure Python rules of the tracker: vocabulary, transitions, dates; no Flask, no SQLAlchemy."""
