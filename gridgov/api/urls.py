"""/api/v1/: each app's API, the notices, the description and its readers. Anything else under
/api/v1/ is a problem (404), never an HTML page."""

from django.urls import include, path, re_path

from gridgov.api import docs, notices, schema  # noqa: F401  (schema: the OpenAPI extensions)
from gridgov.api.views import NoSuchEndpoint

app_name = "api"

urlpatterns = [
    path("", include("grids.api.urls")),
    path("", include("cases.api.urls")),
    path("notices/", notices.NoticeList.as_view(), name="notice_list"),
    path("notices/<int:notice_id>/", notices.NoticeDetail.as_view(), name="notice_detail"),
    path("notices/<int:notice_id>/read/", notices.NoticeRead.as_view(), name="notice_read"),
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.SwaggerView.as_view(), name="docs"),
    path("redoc/", docs.RedocView.as_view(), name="redoc"),
    re_path(r"^.*$", NoSuchEndpoint.as_view(), name="no_such_endpoint"),
]
