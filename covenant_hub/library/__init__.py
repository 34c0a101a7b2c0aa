"""Best-practice library (issue: library and discussion groups)."""
