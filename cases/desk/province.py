"""The province summary (/desk/province/): each county's figures for a period, from the rollup
tables, with the time they are as of and a link to each county's own dashboard."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from cases.queries import figures, province
from gridgov.cleaning import parse_id
from staff import access


@access.required("province.view")
def province_summary(request):
    provinces = list(province.provinces_of(request.user))
    raw = request.GET.get("province")
    if raw:
        chosen = next((p for p in provinces if p.pk == parse_id(raw)), None)
        if chosen is None:
            raise Http404("No such province.")
    elif provinces:
        chosen = provinces[0]
    else:  # a superuser before any province is set up
        return render(request, "cases/dashboard/province.html", {"s": None, "provinces": []})
    period = figures.parse_period(request.GET, timezone.localdate())
    context = {"s": province.summary(chosen, period), "provinces": provinces}
    return render(request, "cases/dashboard/province.html", context)
