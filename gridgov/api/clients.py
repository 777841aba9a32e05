"""API clients and their keys: every write about them (make, change, rotate, revoke) and the
lookup of a key. A client acts as its own service person holding the client's grants, so the
access policy needs nothing new; that person can never log in (no usable password)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.errors import DomainError
from gridgov.models import ApiClient
from grids.models import GridNode
from staff import access
from staff import actions as staff_actions
from staff.models import ROLE_TIERS, Assignment, Role

# gg_<8 hex: the prefix, shown in the admin and used to find the client>_<the secret>
KEY_PATTERN = re.compile(r"gg_([0-9a-f]{8})_([A-Za-z0-9_-]{43})")
# An administrator's work is not an outside system's: a client never holds the admin role.
CLIENT_ROLES = tuple(r for r in Role.values if r != Role.ADMIN)


def _new_key() -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    while ApiClient.objects.filter(key_prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    return prefix, f"gg_{prefix}_{secrets.token_urlsafe(32)}"


def key_hash(key: str) -> str:
    # The key is 256 random bits: a plain SHA-256 cannot be reversed or guessed, and a slow
    # password hash would cost every request ~0.3 s.
    return hashlib.sha256(key.encode()).hexdigest()


def client_for_key(key: str) -> ApiClient | None:
    """The active client whose key this is, or None: one query."""
    match = KEY_PATTERN.fullmatch(key or "")
    if match is None:
        return None
    client = (
        ApiClient.objects.select_related("service_user")
        .filter(key_prefix=match.group(1), revoked_at__isnull=True)
        .first()
    )
    if client is None or not hmac.compare_digest(client.key_hash, key_hash(key)):
        return None
    return client


def record_use(client: ApiClient, now: dt.datetime | None = None) -> None:
    """Last use and request count, counted in SQL so that parallel requests all count.

    A usage figure is not worth a disk flush on every request: on PostgreSQL its own commit
    does not wait for the WAL (synchronous_commit off for that transaction only), so the
    client's row is locked for microseconds, not for a flush, and parallel requests of one
    client do not queue on it. A crash may forget the last fraction of a second of counts,
    never anything else. Inside a caller's transaction it is an ordinary UPDATE of that
    transaction: its durability is not ours to lower."""
    update = ApiClient.objects.filter(pk=client.pk)
    values = {"last_used_at": now or timezone.now(), "request_count": F("request_count") + 1}
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        update.update(**values)
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        update.update(**values)


def check_grants(actor, *, node: GridNode, roles, unit=None) -> dict[str, list[str]]:
    """{field: [messages]} for the grants a client would hold that `actor` may not give (the
    same rule as giving a person a post: staff.access.may_grant), or that do not fit the node."""
    errors: dict[str, list[str]] = {}
    if not roles:
        errors.setdefault("roles", []).append(_("Give the client at least one role."))
    for role in roles:
        if role not in CLIENT_ROLES:
            errors.setdefault("roles", []).append(_("An API client cannot hold this role."))
        elif node.tier not in ROLE_TIERS.get(role, ()):
            errors.setdefault("roles", []).append(
                _("A %(role)s is not given on a %(tier)s.")
                % {"role": Role(role).label, "tier": node.get_tier_display()}
            )
        elif actor is not None and not access.may_grant(actor, role, node):
            errors.setdefault("roles", []).append(
                _("You may not give “%(role)s” on %(node)s.")
                % {"role": Role(role).label, "node": node.name}
            )
    if unit is not None and unit.node.tree_id != node.tree_id:
        errors.setdefault("unit", []).append(_("That unit is in another county."))
    return errors


def _clean_endpoints(endpoints) -> list[str]:
    chosen = [e for e in ApiClient.Endpoint.values if e in set(endpoints or ())]
    if len(chosen) != len(set(endpoints or ())):
        raise DomainError(_("Unknown endpoint."), field="endpoints")
    return chosen


def _require_grants(actor, *, node, roles, unit) -> None:
    errors = check_grants(actor, node=node, roles=roles, unit=unit)
    if errors:
        raise DomainError(errors)


def _sync_grants(actor, client: ApiClient, today: dt.date) -> None:
    """The service person holds exactly (client.node, role) for each role, with the unit; grants
    dropped stop today (one given today is removed: it never stood for a whole day)."""
    wanted = set(client.roles) if client.revoked_at is None else set()
    held = list(Assignment.objects.active().filter(user=client.service_user).select_related("node"))
    for grant in held:
        if grant.node_id == client.node_id and grant.role in wanted:
            wanted.discard(grant.role)
            if grant.unit_id != client.unit_id:
                grant.unit = client.unit
                grant.save(update_fields=["unit"])
            continue
        access.require_grant(
            actor, person_id=client.service_user_id, role=grant.role, node=grant.node
        )
        if grant.starts < today:
            staff_actions.assignment_end(
                actor=actor, assignment_id=grant.pk, ends=today - dt.timedelta(days=1)
            )
        else:
            grant.delete()
    for role in sorted(wanted):
        grant = staff_actions.assignment_grant(
            actor=actor,
            user_id=client.service_user_id,
            node_id=client.node_id,
            role=role,
            note=_("API client"),
        )
        if client.unit_id:
            grant.unit = client.unit
            grant.save(update_fields=["unit"])
    access.forget_grants(client.service_user)


@transaction.atomic
def api_client_create(
    *, actor, name: str, node_id: int, roles, endpoints, unit_id: int | None = None
) -> tuple[ApiClient, str]:
    """A new client acting with `roles` on the node, and its key (returned once, never kept)."""
    node = GridNode.objects.filter(pk=node_id).first()
    if node is None or (actor is not None and not access.in_scope(actor, node)):
        raise DomainError(_("That place in the tree does not exist (any more)."), field="node")
    unit = _unit(unit_id)
    roles = sorted(set(roles or ()))
    _require_grants(actor, node=node, roles=roles, unit=unit)
    prefix, key = _new_key()
    client = ApiClient.objects.create(
        name=(name or "").strip()[:100] or prefix,
        node=node,
        unit=unit,
        roles=roles,
        endpoints=_clean_endpoints(endpoints),
        key_prefix=prefix,
        key_hash=key_hash(key),
        created_by=actor,
    )
    user = get_user_model()(username=f"api-client-{client.pk}", first_name=client.name[:150])
    user.set_unusable_password()
    user.save()
    client.service_user = user
    client.save(update_fields=["service_user"])
    _sync_grants(actor, client, timezone.localdate())
    return client, key


@transaction.atomic
def api_client_update(
    *, actor, client_id: int, name: str, node_id: int, roles, endpoints, unit_id=None
) -> ApiClient:
    """Change what a client is called, covers, acts as and may call; its grants follow."""
    client = ApiClient.objects.select_for_update().get(pk=client_id)
    _require_managing(actor, client)
    node = GridNode.objects.filter(pk=node_id).first()
    if node is None or (actor is not None and not access.in_scope(actor, node)):
        raise DomainError(_("That place in the tree does not exist (any more)."), field="node")
    unit = _unit(unit_id)
    roles = sorted(set(roles or ()))
    _require_grants(actor, node=node, roles=roles, unit=unit)
    client.name = (name or "").strip()[:100] or client.name
    client.node, client.unit, client.roles = node, unit, roles
    client.endpoints = _clean_endpoints(endpoints)
    client.save(update_fields=["name", "node", "unit", "roles", "endpoints"])
    if client.service_user.first_name != client.name[:150]:
        client.service_user.first_name = client.name[:150]
        client.service_user.save(update_fields=["first_name"])
    _sync_grants(actor, client, timezone.localdate())
    return client


@transaction.atomic
def api_client_rotate(*, actor, client_id: int, now: dt.datetime | None = None) -> str:
    """A new key for the client; the old one stops working at once. Returns the new key."""
    client = ApiClient.objects.select_for_update().get(pk=client_id)
    _require_managing(actor, client)
    if client.revoked_at is not None:
        raise DomainError(_("A revoked client gets no new key: make a new client."))
    prefix, key = _new_key()
    client.key_prefix, client.key_hash = prefix, key_hash(key)
    client.rotated_at = now or timezone.now()
    client.save(update_fields=["key_prefix", "key_hash", "rotated_at"])
    return key


@transaction.atomic
def api_client_revoke(*, actor, client_id: int, now: dt.datetime | None = None) -> ApiClient:
    """The client's key stops working for good and its grants end today."""
    client = ApiClient.objects.select_for_update().get(pk=client_id)
    _require_managing(actor, client)
    if client.revoked_at is not None:
        return client
    client.revoked_at = now or timezone.now()
    client.save(update_fields=["revoked_at"])
    _sync_grants(actor, client, timezone.localdate(client.revoked_at))
    client.service_user.is_active = False
    client.service_user.save(update_fields=["is_active"])
    return client


def may_manage_client(actor, client: ApiClient) -> bool:
    """May `actor` change this client: they could give every grant it holds."""
    if actor is None:
        return True
    return access.can(actor, "assignment.change", client) and all(
        access.may_grant(actor, role, client.node) for role in client.roles
    )


def _require_managing(actor, client: ApiClient) -> None:
    if actor is None:
        return
    access.require(actor, "assignment.change", client)
    if not may_manage_client(actor, client):
        raise PermissionDenied


def _unit(unit_id):
    if not unit_id:
        return None
    from cases.models import Unit

    unit = Unit.objects.select_related("node").filter(pk=unit_id).first()
    if unit is None:
        raise DomainError(_("Unknown unit."), field="unit")
    return unit
