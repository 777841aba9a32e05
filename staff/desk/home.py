"""The desk's front page (/desk/): the person's posts and the way to each desk page."""

from django.shortcuts import render

from staff import access
from staff.queries import posts


@access.door_required("desk")
def desk_home(request):
    return render(request, "desk/home.html", {"posts": posts(request.user)})
