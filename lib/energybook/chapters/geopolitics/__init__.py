"""Chapter geopolitics: when electricity is a cap on AI and when it is just a cost."""
