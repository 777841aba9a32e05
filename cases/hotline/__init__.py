"""The 12345 hotline's work orders (工单), end to end (docs/hotline.md): the adapter between the
hotline's JSON and gridgov's fields (adapter.py, the one module a province's own API changes),
where an order lands (routing.py), its attachments (attachments.py), and the signed messages
back to the hotline through the outbox (outgoing.py)."""
