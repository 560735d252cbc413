from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Evaluering og rapporter")

    def ready(self) -> None:
        from familieberedskab import startpage
        from reporting import panels

        startpage.register(panels.dashboard_link)
