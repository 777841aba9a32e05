from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class GridgovConfig(AppConfig):
    name = "gridgov"
    verbose_name = _("Notifications")  # the app's models: outbox, notices, robots, deliveries


class GridgovAdminConfig(AdminConfig):
    default_site = "gridgov.admin_site.GridgovAdminSite"
