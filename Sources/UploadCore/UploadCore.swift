// UploadCore — placeholder; see docs/architecture.md.
