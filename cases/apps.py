from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from django.core import checks

        from cases.checks import next_year_holidays

        checks.register(next_year_holidays)
