"""forum domain: filled in by its issue."""
