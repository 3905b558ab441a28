// Compression — placeholder; see docs/architecture.md.
