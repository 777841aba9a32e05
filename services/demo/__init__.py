"""The services' demo: 沙河营镇's 45 public services with the 五公开 (services.demo.catalog), two
window clerks of its 便民服务平台 (one shows her work phone, one does not), five weeks of
one-window requests worked through services.actions (errands by 王刚, requests online, a
one-time notice, second trips, a refusal, two past their promised time), and holiday duty slots
on the coming days off with a few bookings; the volunteers (services.demo.volunteers). Everything goes through the actions; what is there
already (an item by its place and name, a person by username, a slot by its window and time) is
left as it is, and requests are made only once, so a second run adds nothing."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from cases.models import Unit
from gridgov.demo.people import DEMO_PASSWORD
from gridgov.demo.tree import CHENGGU, LIANGJIAAN, LIANGJIAAN_GRID_1, SHAHEYING
from gridgov.demo.units import COUNTY_DEPARTMENTS
from grids.models import GridNode, Tier
from services import actions
from services.calendar import is_day_off
from services.demo.catalog import ITEMS, PLATFORM_KEYS
from services.models import DutyBooking, DutySlot, ServiceItem, ServiceRequest
from staff import actions as staff_actions
from staff.models import Assignment, Role

# The window of 沙河营镇's 便民服务大厅: username, name, work phone, shown to residents or not.
CLERKS = (
    ("shy_chuangkou", "王丽华", "0916-7231012", True),
    ("shy_minsheng", "何静", "0916-7231013", False),
)
HALL = "镇便民服务大厅值班窗口"
RESIDENTS = "张秀兰 李德明 王桂英 刘建国 陈淑珍 杨春梅 赵永红 黄国庆 周小燕 吴建军 徐玉兰 孙晓东"


def ensure_services(say) -> dict:
    town = GridNode.objects.filter(code=SHAHEYING, tier=Tier.TOWN).first()
    village = GridNode.objects.filter(code=LIANGJIAAN, tier=Tier.VILLAGE).first()
    if town is None or village is None:
        say("services: 沙河营镇 is not in the tree, no services added")
        return {
            "service_items": 0,
            "service_requests": 0,
            "duty_slots": 0,
            "duty_bookings": 0,
            "volunteer_teams": 0,
            "activities": 0,
            "help_orders": 0,
        }
    owners = _owners(town)
    clerks = _clerks(town, owners["convenience"])
    added, items = _items(town, village, owners, clerks)
    requests = _requests(town, items, clerks)
    slots, bookings = _duty(town, items)
    say(
        f"services: {added} service items, {requests} requests, "
        f"{slots} duty slots and {bookings} bookings added"
    )
    from services.demo.volunteers import ensure_volunteers

    return {
        **ensure_volunteers(say),
        "service_items": added,
        "service_requests": requests,
        "duty_slots": slots,
        "duty_bookings": bookings,
    }


def _owners(town: GridNode) -> dict[str, Unit]:
    """The town's platforms and the county's departments, by the keys the catalog uses."""
    county = GridNode.objects.get(code=CHENGGU, tier=Tier.COUNTY)
    names = dict(COUNTY_DEPARTMENTS)
    units = {u.name: u for u in Unit.objects.filter(node__in=[town, county])}
    owners = {key: units.get(town.name + suffix) for key, suffix in PLATFORM_KEYS.items()}
    owners |= {key: units.get(name) for key, name in names.items()}
    return owners


def _clerks(town: GridNode, platform: Unit | None) -> list:
    user_model = get_user_model()
    people = []
    password_hash = ""
    for username, name, phone, shown in CLERKS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user = staff_actions.user_create(
                actor=None, username=username, full_name=name, password=None,
                password_hash=password_hash,
            )  # fmt: skip
            grant = staff_actions.assignment_grant(
                actor=None, user_id=user.pk, node_id=town.pk, role=Role.CENTER_STAFF
            )
            if platform is not None:
                # No action sets an assignment's unit yet (staff/actions.py); the demo's one write.
                Assignment.objects.filter(pk=grant.pk).update(unit=platform)
            staff_actions.profile_update(
                actor=None, user_id=user.pk, work_phone=phone, show_work_phone=shown
            )
        people.append(user)
    return people


def _items(town, village, owners, clerks) -> tuple[int, dict]:
    """The catalog's items (added, or there already), by name; how many were added."""
    chief = get_user_model().objects.filter(username="liangshuji").first()
    found = {(i.node_id, i.name): i for i in ServiceItem.objects.filter(node__in=[town, village])}
    added = 0
    by_name = {}
    for position, demo in enumerate(ITEMS, start=1):
        node = village if demo.village else town
        item = found.get((node.pk, demo.name))
        owner = owners.get(demo.owner)
        if item is None and owner is not None:
            staff = [chief] if demo.village and chief else [clerks[position % len(clerks)]]
            item = actions.service_item_save(
                actor=None,
                node_id=node.pk,
                platform_id=owner.pk,
                domain=demo.domain,
                position=position,
                staff_ids=[u.pk for u in staff],
                name=demo.name,
                content=demo.content,
                procedure=list(demo.steps),
                basis=[{"document": d, "articles": a} for d, a in demo.basis],
                materials=[{"name": n, "form": f, "count": c} for n, f, c in demo.materials],
                phone=owner.phone or town.hotline,
                statutory_days=demo.statutory,
                promised_days=demo.promised,
                online=demo.online,
                errand=demo.errand,
            )
            added += 1
        if item is not None:
            by_name[demo.name] = item
    return added, by_name


