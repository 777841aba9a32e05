"""The services' pages of the desk, under /desk/services/."""

from django.urls import path

from services.desk import duty, figures, help, intake, request_page, reveal

urlpatterns = [
    path("services/", request_page.request_list, name="services_requests"),
    path("services/new/", intake.request_new, name="services_request_new"),
    path("services/figures/", figures.figures_page, name="services_figures"),
    path("services/duty/", duty.duty_day, name="services_duty"),
    path("services/<int:request_id>/", request_page.request_detail, name="services_request"),
    path("services/<int:request_id>/act/", request_page.request_act, name="services_request_act"),
    path("services/<int:request_id>/notice/", request_page.notice_print, name="services_notice"),
    path("services/<int:request_id>/phone/", reveal.phone_reveal, name="services_request_phone"),
    path("help/", help.order_list, name="help_orders"),
    path("help/<int:help_order_id>/", help.order_page, name="help_order"),
    path("help/<int:help_order_id>/act/", help.order_act, name="help_order_act"),
    path("help/<int:help_order_id>/phone/", reveal.phone_reveal, name="help_order_phone"),
]
