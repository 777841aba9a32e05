"""The demo's provinces: 城固县 in 陕西省 and 牟定县 in 云南省, and one login of the province's
platform (shengzhuren) who reads 陕西省's summary. The rollup tables are counted at the end, so
the summary shows figures before beat's first run."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from gridgov.demo.people import DEMO_PASSWORD
from grids.models import GridNode, Province
from staff import actions as staff_actions
from staff.models import ProvincePost

PROVINCES = (("61", "陕西省"), ("53", "云南省"))
PROVINCE_LOGIN = ("shengzhuren", "孙立平", "61")


def ensure_provinces(say) -> int:
    """Provinces for the demo counties (by the division code's first two digits) and the
    province login; how many posts were added (a second run: 0)."""
    from cases import rollups

    for code, name in PROVINCES:
        province, _ = Province.objects.get_or_create(code=code, defaults={"name": name})
        GridNode.objects.filter(
            parent__isnull=True, province__isnull=True, code__startswith=code
        ).update(province=province)
    username, full_name, code = PROVINCE_LOGIN
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        user = staff_actions.user_create(
            actor=None,
            username=username,
            full_name=full_name,
            password=None,
            password_hash=make_password(DEMO_PASSWORD),
        )
    _, added = ProvincePost.objects.get_or_create(
        user=user, province=Province.objects.get(code=code), defaults={"note": "省社会治理平台"}
    )
    counted = rollups.rebuild()
    say(f"provinces: {len(PROVINCES)}, rollups of {len(counted)} counties counted")
    return int(added)
