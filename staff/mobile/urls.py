"""The phone's front page and the daily rounds (patrol, household visits), under /m/."""

from django.urls import path

from staff.mobile import patrol, today, visits

urlpatterns = [
    path("", today.mobile_home, name="mobile_home"),
    path("patrol/", patrol.patrol_today, name="patrol_today"),
    path("visits/", visits.visit_list, name="visit_list"),
    path("visits/<int:household_id>/new/", visits.visit_new, name="visit_new"),
]
