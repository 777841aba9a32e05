"""`manage.py load_demo`: the demo counties and their logins, the case demo data (both from
gridgov.demo), then who can log in."""

import unicodedata

from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import translation

from gridgov.demo import DEMO_PASSWORD, load_case_data, load_demo
from staff.models import Role

URL = "http://127.0.0.1:8000/"

# What users see in zh-hans (GLOSSARY.md), side by side with the English name.
ROLE_ZH = {
    Role.GRID_WORKER: "网格员",
    Role.INFORMANT: "网格信息员",
    Role.GRID_CHIEF: "网格长",
    Role.INSTRUCTOR: "网格指导员",
    Role.CENTER_STAFF: "综治中心工作人员",
    Role.LEADER: "镇领导",
    Role.ADMIN: "管理员",
}
DOORS = {
    "mobile": ("手机端", "mobile_home"),
    "desk": ("工作台", "desk_home"),
    "admin": ("管理后台", "admin:index"),
}


def _door(door: str) -> str:
    """A door's name and address, for the table of logins."""
    if door not in DOORS:
        return "—"
    name, url_name = DOORS[door]
    return f"{name} {reverse(url_name)}"


def _width(text: str) -> int:
    """Columns on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


class Command(BaseCommand):
    help = "Load the demo counties (城固县, 牟定县) and one login per role; safe to run again."

    def handle(self, *args, **options):
        result = load_demo(stdout=self.stdout)
        cases_result = load_case_data(stdout=self.stdout)
        with translation.override("en"):
            rows = [["用户名 Username", "姓名 Name", "角色 Role", "地点 Place", "入口 Door"]]
            for login in result["logins"]:
                role = Role(login["role"])
                rows.append(
                    [
                        login["username"],
                        login["full_name"],
                        f"{ROLE_ZH.get(role, '')} {role.label}".strip(),
                        login["place"],
                        _door(login["door"]),
                    ]
                )
        workers = result["grid_workers"]
        out = self.stdout.write
        out("")
        out(self.style.SUCCESS("演示账号 Demo logins"))
        for line in _table(rows):
            out(line)
        if workers:
            out(
                f"{workers[0]} … {workers[-1]}: 沙河营镇其余 {len(workers)} 个网格的网格员 / "
                f"grid workers of the other {len(workers)} grids of 沙河营镇"
            )
        out("")
        out(self.style.SUCCESS("办案演示账号 Demo logins for case work"))
        staff_rows = [["用户名 Username", "姓名 Name", "角色 Role", "地点 Place", "单位 Unit"]]
        keys = ("username", "full_name", "role", "place", "unit")
        staff_rows += [[login[k] for k in keys] for login in cases_result["logins"]]
        for line in _table(staff_rows):
            out(line)
        counts = ", ".join(f"{k} {v}" for k, v in cases_result.items() if k != "logins")
        out(f"案件演示数据 Case demo data added: {counts}")
        out("")
        out(
            "shengzhuren: 陕西省社会治理平台, 省级汇总 /desk/province/ / "
            "province platform staff, the province summary"
        )
        out(f"密码 Password (all demo logins): {DEMO_PASSWORD}")
        out(f"打开 Open: {URL}")
