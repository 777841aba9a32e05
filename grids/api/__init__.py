"""The tree on the API door (/api/v1/nodes/)."""
