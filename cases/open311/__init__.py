"""The Open311 GeoReport v2 door (/open311/v2/): residents' reports from other systems."""
