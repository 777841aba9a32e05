"""Factories for test data. Tree nodes go through grids.actions so tests see real lft/rght."""

import datetime as dt
import io
import itertools

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from grids import actions as grid_actions
from staff import actions as staff_actions

PASSWORD = "correct-horse-battery-staple"

_codes = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_node(parent, tier: str, name: str | None = None, code: str | None = None, **fields):
    """A node under `parent` with the next free code segment of the right length."""
    from grids.models import GridNode

    if parent is None:
        code = code or f"{610000 + next(_codes) % 9999:06d}"
    elif code is None:
        width = {"town": 3, "area": 0, "village": 3, "grid": 3, "micro_grid": 3}[tier]
        base = parent.code
        if parent.tier == "area":
            base = parent.parent.code
        if tier == "area":
            taken = GridNode.objects.filter(parent=parent, tier="area").count()
            code = f"{parent.code}P{taken + 1:02d}"
        else:
            n = next(_codes) % (10**width - 1) + 1
            code = f"{base}{n:0{width}d}"
    return grid_actions.node_create(
        actor=None,
        parent_id=parent.pk if parent else None,
        name=name or f"{tier}-{code}",
        tier=tier,
        code=code,
        **fields,
    )


def grant(user, node, role: str):
    return staff_actions.assignment_grant(actor=None, user_id=user.pk, node_id=node.pk, role=role)


# ---------------------------------------------------------------- the clock

T0 = timezone.make_aware(dt.datetime(2026, 11, 16, 9, 0))  # a Monday, 09:00 Beijing time


# ---------------------------------------------------------------- the household ledger

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(body17: str) -> str:
    """A resident ID number with the right check digit after the given seventeen digits."""
    return (
        body17
        + "10X98765432"[sum(int(d) * w for d, w in zip(body17, _ID_WEIGHTS, strict=True)) % 11]
    )


FULL_ID = id_number("61072219800101123")
PHONE = "13812345678"


def key_household(node, **fields):
    """张三's household (a key household) on `node`, with 张三 on it: his full ID number and
    phone, on the low-income list. `fields` go to actions.household_create (members, …)."""
    household = grid_actions.household_create(
        actor=None,
        node_id=node.pk,
        address="梁家庵村一组12号",
        head_name="张三",
        category="key",
        **fields,
    )
    grid_actions.resident_create(
        actor=None,
        household_id=household.pk,
        name="张三",
        id_number=FULL_ID,
        phone=PHONE,
        relation="本人",
        tags=["low_income"],
    )
    return household


def ledger_row(grid, address, head, name, idn="", phone="13800001234", category="一般户", tags=""):
    """One row of the township's ledger sheet, in grids.ledger_xlsx.COLUMNS order."""
    return [
        grid,
        address,
        head,
        category,
        2,
        "务农",
        "",
        "群众",
        "",
        "",
        name,
        idn,
        phone,
        "",
        tags,
    ]


def ledger_xlsx(rows) -> bytes:
    """An .xlsx of the ledger's headings and these rows."""
    from openpyxl import Workbook

    from grids.ledger_xlsx import COLUMNS

    book = Workbook()
    sheet = book.active
    sheet.append([heading for heading, _field in COLUMNS])
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_ledger_rows(tree, n=3):
    """n residents in grid A, two to a household, each with a valid ID number."""
    return [
        ledger_row(
            tree.grid_a.code,
            f"{i // 2}号",
            f"户主{i // 2}",
            f"人{i}",
            id_number(f"610722198001{i:05d}"),
        )
        for i in range(n)
    ]


# ---------------------------------------------------------------- cases

CASE_FIELDS = {
    "title": "邻居因排水沟起争执",
    "description": "两户因排水沟走向争吵,需调解。",
    "source": "patrol",
}
# The statuses make_case reaches, in the order the actions reach them.
STATUSES = ("reported", "accepted", "dispatched", "handling", "resolved", "closed")
# What make_case hands on to advance, for the steps after reporting.
_STEP_OPTIONS = ("color", "staff", "owner", "handler", "unit", "result")
_OF_THE_PLACE = object()  # "whoever of the cast works where the case happened"


