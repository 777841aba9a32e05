"""Services' pages of the public door."""
