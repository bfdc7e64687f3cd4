"""Chapter analog: when analog in-memory computing beats digital arithmetic on energy per
multiply-accumulate, what analog noise costs in accuracy, and what it could change by 2030."""
