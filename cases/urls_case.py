"""The case pages on the desk (/desk/cases/)."""

from django.urls import path

from cases import views_case

urlpatterns = [
    path("", views_case.case_list, name="case_list"),
    path("<int:case_id>/", views_case.case_detail, name="case_detail"),
    path("<int:case_id>/act/", views_case.case_act, name="case_act"),
    path("<int:case_id>/files/<int:file_id>/", views_case.case_file, name="case_file"),
    path("<int:case_id>/reporter-phone/", views_case.case_reveal_phone, name="case_reveal_phone"),
]
