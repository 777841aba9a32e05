"""The desk dashboard, hooked at desk/dashboard/ in gridgov/urls.py."""

from django.urls import path

from cases import views_dashboard

urlpatterns = [
    path("", views_dashboard.dashboard, name="desk_dashboard"),
]
