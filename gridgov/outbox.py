"""Queue a notice in the current transaction."""

from gridgov.models import OutboxMessage


def enqueue(
    *, kind: str, case=None, dedupe_key: str | None = None, **payload
) -> OutboxMessage | None:
    """Add a pending notice. With a dedupe_key, a second call with the same key adds nothing."""
    if dedupe_key is not None:
        message, created = OutboxMessage.objects.get_or_create(
            dedupe_key=dedupe_key, defaults={"kind": kind, "case": case, "payload": payload}
        )
        return message if created else None
    return OutboxMessage.objects.create(kind=kind, case=case, payload=payload)
