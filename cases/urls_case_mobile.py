"""The case page on the phone (/m/cases/), for field workers who may see the case."""

from django.urls import path

from cases import views_case

urlpatterns = [
    path("<int:case_id>/", views_case.case_mobile, name="case_mobile"),
    path("<int:case_id>/act/", views_case.case_act_mobile, name="case_act_mobile"),
]
