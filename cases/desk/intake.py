"""The intake queue on the desk (一访二报三研): new reports, oldest first, and one page per
report to accept it with a color, reject it, merge it into a duplicate, or dispatch it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import policy
from cases.desk.forms import FORMS, FORMS_FOR_STATUS
from cases.models import Case, Color
from cases.queries import intake
from gridgov.errors import add_to_form
from grids.privacy import mask_phone
from staff import access

PER_PAGE = 50


@access.required("case.accept")
def intake_queue(request):
    page = Paginator(intake.queue(request.user), PER_PAGE).get_page(request.GET.get("page"))
    cases = list(page)
    trails = intake.trails_from_town(cases)
    rows = [(c, trails[c.pk], intake.first_line(c.description)) for c in cases]
    return render(request, "cases/intake/queue.html", {"page": page, "rows": rows})


def _context(user, case: Case) -> dict:
    trail = intake.trails_from_town([case])[case.pk]
    cal = policy.WorkCalendar()
    now = timezone.now()
    return {
        "case": case,
        "trail": trail,
        "reporter_phone": mask_phone(case.reporter_phone),  # dispatchers may reveal it
        "duplicates": intake.likely_duplicates(user, case, trail),
        "targets": intake.dispatch_targets(case, trail),
        # the deadline each color would set if accepted now
        "colors": [(c.value, c.label, policy.clear_by(c.value, now, cal)) for c in Color],
        "case_path": reverse("case_detail", args=[case.pk]),
    }


@login_required
@require_http_methods(["GET", "POST"])
def intake_case(request, case_id: int):
    case = get_object_or_404(
        Case.objects.select_related("node", "owner_node", "category__responsibility", "reporter"),
        pk=case_id,
    )
    access.require(request.user, "case.accept", case)  # 404 outside the scope, 403 no right
    if case.status not in FORMS_FOR_STATUS:
        messages.info(
            request, _("%(number)s is no longer waiting for intake.") % {"number": case.number}
        )
        return redirect("case_detail", case_id=case.pk)
    ctx = _context(request.user, case)
    posted = request.POST.get("do") if request.method == "POST" else None
    forms = {
        name: FORMS[name](
            request.POST if name == posted else None,
            case=case,
            user=request.user,
            context=ctx,
            prefix=name,
        )
        for name in FORMS_FOR_STATUS[case.status]
    }
    form = forms.get(posted)
    if form is not None and form.is_valid():
        try:
            message, then = form.run()
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, message)
            return redirect("intake_case", case_id=case.pk) if then else redirect("intake_queue")
    elif posted is not None and form is None:
        messages.error(request, _("That action does not fit this case now."))
    return render(request, "cases/intake/case.html", {**ctx, "forms": forms})
