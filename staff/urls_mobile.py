from django.urls import path

from staff import views_mobile as views

urlpatterns = [
    path("patrol/", views.patrol_today, name="patrol_today"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/<int:household_id>/new/", views.visit_new, name="visit_new"),
]
