"""Use cases of the registry. Each takes the session explicitly, owns its queries and writes the change log."""
