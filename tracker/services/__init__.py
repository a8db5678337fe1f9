"""Use cases: take models and plain values, add and flush, never commit, never read the request."""
