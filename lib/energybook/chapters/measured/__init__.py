"""Chapter measured: the book's own GPU energy measurements (H100 and H200)."""
