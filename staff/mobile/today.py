"""The phone's front page (/m/): the person's posts, today's patrol and visits, their open cases
(those waiting for them to sign first, each with a one-tap sign; overdue ones say by how much),
and the errands they carry for residents and a volunteer's tasks, counted."""

from django.shortcuts import render
from django.utils import timezone

from cases.queries import my_open_cases
from services.queries import phone_counts
from staff import access
from staff.queries import posts, today_list
from staff.queries.cadres import links_of


@access.door_required("mobile")
def mobile_home(request):
    now = timezone.now()
    cases = my_open_cases(request.user)
    for case in cases:
        case.overdue = bool(case.clear_by and case.clear_by < now)
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
