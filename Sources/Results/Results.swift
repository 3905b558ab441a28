// Results — placeholder; see docs/architecture.md.
