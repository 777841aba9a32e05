"""The case pages of the phone, under /m/."""

from django.urls import path

from cases.mobile import case_page, report

urlpatterns = [
    path("report/", report.report, name="mobile_report"),
    path("cases/<int:case_id>/", case_page.case_mobile, name="case_mobile"),
    path("cases/<int:case_id>/act/", case_page.case_act_mobile, name="case_act_mobile"),
]
