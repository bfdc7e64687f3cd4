"""Chapter inference: energy per token, a roofline model of inference checked against public measurements."""
