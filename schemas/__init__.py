"""The boundary between outside data (YAML, JSON, API bodies) and the domain."""
