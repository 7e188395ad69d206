"""Tables of the poa capability (filled in by its issue)."""
