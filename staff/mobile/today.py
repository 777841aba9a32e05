"""The phone's front page (/m/): the person's posts, today's patrol and visits, their open cases
(those waiting for them to sign first, each with a one-tap sign; overdue ones say by how much),
and the errands they carry for residents and a volunteer's tasks, counted."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.queries import my_open_cases
from gridgov.durations import format_duration
from services.queries import phone_counts
from staff import access
from staff.queries import posts, today_list
from staff.queries.cadres import links_of


@access.door_required("mobile")
def mobile_home(request):
    now = timezone.now()
    cases = _case_rows(my_open_cases(request.user), now)
    context = {
        "posts": posts(request.user),
        "my_cases": cases,
        "today": today_list(request.user),  # patrol and visits due
        "services": phone_counts(request.user),  # errands (代办) and volunteer tasks
        # The person's appraisal (grid workers), points, and the village shop's counter.
        "people_links": {
            "appraisal": access.can_anywhere(request.user, "appraisal.object"),
            "shop": access.can_anywhere(request.user, "shop.redeem"),
            "evaluation": access.can_anywhere(request.user, "evaluation.give"),
            # 三陪同: someone linked to a village may join its workers' patrols.
            "copatrol": links_of(request.user, day=timezone.localdate(now)).exists(),
        },
    }
    return render(request, "mobile/home.html", context)


def _case_rows(cases, now) -> list:
    """What each open case's row says, worked out here once: the phone opens this page all day,
    and the same links, dates and sentences made by template tags cost several times more."""
    # One reverse for every row: the pages differ only by the case's number in the path.
    page = reverse("case_mobile", args=[0]).replace("/0/", "/{}/")
    sign = reverse("case_act_mobile", args=[0]).replace("/0/", "/{}/")
    for case in cases:
        case.overdue = bool(case.clear_by and case.clear_by < now)
        case.page_url = page.format(case.pk)
        case.sign_url = sign.format(case.pk) if case.awaiting_my_sign else ""
        case.overdue_text = (
            _("overdue by %(t)s") % {"t": format_duration(now - case.clear_by)}
            if case.overdue
            else ""
        )
        case.due_text = (
            _("due %(at)s")
            % {"at": date_format(timezone.localtime(case.clear_by), "SHORT_DATETIME_FORMAT")}
            if case.clear_by
            else ""
        )
        case.reported_text = _("reported %(at)s") % {
            "at": date_format(timezone.localtime(case.created_at), "SHORT_DATETIME_FORMAT")
        }
    return cases
