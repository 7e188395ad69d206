"""Tables of the events capability (filled in by its issue)."""
