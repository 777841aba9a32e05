"""Every write about people and their grants."""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import GridNode
from staff import access
from staff.models import Assignment


@transaction.atomic
def assignment_grant(
    *,
    actor,
    user_id: int,
    node_id: int,
    role: str,
    starts: dt.date | None = None,
    ends: dt.date | None = None,
    note: str = "",
) -> Assignment:
    """Give a person a role on a node (and so on its subtree)."""
    node = GridNode.objects.filter(pk=node_id).first()
    if node is None:
        raise ValidationError({"node": _("That place in the tree does not exist (any more).")})
    if actor is not None:
        access.require(actor, "assignment.change", node)
    assignment = Assignment(
        user_id=user_id,
        node=node,
        role=role,
        starts=starts or timezone.localdate(),
        ends=ends,
        note=note,
    )
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def assignment_update(
    *,
    actor,
    assignment_id: int,
    role: str,
    starts: dt.date,
    ends: dt.date | None,
    note: str = "",
) -> Assignment:
    """Correct a grant's role, dates or note (its person and node stay: grant anew for those)."""
    assignment = Assignment.objects.select_for_update().select_related("node").get(pk=assignment_id)
    if actor is not None:
        access.require(actor, "assignment.change", assignment)
    assignment.role, assignment.starts, assignment.ends, assignment.note = role, starts, ends, note
    assignment.full_clean()
    assignment.save(update_fields=["role", "starts", "ends", "note"])
    return assignment


@transaction.atomic
def assignment_end(*, actor, assignment_id: int, ends: dt.date | None = None) -> Assignment:
    """End a grant (from `ends`, default today); history is kept, never deleted."""
    assignment = Assignment.objects.select_for_update().select_related("node").get(pk=assignment_id)
    if actor is not None:
        access.require(actor, "assignment.change", assignment)
    assignment.ends = ends or timezone.localdate()
    assignment.full_clean()
    assignment.save(update_fields=["ends"])
    return assignment


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    full_name: str,
    password: str | None,
    email: str = "",
    password_hash: str = "",
):
    """Create a login for a person. Their grants are given with assignment_grant.

    `password_hash` (already hashed, e.g. shared by a batch of demo users) wins over `password`.
    """
    if actor is not None and not access.can_anywhere(actor, "user.change"):
        raise access.PermissionDenied
    user_model = get_user_model()
    user = user_model(username=username, first_name=full_name, email=email)
    if password_hash:
        user.password = password_hash
    elif password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


def login_attempts_purge(*, now: dt.datetime | None = None) -> int:
    """Drop login records older than GRIDGOV_ACCESS_LOG_DAYS (nightly, from beat)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.GRIDGOV_ACCESS_LOG_DAYS)
    removed = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        count, _details = model.objects.filter(attempt_time__lt=cutoff).delete()
        removed += count
    return removed
