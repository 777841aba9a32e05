"""The verification queue (待核查): resolved cases waiting for the town to check them on the
spot and close them, or send them back; the longest waiting first."""

from django.core.paginator import Paginator
from django.shortcuts import render

from cases.queries.today import to_verify
from staff import access

PAGE_SIZE = 50


@access.door_required("desk", "case.verify")
def verify_queue(request):
    cases = to_verify(request.user).select_related("node", "owner_node", "category", "handler")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/verify/queue.html", {"page": page})
