"""The desk's front page (/desk/): what to do now, as counts that open the lists behind them,
and the person's posts."""

from django.shortcuts import render

from cases.queries.today import desk_todo
from staff import access
from staff.queries import posts


@access.door_required("desk")
def desk_home(request):
    context = {"todo": desk_todo(request.user), "posts": posts(request.user)}
    return render(request, "desk/home.html", context)
