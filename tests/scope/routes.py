"""Every URL of the project, read from the resolver, with what its parameters point at."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.admin import ModelAdmin
from django.urls import URLPattern, URLResolver, get_resolver

# A parameter named after what it points at: the sweep knows how to find one inside and one
# outside a person's subtree. A new page with a parameter of another name fails the sweep
# until it is named here (pick one of these names if it points at one of these things).
PARAMETERS = {
    "case_id": "case",
    "file_id": "attachment",
    "node_id": "grid",
    "household_id": "household",
    "resident_id": "resident",
    "report_id": "report",
    "notice_id": "notice",  # a person's own notice is inside; anyone else's is outside
    "call_id": "county_call",
    "request_id": "service_request",  # a one-window request of services
    "help_order_id": "help_order",  # a resident's order of volunteers' help (on their grid)
    "activity_id": "activity",  # a volunteer team's activity (the team serves a grid here)
    "line_id": "appraisal_line",  # a worker's line of a month's appraisal (on their grid)
    "account_id": "points_account",  # a person's points card (where the person is)
    "assignment_id": "post",  # a person's post (where it is held)
    "session_id": "training_session",  # a training session (held by its node)
    "patrol_id": "patrol",  # a grid worker's patrol under way today (on their grid)
}
# A parameter that names a kind of thing rather than a row: the same on either side.
WORDS = {
    "action": "progress",  # an action of cases.workflow (the API's action endpoints)
    "format": "json",  # an Open311 method's format suffix (.xml answers alike)
}


# Pages anyone may open without logging in.
class _Public(frozenset):
    """The names above, every page of the residents' door (/g/), all named public_*, and the
    Open311 door's methods (/open311/v2/, open311:*: public as the spec has them)."""

    def __contains__(self, name) -> bool:
        return super().__contains__(name) or str(name).startswith(("public_", "open311:"))


PUBLIC = _Public({"login", "logout", "set_language", "admin:login", "admin:logout", "favicon"})
# The residents' door points at things by their public codes, never by ids: the parameter,
# which object of a side it names, and which attribute of it.
CODES = {
    "code": ("grid", "code"),
    "tracking_code": ("case", "tracking_code"),
    "segment_code": ("segment", "code"),
    "photo_code": ("portrait", "photo_code"),
    # Open311 names a case by its tracking code, a service by its code, a report by its token.
    "service_request_id": ("case", "tracking_code"),
    "service_code": ("open311", "service_code"),
    "token": ("open311", "token"),
    # The services' residents' pages: an item by its code, a request and a booking by theirs.
    "item_code": ("service_item", "code"),
    "request_code": ("service_request", "tracking_code"),
    "booking_code": ("duty_booking", "code"),
    "help_code": ("help_order", "tracking_code"),
    # A points card by its code: the resident's own page, and the shop's counter that scans it.
    "card_code": ("points_account", "code"),
    # A training session's signed sign-in code, which its QR code carries.
    "signin_code": ("training_session", "signin_code"),
}
# Admin pages that are no object's own page.
ADMIN_OTHER = {"admin:view_on_site", "admin:app_list"}


@dataclass(frozen=True)
class Route:
    name: str
    params: tuple[str, ...]
    model_admin: ModelAdmin | None  # for admin pages about one model

    @property
    def id(self) -> str:
        return self.name


def _model_admin(callback) -> ModelAdmin | None:
    seen = callback
    for _depth in range(10):
        found = getattr(seen, "model_admin", None) or getattr(seen, "__self__", None)
        if isinstance(found, ModelAdmin):
            return found
        seen = getattr(seen, "__wrapped__", None)
        if seen is None:
            return None
    return None


def _params(pattern) -> tuple[str, ...]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return tuple(converters)
    regex = getattr(pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def all_routes() -> list[Route]:
    found: dict[str, Route] = {}

    def walk(resolver: URLResolver, namespace: str, inherited: tuple[str, ...]):
        for entry in resolver.url_patterns:
            params = inherited + _params(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, inner, params)
            elif isinstance(entry, URLPattern):
                if not entry.name and namespace == "admin:":
                    continue  # the admin's old-style URL, a redirect to the named change page
                assert entry.name, f"every URL needs a name: {entry.pattern}"
                name = f"{namespace}{entry.name}"
                found.setdefault(name, Route(name, params, _model_admin(entry.callback)))

    walk(get_resolver(), "", ())
    return sorted(found.values(), key=lambda r: r.name)
