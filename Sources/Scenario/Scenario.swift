// Scenario — placeholder; see docs/architecture.md.
