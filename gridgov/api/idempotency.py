"""Writes that can be retried, like the phone's submission id: a POST sent with an
`Idempotency-Key` header is done once per (caller, key). A retry with the same key and the same
body gets the first answer again (status and body, marked `Idempotent-Replayed: true`); the
same key with another body is refused (422). Records are kept for KEEP; an older one is
forgotten when its key comes again.

The record is written in the same transaction as the work: two requests racing with one key
meet on the unique constraint, the second waits for the first to commit and replays its
answer (PostgreSQL), so the work is done once and nothing half-done is ever replayed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from gridgov.api.errors import PROBLEM_TYPE, problem
from gridgov.models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEEP = dt.timedelta(hours=24)
_KEY = re.compile(r"[\x21-\x7e]{1,200}")  # visible ASCII, as HTTP header values are safe


def fingerprint(request) -> str:
    """The method, path and body of a request (JSON compared by value, not by spacing)."""
    body = request._request.body
    try:
        canonical = json.dumps(
            json.loads(body or b"{}"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    except (ValueError, RecursionError):
        canonical = body
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), canonical):
        digest.update(part + b"\0")
    return digest.hexdigest()


def _replay(record: IdempotencyRecord) -> Response:
    headers = {"Idempotent-Replayed": "true"}
    if record.location:
        headers["Location"] = record.location
    return Response(
        record.body, status=record.status_code, headers=headers, content_type=record.content_type
    )


def _stored(response) -> tuple[object, str]:
    body = json.loads(json.dumps(response.data, cls=JSONEncoder))
    # Before rendering, only a problem says its type; every other answer is JSON.
    content_type = getattr(response, "content_type", None) or "application/json"
    return body, content_type


def _claim(user, key: str, mark: str) -> tuple[IdempotencyRecord, bool]:
    """(the record, True) when this request is the first with the key, else (the first's
    record, False) once that one is committed. A record older than KEEP is forgotten here, when
    its key comes again (not looked for on every request: a new key finds nothing)."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user, key=key, fingerprint=mark, status_code=0, content_type=""
                )
            return record, True
        except IntegrityError:
            record = IdempotencyRecord.objects.get(user=user, key=key)
            if record.created_at >= timezone.now() - KEEP:
                return record, False
            record.delete()
    # A request racing this one took the key between the deletion and the second try.
    return IdempotencyRecord.objects.get(user=user, key=key), False


def run(request, handle) -> Response:
    """`handle()` once for this caller and key; the first answer for a retry."""
    key = request.headers.get(HEADER, "")
    if not _KEY.fullmatch(key):
        return problem(
            400,
            _("An Idempotency-Key is 1 to 200 visible ASCII characters."),
            instance=request.path,
            errors={HEADER: [_("Not a valid key.")]},
        )
    mark = fingerprint(request)
    with transaction.atomic():
        record, first = _claim(request.user, key, mark)
        if not first:
            if record.fingerprint != mark:
                return problem(
                    422,
                    _("This Idempotency-Key was used for another request; use a new key."),
                    instance=request.path,
                    errors={HEADER: [_("Already used with another body or address.")]},
                )
            return _replay(record)
        work = transaction.savepoint()
        response = handle()
        if response.status_code >= 500 or response.status_code == 429:
            # Not an answer to keep: the retry must be able to try again.
            transaction.set_rollback(True)
            return response
        if response.status_code >= 400:
            transaction.savepoint_rollback(work)
        else:
            transaction.savepoint_commit(work)
        record.body, record.content_type = _stored(response)
        record.status_code = response.status_code
        record.location = (response.get("Location") or "")[:500]
        record.save(update_fields=["body", "content_type", "status_code", "location"])
    return response


def idempotency_purge(*, now: dt.datetime | None = None) -> int:
    """Forget the answers older than KEEP (a rhythm's work); returns how many."""
    cutoff = (now or timezone.now()) - KEEP
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


__all__ = ["HEADER", "KEEP", "PROBLEM_TYPE", "fingerprint", "idempotency_purge", "run"]
