from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitationConfig(AppConfig):
    name = "visitation"
    verbose_name = _("Visitation")

    def ready(self) -> None:
        from familieberedskab import startpage
        from visitation import panels

        for panel in (panels.acute, panels.to_visitation, panels.my_referrals, panels.waiting):
            startpage.register(panel)
