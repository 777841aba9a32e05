"""The case page on the phone (/m/cases/), for field workers who may see the case."""

from django.urls import path

from cases import views_case

urlpatterns = [
    path("<int:pk>/", views_case.case_mobile, name="case_mobile"),
    path("<int:pk>/act/", views_case.case_act_mobile, name="case_act_mobile"),
]
