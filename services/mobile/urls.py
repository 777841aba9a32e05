"""The services' pages of the phone, under /m/services/: a grid worker's errands (代办)."""

from django.urls import path

from services.mobile import errands, volunteer

urlpatterns = [
    path("services/", errands.errand_list, name="services_errands"),
    path("services/new/", errands.errand_new, name="services_errand_new"),
    path("services/<int:request_id>/", errands.errand_page, name="services_errand"),
    path("services/<int:request_id>/act/", errands.errand_act, name="services_errand_act"),
    path("help/", volunteer.tasks, name="volunteer_tasks"),
    path("help/new/", volunteer.place, name="help_order_new"),
    path("help/<int:help_order_id>/", volunteer.task, name="volunteer_task"),
    path("help/<int:help_order_id>/act/", volunteer.task_act, name="volunteer_task_act"),
    path("help/activities/<int:activity_id>/", volunteer.activity, name="volunteer_activity"),
]
