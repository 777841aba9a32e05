"""The phone's front page (/m/): the person's posts, today's patrol and visits, their open cases."""

from django.shortcuts import render

from cases.queries import my_open_cases
from staff import access
from staff.queries import posts, today_list


@access.door_required("mobile")
def mobile_home(request):
    context = {
        "posts": posts(request.user),
        "my_cases": my_open_cases(request.user),
        "today": today_list(request.user),  # patrol and visits due
    }
    return render(request, "mobile/home.html", context)
