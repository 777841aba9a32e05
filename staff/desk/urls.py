"""The desk's front page, at /desk/."""

from django.urls import path

from staff.desk import home

urlpatterns = [
    path("", home.desk_home, name="desk_home"),
]
