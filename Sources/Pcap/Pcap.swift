// Pcap — placeholder; see docs/architecture.md.
