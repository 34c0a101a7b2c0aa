"""matching domain: filled in by its issue."""
