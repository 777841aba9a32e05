"""Services' pages of the desk door."""
