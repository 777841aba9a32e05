"""The desk's side menu: each link with the actions its page checks, so a person is shown only
the pages that open for them (tests/gridgov/test_menu.py requests every link as every person)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from staff import access


@dataclass(frozen=True)
class Link:
    url_name: str
    label: str
    # What the page asks of the person, as its decorator or first check does; () when being
    # logged in is enough.
    actions: tuple[str, ...]

    def opens_for(self, user) -> bool:
        if user is None or not user.is_authenticated:
            return False
        return all(access.can_anywhere(user, action) for action in self.actions)


DESK_MENU: tuple[Link, ...] = (
    Link("desk_home", _("Desk"), ("door.desk",)),
    Link("intake_queue", _("Intake queue"), ("case.accept",)),
    Link("verify_queue", _("Waiting for verification"), ("door.desk", "case.verify")),
    Link("case_list", _("Cases"), ("door.desk",)),
    Link("desk_board", _("Supervision board"), ("door.desk",)),
    Link("desk_calls", _("County calls"), ("door.desk",)),
    Link("province_summary", _("Province summary"), ("province.view",)),
    Link("desk_dashboard", _("Dashboard"), ("dashboard.view",)),
    Link("desk_meeting", _("Meeting sheet"), ("door.desk",)),
    Link("report_list", _("Reports"), ()),
    Link("node_list", _("Grid tree"), ("door.desk",)),
    Link("desk_bulletins", _("Print bulletins"), ("door.desk", "node.change")),
    Link("ledger_import", _("Ledger import"), ("door.desk", "household.change")),
    Link("services_requests", _("Service requests"), ("door.desk", "servicerequest.view")),
    Link("services_request_new", _("Take a request"), ("door.desk", "servicerequest.receive")),
    Link("services_figures", _("Service figures"), ("door.desk", "servicerequest.view")),
    Link("services_duty", _("Holiday duty bookings"), ("door.desk", "dutybooking.view")),
    Link("help_orders", _("Help orders"), ("door.desk", "helporder.dispatch")),
    Link("appraisal", _("Monthly appraisal"), ("door.desk", "appraisal.view")),
    Link("points", _("Points"), ("door.desk", "points.view")),
    Link("shop", _("Points shop"), ("door.desk", "points.view")),
    Link("desk_terms", _("Terms and exits"), ("door.desk", "assignment.exit")),
    Link("training", _("Training"), ("door.desk", "training.view")),
    Link("evaluation", _("Two-way evaluation"), ("door.desk", "evaluation.view_worker")),
    Link("copatrol", _("Accompanied patrols"), ("door.desk", "copatrol.view")),
    Link("outposts", _("Outposts' scores"), ("door.desk", "outpostscore.view")),
    Link("departments", _("Department appraisal"), ("door.desk", "unitrank.view")),
)


# The menu of each standing (staff.access.standing: the roles held, on a county or not): every
# desk page draws the menu, and asking each link's actions of each request cost more than the
# rest of a page served from the cache. Few standings exist; the bound is for safety only.
_MENUS: dict[tuple, tuple[dict, ...]] = {}
_MENUS_KEPT = 512


def desk_links(user) -> list[dict]:
    """The menu's links this person may open, in order: {"url", "label", "name"} (the label
    is translated when shown)."""
    key = (access.standing(user), get_script_prefix())
    links = _MENUS.get(key)
    if links is None:
        links = tuple(
            {"url": reverse(link.url_name), "label": link.label, "name": link.url_name}
            for link in DESK_MENU
            if link.opens_for(user)
        )
        if len(_MENUS) >= _MENUS_KEPT:
            _MENUS.clear()
        _MENUS[key] = links
    return [dict(link) for link in links]


def opens(user, url_name: str) -> bool:
    """Would the menu's page `url_name` open for this person (a link to it elsewhere)?"""
    (link,) = (link for link in DESK_MENU if link.url_name == url_name)
    return link.opens_for(user)
