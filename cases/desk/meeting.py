"""The weekly meeting sheet (周例会) of a town, printable."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from cases.queries import meeting
from gridgov.cleaning import id_or_404
from staff import access


@access.door_required("desk")
def meeting_page(request):
    towns = list(meeting.meeting_towns(request.user))
    if "town" in request.GET:
        wanted = id_or_404(request.GET["town"])
        town = next((t for t in towns if t.pk == wanted), None)
        if town is None:  # outside the scope, like a missing town
            raise Http404("No such town.")
    else:
        town = towns[0] if len(towns) == 1 else None
    sheet = meeting.meeting_sheet(town, timezone.now()) if town else None
    return render(request, "cases/board/meeting.html", {"sheet": sheet, "towns": towns})
