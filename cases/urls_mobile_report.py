"""Reporting a case from the phone (/m/report/)."""

from django.urls import path

from cases import views_mobile_report

urlpatterns = [
    path("", views_mobile_report.report, name="mobile_report"),
]
