"""Services' pages of the mobile door."""
