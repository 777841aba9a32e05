"""The Open311 GeoReport v2 door (/open311/v2/): residents' reports from other systems, and
their state by tracking code. Every method ends in its format, .xml or .json, as the spec
shows; anything else here is the spec's 404 error. docs/open311.md tells the whole story."""

from django.urls import re_path

from cases.open311 import discovery, door, requests, services

app_name = "open311"

_FORMAT = r"\.(?P<format>xml|json)$"

urlpatterns = [
    re_path(r"^discovery" + _FORMAT, discovery.discovery, name="discovery"),
    re_path(r"^services" + _FORMAT, services.service_list, name="services"),
    re_path(
        r"^services/(?P<service_code>[^/]+?)" + _FORMAT,
        services.service_definition,
        name="service_definition",
    ),
    re_path(r"^requests" + _FORMAT, requests.service_requests, name="requests"),
    re_path(
        r"^requests/(?P<service_request_id>[^/]+?)" + _FORMAT,
        requests.service_request,
        name="request",
    ),
    re_path(r"^tokens/(?P<token>[^/]+?)" + _FORMAT, requests.request_from_token, name="token"),
    re_path(r"^.*$", door.no_such_method, name="no_such_method"),
]
