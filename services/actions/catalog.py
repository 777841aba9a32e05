"""Keeping the service catalog: an item is saved with its texts; when the texts change, a new
version is written and becomes the current one, and the old version stays as it was for the
requests made under it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Unit
from gridgov.errors import DomainError
from grids.models import GridNode, Tier
from services.actions._common import now_or
from services.models import Domain, MaterialForm, ServiceItem, ServiceItemVersion
from services.models.catalog import ITEM_CODE, LONGEST_LIMIT
from staff import access

# The fields of a version: an edit that changes none of them writes no new version.
VERSION_FIELDS = (
    "name",
    "content",
    "procedure",
    "basis",
    "materials",
    "phone",
    "statutory_days",
    "promised_days",
    "fee",
    "fee_note",
    "online",
    "errand",
)
MOST_LINES = 60  # steps, documents or materials of one item
MOST_COPIES = 99


def _limit(value, what: str, *, required: bool) -> int | None:
    if value in (None, ""):
        if required:
            raise DomainError(_("Please give %(what)s.") % {"what": what}, field="promised_days")
        return None
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = -1
    if not 0 <= days <= LONGEST_LIMIT:
        raise DomainError(
            _("%(what)s is a number of working days from 0 to %(most)d.")
            % {"what": what, "most": LONGEST_LIMIT},
            field="promised_days",
        )
    return days


def _fee(value) -> Decimal:
    try:
        fee = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        fee = Decimal(-1)
    if not fee.is_finite() or fee < 0 or fee >= Decimal("1000000"):
        raise DomainError(_("The fee is an amount in yuan, 0 when it is free."), field="fee")
    return fee.quantize(Decimal("0.01"))


def _lines(values, what: str) -> list:
    values = list(values or [])
    if len(values) > MOST_LINES:
        raise DomainError(
            _("At most %(n)d lines of %(what)s.") % {"n": MOST_LINES, "what": what},
            field="content",
        )
    return values


def _texts(fields: dict) -> dict:
    """A version's texts, checked and in the shape they are stored in."""
    name = (fields.get("name") or "").strip()[:100]
    content = (fields.get("content") or "").strip()[:5000]
    if not name:
        raise DomainError(_("Please give %(what)s.") % {"what": _("the name")}, field="name")
    if not content:
        raise DomainError(
            _("Please give %(what)s.") % {"what": _("the service content")}, field="content"
        )
    steps = [s.strip()[:300] for s in _lines(fields.get("procedure"), _("procedure")) if s.strip()]
    basis = []
    for b in _lines(fields.get("basis"), _("policy basis")):
        document = (b.get("document") or "").strip()[:200]
        if document:
            basis.append(
                {"document": document, "articles": (b.get("articles") or "").strip()[:200]}
            )
    materials = []
    for m in _lines(fields.get("materials"), _("materials")):
        material = (m.get("name") or "").strip()[:200]
        if not material:
            continue
        form = m.get("form") or MaterialForm.ORIGINAL
        count = m.get("count") or 1
        if form not in MaterialForm.values or not (
            isinstance(count, int) and 1 <= count <= MOST_COPIES
        ):
            raise DomainError(
                _("Material “%(name)s”: say original, copy or both, and 1 to %(n)d copies.")
                % {"name": material, "n": MOST_COPIES},
                field="materials",
            )
        materials.append({"name": material, "form": form, "count": count})
    statutory = _limit(fields.get("statutory_days"), _("The statutory time limit"), required=False)
    promised = _limit(fields.get("promised_days"), _("The promised time limit"), required=True)
    if statutory is not None and promised > statutory:
        raise DomainError(
            _("The promised time (%(promised)d days) cannot be longer than the law's (%(law)d).")
            % {"promised": promised, "law": statutory},
            field="promised_days",
        )
    return {
        "name": name,
        "content": content,
        "procedure": steps,
        "basis": basis,
        "materials": materials,
        "phone": (fields.get("phone") or "").strip()[:30],
        "statutory_days": statutory,
        "promised_days": promised,
        "fee": _fee(fields.get("fee")),
        "fee_note": (fields.get("fee_note") or "").strip()[:200],
        "online": bool(fields.get("online")),
        "errand": bool(fields.get("errand")),
    }


