"""The services' pages of the residents' door (/g/): every name starts with public_; a place
is named by its code, an item by its code, a request and a booking by their codes; never an id."""

from django.urls import path, register_converter

import grids.public.urls  # noqa: F401 - registers the "place" converter these pages share
from services.public import apply, catalog, duty, help, item, track


class ItemCode:
    regex = r"[0-9]{9}(?:[0-9]{3})?F[0-9]{3}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ItemCode, "item")

urlpatterns = [
    path("<place:code>/services/", catalog.catalog, name="public_services"),
    path("<place:code>/services/handbook/", catalog.handbook, name="public_service_handbook"),
    path("<place:code>/duty/", duty.duty_page, name="public_duty"),
    path("services/track/", track.track_form, name="public_service_track_form"),
    path("services/track/<str:request_code>/", track.track, name="public_service_track"),
    path("services/<item:item_code>/", item.item_page, name="public_service_item"),
    path("services/<item:item_code>/card/", item.card, name="public_service_card"),
    path("services/<item:item_code>/apply/", apply.apply, name="public_service_apply"),
    path("duty/<str:booking_code>/", duty.booking, name="public_duty_booking"),
    path("<place:code>/help/", help.order, name="public_help"),
    path("help/<str:help_code>/", help.track, name="public_help_track"),
    path("help/<str:help_code>/confirm/", help.confirm, name="public_help_confirm"),
]
