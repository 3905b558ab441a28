// SimKernel — placeholder; see docs/architecture.md.