def _place(actor, node_id) -> GridNode:
    node = GridNode.objects.filter(pk=node_id, tier__in=(Tier.TOWN, Tier.VILLAGE)).first()
    if node is None:
        raise DomainError(_("A service item is offered by a town or a village."), field="node")
    if actor is not None:
        access.require(actor, "serviceitem.change", node)
    return node


def _platform(actor, platform_id, node: GridNode) -> Unit:
    units = Unit.objects.filter(
        pk=platform_id, kind__in=(Unit.Kind.PLATFORM, Unit.Kind.COUNTY_DEPARTMENT)
    ).select_related("node")
    if actor is not None:
        units = access.scope_units(actor, "serviceitem.change", units)
    unit = units.first()
    if unit is None or not unit.node.contains(node):
        raise DomainError(
            _("Choose a platform of the town or a department of the county that owns the item."),
            field="platform",
        )
    return unit


def _new_code(node: GridNode, code: str = "") -> str:
    if code:
        if not re.fullmatch(ITEM_CODE, code) or code.split("F")[0] != node.code:
            raise DomainError(
                _("An item's code is its place's code, F and three digits (%(example)s).")
                % {"example": f"{node.code}F001"},
                field="code",
            )
        if ServiceItem.objects.filter(code=code).exists():
            raise DomainError(_("Another item has the code %(code)s.") % {"code": code}, "code")
        return code
    taken = ServiceItem.objects.filter(code__startswith=f"{node.code}F").values_list(
        "code", flat=True
    )
    numbers = [int(c.rsplit("F", 1)[1]) for c in taken if re.fullmatch(ITEM_CODE, c)]
    following = max(numbers, default=0) + 1
    if following > 999:
        raise DomainError(_("This place has no item codes left."), field="code")
    return f"{node.code}F{following:03d}"


def _staff(actor, staff_ids):
    if staff_ids is None:
        return None
    people = get_user_model().objects.filter(pk__in=list(staff_ids), is_active=True)
    if actor is not None:
        people = access.scope_references(actor, "serviceitem.change", people)
    people = list(people)
    if len(people) != len(set(staff_ids)):
        raise DomainError(_("Choose the staff in charge among your people."), field="staff")
    return people


def service_item_check(*, actor, node_id, platform_id, domain, staff_ids=None, **texts):
    """What service_item_save would write, checked and read: (node, platform, the version's
    fields, the staff or None); DomainError for the first thing wrong. Writes nothing."""
    unknown = set(texts) - set(VERSION_FIELDS)
    if unknown:
        raise TypeError(f"service_item_save got unknown fields {sorted(unknown)}")
    node = _place(actor, node_id)
    platform = _platform(actor, platform_id, node)
    if domain not in Domain.values:
        raise DomainError(_("Choose the item's domain."), field="domain")
    return node, platform, _texts(texts), _staff(actor, staff_ids)


@transaction.atomic
def service_item_save(
    *,
    actor,
    item_id: int | None = None,
    node_id: int,
    platform_id: int,
    domain: str = Domain.OTHER,
    position: int = 0,
    active: bool = True,
    staff_ids=None,
    code: str = "",
    now: dt.datetime | None = None,
    **texts,
) -> ServiceItem:
    """Add an item, or change one: its place and owner here, its texts as a new version when
    they differ from the current one (the current text is never edited). `texts` are the
    version's fields (VERSION_FIELDS); `staff_ids` None leaves the staff in charge as they are."""
    now = now_or(now)
    node, platform, fields, people = service_item_check(
        actor=actor,
        node_id=node_id,
        platform_id=platform_id,
        domain=domain,
        staff_ids=staff_ids,
        **texts,
    )
    if item_id is None:
        item = ServiceItem(code=_new_code(node, (code or "").strip()))
    else:
        item = ServiceItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None:
            raise DomainError(_("There is no such item."), field="code")
        if actor is not None:
            access.require(actor, "serviceitem.change", item)
    item.node, item.platform, item.domain = node, platform, domain
    item.position, item.active, item.name = (
        max(0, min(int(position or 0), 32767)),
        active,
        fields["name"],
    )
    item.save()
    current = item.current
    if current is None or any(getattr(current, f) != v for f, v in fields.items()):
        number = (current.number if current else 0) + 1
        if current is not None:  # the last number ever written, whatever is current
            number = max(
                number, item.versions.order_by("-number").values_list("number", flat=True)[0] + 1
            )
        item.current = ServiceItemVersion.objects.create(
            item=item, number=number, created_at=now, created_by=actor, **fields
        )
        item.save(update_fields=["current", "updated_at"])
    if people is not None:
        item.staff.set(people)
    return item