# Five weeks of requests: the item, how it came in, how far it got, and what happened on the
# way (a one-time notice answered in person or by post, a visit to ask, a late decision, how
# the result went back).
SCENARIOS = (
    ("城乡居民医疗保险参保缴费", "window", "delivered", {}),
    ("高龄老人生活保健补贴申请", "errand", "delivered", {"delivery": "errand"}),
    ("城乡居民养老保险待遇领取申请", "window", "delivered", {"delivery": "post"}),
    ("残疾人证申领（第二代）", "window", "delivered", {"notice": "in_person"}),
    ("最低生活保障申请", "window", "handed", {"late": True}),
    ("临时救助申请", "window", "delivered", {}),
    ("老年人优待证办理", "online", "delivered", {"delivery": "post"}),
    ("城乡居民医疗保险参保缴费", "errand", "delivered", {"delivery": "errand"}),
    ("就业创业证申领", "window", "delivered", {"visit": "来问办理进度"}),
    (
        "高龄老人生活保健补贴申请",
        "window",
        "refused",
        {"reason": "申请人未满八十周岁，暂不符合条件。"},
    ),
    ("退役军人优待证申领", "window", "delivered", {"notice": "post", "delivery": "post"}),
    ("城乡居民基本养老保险参保登记", "online", "delivered", {"delivery": "window"}),
    ("残疾人证申领（第二代）", "errand", "delivered", {"delivery": "errand"}),
    ("最低生活保障申请", "errand", "delivered", {"late": True, "delivery": "errand"}),
    (
        "临时救助申请",
        "window",
        "declined",
        {"reason": "因病支出已由医疗救助解决，不属于临时救助范围。"},
    ),
    ("城乡居民医疗保险参保缴费", "window", "delivered", {}),
    ("城乡居民养老保险待遇领取申请", "errand", "done", {}),
    ("老年人优待证办理", "window", "delivered", {"notice": "in_person"}),
    ("就业创业证申领", "online", "delivered", {"delivery": "post"}),
    ("高龄老人生活保健补贴申请", "errand", "handed", {}),
    ("城乡居民医疗保险参保缴费", "online", "delivered", {"delivery": "post"}),
    ("退役军人优待证申领", "window", "handed", {}),
    ("最低生活保障申请", "window", "accepted", {"late": True}),
    ("残疾人证申领（第二代）", "window", "incomplete", {}),
    ("临时救助申请", "errand", "accepted", {}),
    ("城乡居民基本养老保险参保登记", "window", "delivered", {}),
    ("老年人优待证办理", "errand", "done", {}),
    ("高龄老人生活保健补贴申请", "window", "incomplete", {}),
    ("城乡居民医疗保险参保缴费", "window", "received", {}),
    ("就业创业证申领", "errand", "received", {}),
)


