"""The API door (/api/v1/): what every app's api/ package shares. Keys and clients
(clients.py, auth.py), who may call which endpoint (permissions.py), throttles, the one error
shape (errors.py), retried POSTs (idempotency.py), cursor pages (pagination.py), JSON bodies
cleaned like form fields (parsers.py), the base view (views.py) and the OpenAPI schema
(schema.py, docs.py). docs/api.md says how another system uses it."""
