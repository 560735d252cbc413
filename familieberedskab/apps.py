from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KernelConfig(AppConfig):
    """The cross-cutting kernel: audit trail, access policy, health, start page."""

    name = "familieberedskab"
    label = "kernel"
    verbose_name = _("Fælles")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from familieberedskab.middleware import stamp_session

        user_logged_in.connect(stamp_session, dispatch_uid="fb_stamp_session")

        from familieberedskab import startpage
        from familieberedskab.views import admin_panel

        startpage.register(admin_panel)