def _requests(town, items, clerks) -> int:
    if ServiceRequest.objects.filter(
        item__node__tree_id=town.tree_id,
        item__node__lft__gte=town.lft,
        item__node__rght__lte=town.rght,
    ).exists():
        return 0
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["wanggang", "sunminzheng", "guolaobao"])}  # fmt: skip
    runner = users.get("wanggang")
    grid = GridNode.objects.filter(code=LIANGJIAAN_GRID_1).first()
    grids = list(GridNode.objects.filter(GridNode.subtree_q(town), tier=Tier.GRID).order_by("code"))
    if runner is None or grid is None or not grids:
        return 0
    deciders = {
        "县民政局": users.get("sunminzheng"),
        "县人力资源和社会保障局": users.get("guolaobao"),
    }
    now = timezone.now()
    start = timezone.localtime(now - dt.timedelta(days=36)).replace(hour=9, minute=0, second=0)
    names = RESIDENTS.split()
    made = 0
    for n, (name, channel, target, extra) in enumerate(SCENARIOS):
        item = items.get(name)
        if item is None:
            continue
        at = start + dt.timedelta(days=n * 33 // len(SCENARIOS), hours=n % 6, minutes=7 * n % 50)
        node = grid if channel == "errand" else grids[(5 * n) % len(grids)]
        clerk = clerks[n % len(clerks)]
        decider = deciders.get(item.platform.name) if item.platform.kind != "platform" else clerk
        _drive(
            item, node, channel, target, at, now, extra,
            intake={"window": clerk, "errand": runner, "online": None}[channel],
            clerk=clerk, decider=decider, resident=names[n % len(names)],
        )  # fmt: skip
        made += 1
    actions.request_sweep(now=now)
    return made


def _drive(item, node, channel, target, at, now, extra, *, intake, clerk, decider, resident):
    """One request through the actions, each step at its time, as far as `target` (or as far
    as the clock has come)."""
    everything = [m.index for m in item.current.material_list]
    request = actions.service_request_receive(
        actor=intake,
        item_id=item.pk,
        node_id=node.pk,
        resident_name=resident,
        resident_phone=f"139{(item.pk * 7919 + node.pk * 31) % 100000000:08d}",
        materials=everything[:1] if (extra.get("notice") or target == "incomplete") else everything,
        channel=channel,
        now=at,
    )
    t = at + dt.timedelta(minutes=20)
    if target == "received":
        return
    if extra.get("notice") or target == "incomplete":
        actions.service_request_notify_missing(
            actor=clerk, request_id=request.pk, materials=everything[:1], now=t
        )
        if target == "incomplete":
            return
        t += dt.timedelta(days=2)
        actions.service_request_complete(
            actor=clerk, request_id=request.pk, materials=everything, came=extra["notice"], now=t
        )
    elif target == "declined":
        actions.service_request_decline(
            actor=clerk, request_id=request.pk, reason=extra["reason"], now=t
        )
        return
    else:
        actions.service_request_accept(
            actor=clerk, request_id=request.pk, materials=everything, now=t
        )
    if extra.get("visit"):
        actions.service_request_record_visit(
            actor=clerk, request_id=request.pk, reason=extra["visit"], now=t + dt.timedelta(days=1)
        )
    if target == "accepted":
        return
    t += dt.timedelta(hours=1)
    actions.service_request_hand(actor=clerk, request_id=request.pk, now=t)
    request.refresh_from_db()
    decided = (
        request.due_at + dt.timedelta(days=2) if extra.get("late") else t + (request.due_at - t) / 2
    )
    if target == "handed" or decided > now:
        return
    if target == "refused":
        actions.service_request_refuse(
            actor=decider, request_id=request.pk, reason=extra["reason"], now=decided
        )
        return
    actions.service_request_done(
        actor=decider, request_id=request.pk, result="已办结，结果已出具。", now=decided
    )
    # Done on the spot (即办件): handed over while the resident waits; else a day later.
    delivered = decided + dt.timedelta(days=0 if item.current.promised_days == 0 else 1)
    if target == "done" or delivered > now:
        return
    delivery = extra.get("delivery", "window")
    actions.service_request_deliver(
        actor=intake if delivery == "errand" else clerk,
        request_id=request.pk,
        delivery=delivery,
        address="沙河营镇" + node.name if delivery == "post" else "",
        now=delivered,
    )


def _duty(town, items) -> tuple[int, int]:
    """Slots on the days off of the next five weeks (ten at most): the hall's window every
    morning, and the medical insurance window (the year's payment closes soon) on the
    afternoons of holidays that fall on weekdays."""
    today = timezone.localdate()
    days, day = [], today + dt.timedelta(days=1)
    while len(days) < 10 and day <= today + dt.timedelta(days=35):
        if is_day_off(day):
            days.append(day)
        day += dt.timedelta(days=1)
    insurance = items.get("城乡居民医疗保险参保缴费")
    slots = bookings = 0
    for day in days:
        wanted = [(dt.time(9), dt.time(12), HALL, None, 8)]
        if insurance is not None and day.weekday() < 5:  # a holiday on a weekday
            wanted.append((dt.time(14, 30), dt.time(17), "医保缴费值班窗口", insurance, 10))
        for starts, ends, window, item, capacity in wanted:
            slot, created = DutySlot.objects.get_or_create(
                town=town, date=day, starts=starts, window=window,
                defaults={"ends": ends, "item": item, "capacity": capacity, "phone": town.hotline},
            )  # fmt: skip
            slots += created
    first = DutySlot.objects.filter(town=town, date__in=days, window=HALL).order_by("date").first()
    if first is not None and not DutyBooking.objects.filter(slot=first).exists():
        for k, (name, phone, what) in enumerate(
            (
                ("刘桂芳", "13909161201", "城乡居民养老保险待遇领取申请"),
                ("陈志强", "13909161202", "残疾人证申领（第二代）"),
                ("杨小梅", "13909161203", None),
            )  # fmt: skip
        ):
            item = items.get(what) if what else None
            actions.duty_book(
                slot_id=first.pk, resident_name=name, resident_phone=phone,
                item_id=item.pk if item else None, note="" if k else "腿脚不便，需要座椅",
            )  # fmt: skip
            bookings += 1
    return slots, bookings
