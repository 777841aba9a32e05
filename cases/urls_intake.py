"""The intake queue: hooked at desk/intake/ in gridgov/urls.py."""

from django.urls import path

from cases import views_intake

urlpatterns = [
    path("", views_intake.intake_queue, name="intake_queue"),
    path("<int:case_id>/", views_intake.intake_case, name="intake_case"),
]
