"""What needs a caseworker's action, gathered into a digest per caseworker."""
