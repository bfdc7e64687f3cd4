"""Chapter overview: how much electricity data centres use, and will use, against nations."""