def make_case(
    cast,
    node,
    status: str = "reported",
    *,
    now=None,
    reporter=_OF_THE_PLACE,
    **fields,
):
    """A case reported on `node` and taken to `status` through cases.actions, one step at a time:
    reported, accepted (`color`, onto `owner`'s list if given), dispatched (to `handler`, or to
    the `unit`), handling (signed by `handler`), resolved (`result`), closed (verified).

    People are users or names of the `cast`. By default the cast's grid worker of the place
    reports (else the town's staff; None is a resident on the hotline), the town's `staff`
    accept, dispatch and verify, and the grid worker of the place is the `handler`; a case
    dispatched to a `unit` needs the member who signs as `handler`.

    `now` is one time for every step, or the time of each status reached
    ({"reported": t0, "accepted": t1, ...}): a status left out takes the time of the step before
    it, and None is the real clock. `color`, `staff`, `owner`, `handler`, `unit` and `result`
    are advance's; the other `fields` go to actions.case_report (title, source, …)."""
    from cases import actions

    steps = {name: fields.pop(name) for name in _STEP_OPTIONS if name in fields}
    if reporter is _OF_THE_PLACE:
        reporter = _of_the_place(cast, node, ("worker_a", "worker_b", "staff_town1", "staff_town2"))
    case = actions.case_report(
        actor=_person(cast, reporter),
        node_id=node.pk,
        now=_step_times(now)["reported"],
        **{**CASE_FIELDS, **fields},
    )
    return advance(cast, case, status, now=now, **steps)


def advance(
    cast,
    case,
    status: str,
    *,
    now=None,
    color: str = "yellow",
    staff=None,
    owner=None,
    handler=None,
    unit=None,
    result: str = "已处理",
):
    """The case taken on from its status to `status` through the actions (see make_case)."""
    from cases import actions
    from cases.models import Case

    if status not in STATUSES or case.status not in STATUSES:
        raise ValueError(f"make_case reaches {', '.join(STATUSES)}, not {status!r}")
    start, reach = STATUSES.index(case.status), STATUSES.index(status)
    if reach < start:
        raise ValueError(f"a {case.status} case cannot go back to {status}")
    at = _step_times(now)
    steps = STATUSES[start + 1 : reach + 1]
    staff = _person(cast, staff)
    if staff is None and {"accepted", "dispatched", "closed"} & set(steps):
        staff = _of_the_place(cast, case.node, ("staff_town1", "staff_town2"))
    handler = _person(cast, handler)
    signs = {"handling", "resolved"} & set(steps)
    if handler is None and (signs or ("dispatched" in steps and unit is None)):
        if "dispatched" not in steps:  # dispatched before: to whom
            handler = Case.objects.get(pk=case.pk).handler
        elif unit is None:
            handler = _of_the_place(cast, case.node, ("worker_a", "worker_b"))
        if handler is None:
            raise ValueError("who of the unit signs for the case? pass handler=")
    for step in steps:
        if step == "accepted":
            actions.case_accept(
                actor=staff,
                case_id=case.pk,
                color=color,
                owner_node_id=owner.pk if owner else None,
                now=at[step],
            )
        elif step == "dispatched":
            to = {"unit_id": unit.pk} if unit else {"handler_id": handler.pk}
            actions.case_dispatch(actor=staff, case_id=case.pk, now=at[step], **to)
        elif step == "handling":
            actions.case_sign(actor=handler, case_id=case.pk, now=at[step])
        elif step == "resolved":
            actions.case_resolve(actor=handler, case_id=case.pk, result=result, now=at[step])
        elif step == "closed":
            actions.case_verify(actor=staff, case_id=case.pk, ok=True, now=at[step])
    return Case.objects.get(pk=case.pk)


def called_case(cast, node, department, category, *, staff="staff_town1", now=None):
    """A case on `node` that the town's `staff` handle themselves on the town's list (orange,
    `category`), and their call to the county `department` on it, all at `now`: (case, call)."""
    from cases import actions

    case = make_case(
        cast,
        node,
        "handling",
        color="orange",
        owner=node.town,
        handler=staff,
        category_id=category.pk,
        now=now,
    )
    call = actions.case_call_county(
        actor=_person(cast, staff),
        case_id=case.pk,
        department_id=department.pk,
        grounds="超出职责",
        now=now,
    )
    return case, call


def _step_times(now) -> dict:
    if not isinstance(now, dict):
        return dict.fromkeys(STATUSES, now)
    unknown = set(now) - set(STATUSES)
    if unknown:
        raise ValueError(f"no step called {', '.join(sorted(unknown))}")
    times, last = {}, None
    for status in STATUSES:
        last = now.get(status, last)
        times[status] = last
    return times


def _person(cast, person):
    return getattr(cast, person) if isinstance(person, str) else person


def _of_the_place(cast, node, names):
    """The first of these cast members whose grant covers the node (the tree read afresh)."""
    from grids.models import GridNode

    node = GridNode.objects.get(pk=node.pk)
    for name in names:
        user = getattr(cast, name, None)
        for grant in user.assignments.select_related("node") if user else ():
            if grant.node.tree_id == node.tree_id and grant.node.lft <= node.lft <= grant.node.rght:
                return user
    raise ValueError(f"nobody of {', '.join(names)} works at {node.name}: say who")
