"""The intensity-change form: from which day, the new hours per week, and why. The form only
cleans input — the rule lives in ``cases.visit_services.intensity_change``."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

HOURS_MESSAGE = _("Skriv timer pr. uge mellem 0,5 og 40.")


class IntensityChangeForm(forms.Form):
    effective_on = forms.DateField(
        label=_("Gælder fra"),
        help_text=_("Den første dag med den nye intensitet. Som regel i morgen."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Skriv datoen, hvor den nye intensitet gælder fra."),
            "invalid": _("Skriv en gyldig dato."),
        },
    )
    hours_per_week = forms.DecimalField(
        label=_("Timer pr. uge"),
        help_text=_("Det samlede antal timer, familien er bevilget pr. uge, fx 25 eller 22,5."),
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("0.5"),
        max_value=Decimal("40"),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "required": HOURS_MESSAGE,
            "invalid": HOURS_MESSAGE,
            "min_value": HOURS_MESSAGE,
            "max_value": HOURS_MESSAGE,
            "max_digits": HOURS_MESSAGE,
            "max_whole_digits": HOURS_MESSAGE,
            "max_decimal_places": _("Skriv timer pr. uge med højst én decimal."),
        },
    )
    reason = forms.CharField(
        label=_("Begrundelse"),
        help_text=_(
            "Hvorfor skrues der op eller ned? Fx »Mere hjælp om morgenen efter skolestart«."
        ),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Skriv hvorfor intensiteten ændres.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        initial = {"effective_on": timezone.localdate() + dt.timedelta(days=1)}
        kwargs["initial"] = {**initial, **(kwargs.pop("initial", None) or {})}
        super().__init__(*args, **kwargs)
