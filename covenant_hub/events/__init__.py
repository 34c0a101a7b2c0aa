"""events domain: filled in by its issue."""
