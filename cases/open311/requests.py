"""GET requests, GET requests/{service_request_id} and GET tokens/{token}: cases as the
resident's tracking page shows them (cases.open311.entries), by their tracking codes. POST
requests is cases.open311.report.

A tracking code lets whoever holds it rate and reopen the report, so codes are never listed to
just anyone: without a key, GET requests answers only the ids it is given (service_request_id,
which overrides every other argument, as the spec says), and wrong ids count against the
caller's address and lock it out like wrong codes on the tracking page. With a key (an API
client with the Open311 endpoint), the filters list the cases the client may see, as a person
with its grants would (staff.access): service_code, status (open, closed), start_date and
end_date (the last 90 days when not given; never a span over 90 days), newest first, at most
1000."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Category
from cases.open311 import door, entries, params, render, report
from cases.open311.render import Refusal
from cases.pages import visible_cases
from cases.public import guards
from cases.public.track import normalised_code
from gridgov.cleaning import clean_text, parse_id
from grids.models import GridNode

MAX_REQUESTS = 1000
SPAN = dt.timedelta(days=90)
STATUSES = ("open", "closed")
# A query-string value is cut short by the input cleaning; a list of ids is read whole.
_IDS_CHARS = 20_000


def _locked_out(request) -> None:
    if guards.tracking_locked(request):
        minutes = settings.GRIDGOV_PUBLIC_TRACK_COOLOFF_MINUTES
        raise Refusal(
            429,
            _("Too many unknown ids from this address: try again in %(n)d minutes.")
            % {"n": minutes},
            headers={"Retry-After": str(minutes * 60)},
        )


def _count_unknown(request, client, unknown: int) -> None:
    if client is None:
        for _attempt in range(min(unknown, settings.GRIDGOV_PUBLIC_TRACK_FAILURES)):
            guards.tracking_failed(request)


def _in(county, queryset):
    return queryset if county is None else queryset.filter(GridNode.subtree_q(county, via="node"))


def _requested_ids(request) -> list[str]:
    raw = QueryDict(request.META.get("QUERY_STRING", ""))
    values = [clean_text(v, _IDS_CHARS) for v in raw.getlist("service_request_id")]
    ids = params.comma_list(values, limit=MAX_REQUESTS, name="service_request_id")
    return list(dict.fromkeys(normalised_code(i) for i in ids if normalised_code(i)))


def _named(request, client, county, ids: list[str]):
    if client is None:
        _locked_out(request)
    cases = entries.shown(_in(county, Case.objects.all())).filter(tracking_code__in=ids)
    found = {c.tracking_code: c for c in cases}
    _count_unknown(request, client, len(ids) - len(found))
    return [found[i] for i in ids if i in found]


def _span(data) -> tuple[dt.datetime, dt.datetime]:
    start = params.moment(data, "start_date")
    end = params.moment(data, "end_date", end=True)
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - SPAN
    if end is None:
        end = start + SPAN
    if end < start:
        raise Refusal(400, _("end_date is before start_date."))
    if end - start > SPAN:
        raise Refusal(400, _("start_date and end_date may not span more than 90 days."))
    return start, end


def _service_codes(data) -> list[int]:
    codes = params.comma_list(data.getlist("service_code"), limit=100, name="service_code")
    ids = [parse_id(c) for c in codes]
    known = set(
        Category.objects.filter(public=True, pk__in=[i for i in ids if i]).values_list(
            "pk", flat=True
        )
    )
    unknown = [c for c, i in zip(codes, ids, strict=True) if i not in known]
    if unknown:
        raise Refusal(400, _("Unknown service_code: %(codes)s.") % {"codes": ", ".join(unknown)})
    return [i for i in ids if i]


def _statuses(data) -> list[str]:
    statuses = params.comma_list(data.getlist("status"), limit=10, name="status")
    if any(s not in STATUSES for s in statuses):
        raise Refusal(400, _("status is open or closed (or both, comma delimited)."))
    return statuses


def _filtered(client, county, data):
    start, end = _span(data)
    statuses = _statuses(data)
    codes = _service_codes(data)
    cases = _in(county, visible_cases(client.service_user)).filter(
        created_at__gte=start, created_at__lte=end
    )
    if statuses == ["open"]:
        cases = cases.filter(entries.open_q())
    elif statuses == ["closed"]:
        cases = cases.exclude(entries.open_q())
    if codes:
        cases = cases.filter(category_id__in=codes)
    return list(entries.shown(cases).order_by("-created_at", "-pk")[:MAX_REQUESTS])


@door.method("GET", "POST")
def service_requests(request, fmt):
    if request.method == "POST":
        return report.post(request, fmt)
    client = door.caller(request, required=False)
    data = request.GET
    implied = report.county_of(client.node) if client is not None else None
    ids = _requested_ids(request)
    if ids:
        county = params.jurisdiction(data, implied=implied, optional=True)
        cases = _named(request, client, county, ids)
    elif client is None:
        raise Refusal(
            403,
            _(
                "Listing requests needs an api_key, unless you name them by service_request_id: "
                "the ids are the residents' tracking codes."
            ),
        )
    else:
        cases = _filtered(client, params.jurisdiction(data, implied=implied), data)
    return render.answer("service_requests", [entries.entry(c) for c in cases], fmt)


@door.method("GET")
def service_request(request, fmt, service_request_id: str):
    client = door.caller(request, required=False)
    county = params.jurisdiction(request.GET, optional=True)
    code = normalised_code(service_request_id)
    cases = _named(request, client, county, [code]) if code else []
    if not cases:
        raise Refusal(404, _("service_request_id not found."))
    return render.answer("service_requests", [entries.entry(cases[0])], fmt)


@door.method("GET")
def request_from_token(request, fmt, token: str):
    client = door.caller(request, required=False)
    county = params.jurisdiction(request.GET, optional=True)
    if client is None:
        _locked_out(request)
    parsed = report.parse_token(token)
    case = None
    if parsed is not None:
        case = (
            _in(county, Case.objects.all())
            .filter(submission_id__startswith=report.token_prefix(parsed))
            .only("tracking_code")
            .first()
        )
    if case is None:
        _count_unknown(request, client, 1)
        raise Refusal(404, _("token not found."))
    body = [{"service_request_id": case.tracking_code, "token": str(parsed)}]
    return render.answer("service_requests", body, fmt)
