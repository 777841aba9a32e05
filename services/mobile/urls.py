"""The services' pages of the phone, under /m/services/: a grid worker's errands (代办)."""

from django.urls import path

from services.mobile import errands

urlpatterns = [
    path("services/", errands.errand_list, name="services_errands"),
    path("services/new/", errands.errand_new, name="services_errand_new"),
    path("services/<int:request_id>/", errands.errand_page, name="services_errand"),
    path("services/<int:request_id>/act/", errands.errand_act, name="services_errand_act"),
]
