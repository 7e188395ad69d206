"""Tables of the followup capability (filled in by its issue)."""
