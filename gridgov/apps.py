from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class GridgovConfig(AppConfig):
    name = "gridgov"
    verbose_name = "gridgov"


class GridgovAdminConfig(AdminConfig):
    default_site = "gridgov.admin_site.GridgovAdminSite"
