// SimDriver — placeholder; see docs/architecture.md.
