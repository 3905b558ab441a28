// Reports — placeholder; see docs/architecture.md.
