"""Chapter models: pure functions, units in names, no I/O."""
