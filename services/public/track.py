"""Following a request by its tracking code (/g/services/track/, …/track/<code>/): the item, its
status in residents' words with the date of each step, the promised date, what the one-time
notice asked them to bring, and the reason of a refusal (written to be told to them). Never a
name, a phone, a staff member, a note or the back office's result. Wrong codes count against
the address and lock it out like logins (cases.public.guards)."""

from __future__ import annotations

from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from cases.public import guards
from services.models import MaterialForm, RequestStatus, ServiceRequest, ServiceRequestEvent
from services.public.forms import CODE, locked_out, normalised_code

S = RequestStatus
# The status as residents say it.
RESIDENT_WORDS = {
    S.RECEIVED: gettext_lazy("Received: the window is checking your materials"),
    S.INCOMPLETE: gettext_lazy("Waiting for the missing materials"),
    S.ACCEPTED: gettext_lazy("Accepted: being handled"),
    S.HANDED: gettext_lazy("With the office that decides"),
    S.DONE: gettext_lazy("Done: the result is on its way to you"),
    S.REFUSED: gettext_lazy("Not granted"),
    S.DELIVERED: gettext_lazy("Finished: the result was handed to you"),
}


class TrackForm(forms.Form):
    tracking_code = forms.CharField(
        label=gettext_lazy("Tracking code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )


def _find(request, code: str) -> ServiceRequest | None:
    found = None
    if CODE.fullmatch(code):
        found = (
            ServiceRequest.objects.select_related("item", "version", "node")
            .filter(tracking_code=code)
            .first()
        )
    if found is None:
        guards.tracking_failed(request)
    return found


def _not_found(request, typed: str):
    form = TrackForm(initial={"tracking_code": typed[:40]})
    error = _("There is no request with this code. Check it and type it again.")
    return render(
        request, "services/public/track_form.html", {"form": form, "error": error}, status=404
    )


@require_safe
def track_form(request):
    if guards.tracking_locked(request):
        return locked_out(request)
    typed = request.GET.get("tracking_code")
    if typed is None:
        return render(request, "services/public/track_form.html", {"form": TrackForm()})
    code = normalised_code(typed)
    if _find(request, code) is None:
        return _not_found(request, typed)
    return redirect("public_service_track", request_code=code)


def _steps(found: ServiceRequest) -> list[dict]:
    """Each change of status, in residents' words, with its time; nothing of who or why."""
    steps = []
    events = ServiceRequestEvent.objects.filter(request=found).only(
        "action", "from_status", "to_status", "created_at"
    )
    for e in events:
        if e.action == "receive":
            steps.append({"label": _("Request received"), "at": e.created_at})
        elif e.to_status != e.from_status and e.to_status in RESIDENT_WORDS:
            steps.append({"label": RESIDENT_WORDS[e.to_status], "at": e.created_at})
    return steps


def _missing(found: ServiceRequest) -> list[dict]:
    """What the one-time notice asked for, while it is still awaited."""
    if found.status != S.INCOMPLETE:
        return []
    notice = getattr(found, "materials_notice", None)
    labels = dict(MaterialForm.choices)
    return [
        {"name": m.get("name", ""), "form": labels.get(m.get("form"), ""), "count": m.get("count")}
        for m in (notice.missing if notice else [])
    ]


@require_safe
def track(request, request_code: str):
    if guards.tracking_locked(request):
        return locked_out(request)
    found = _find(request, normalised_code(request_code))
    if found is None:
        return _not_found(request, request_code)
    if found.tracking_code != request_code:  # typed in small letters or with dashes
        return redirect("public_service_track", request_code=found.tracking_code)
    context = {
        "found": found,
        "code": found.tracking_code,
        "words": RESIDENT_WORDS.get(found.status, ""),
        "item_name": found.version.name,
        "place": found.node.name,
        "steps": _steps(found),
        "missing": _missing(found),
        "refused": found.outcome == S.REFUSED,
        "delivery": found.get_delivery_display() if found.delivery else "",
    }
    return render(request, "services/public/track.html", context)