class CatalogRefused(DomainError):
    """The sheet's rows that cannot be saved, each with why; nothing of the sheet was saved."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems[:20]))
        self.problems = problems


def _import_row(actor, row, now) -> str:
    """Save one row of the catalog sheet: "added", "changed" or "unchanged"."""
    from django.core.exceptions import ValidationError

    from services import lines
    from services.sheets import domain_of, yes_no

    v = row.values
    node = GridNode.objects.filter(code=v["node_code"], tier__in=(Tier.TOWN, Tier.VILLAGE)).first()
    if node is None:
        raise DomainError(
            _("no town or village has the code “%(code)s”") % {"code": v["node_code"]}
        )
    units = Unit.objects.filter(
        GridNode.ancestors_q(node, via="node"),
        name=v["platform"],
        kind__in=(Unit.Kind.PLATFORM, Unit.Kind.COUNTY_DEPARTMENT),
    )
    platform = units.first()
    if platform is None:
        raise DomainError(
            _("“%(name)s” is no platform of the town or department of the county")
            % {"name": v["platform"]}
        )
    domain = domain_of(v["domain"])
    flags = {f: yes_no(v[f]) for f in ("online", "errand", "active")}
    if domain is None or None in flags.values():
        raise DomainError(_("write the domain as in the export, and 是 or 否 in the last columns"))
    try:
        texts = {
            "procedure": lines.steps_from(v["procedure"]),
            "basis": lines.basis_from(v["basis"]),
            "materials": lines.materials_from(v["materials"]),
        }
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages)) from None
    item = ServiceItem.objects.filter(code=v["code"]).first() if v["code"] else None
    before = item.current_id if item else None
    saved = service_item_save(
        actor=actor,
        item_id=item.pk if item else None,
        code="" if item else v["code"],
        node_id=node.pk,
        platform_id=platform.pk,
        domain=domain,
        active=flags["active"],
        position=item.position if item else 0,
        now=now,
        name=v["name"],
        content=v["content"],
        phone=v["phone"],
        statutory_days=v["statutory_days"],
        promised_days=v["promised_days"],
        fee=v["fee"],
        fee_note=v["fee_note"],
        online=flags["online"],
        errand=flags["errand"],
        **texts,
    )
    return "added" if item is None else "changed" if saved.current_id != before else "unchanged"


@transaction.atomic
def service_items_import(*, actor, rows, now: dt.datetime | None = None) -> dict[str, int]:
    """The catalog sheet's rows (services.sheets.read_catalog), all saved or none: an existing
    code changes that item (a new version when its texts changed), a new or empty code adds
    one. CatalogRefused lists every row that cannot be saved."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.http import Http404

    now = now_or(now)
    counts = {"added": 0, "changed": 0, "unchanged": 0}
    problems = []
    for row in rows:
        try:
            with transaction.atomic():
                counts[_import_row(actor, row, now)] += 1
        except (ValidationError, PermissionDenied, Http404) as exc:
            why = " ".join(getattr(exc, "messages", [])) or _("outside your area")
            why = why.rstrip("。.")
            problems.append(_("Item %(number)d: %(why)s.") % {"number": row.number, "why": why})
    if problems:
        raise CatalogRefused(problems)
    return counts
