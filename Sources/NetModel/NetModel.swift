// NetModel — placeholder; see docs/architecture.md.
