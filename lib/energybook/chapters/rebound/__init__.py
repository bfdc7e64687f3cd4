"""Chapter rebound ("ambition creep"): why better chips do not cut AI's energy."""
