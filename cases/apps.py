from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Familier og forløb")

    def ready(self) -> None:
        from cases import panels, panels_closure, panels_fit, panels_hours, panels_measurements
        from familieberedskab import startpage

        for panel in (
            panels.my_families,
            panels.my_courses,
            panels.upcoming_meetings,
            panels.provider_overview,
            panels.aggregates,
            panels_hours.hours_last_week,
            panels_fit.fit_alerts,
            panels_measurements.measurements_due,
            panels_closure.post_closure_checks,
        ):
            startpage.register(panel)
