"""Public service items, service requests and volunteer tasks: see the Services issue."""
