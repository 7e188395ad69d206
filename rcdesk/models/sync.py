"""Tables of the sync capability (filled in by its issue)."""
