"""The safety plan form: a new revision, prefilled from the current plan. The form only
cleans input — the rules live in cases/safety_plan_services.py."""

import datetime as dt
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import SafetyPlan
from cases.safety_plan_services import PLAN_FIELDS, TEXT_FIELDS

DEFAULT_REVIEW_WEEKS = 4


def _date(label: Any, required_message: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": required_message},
    )


def _textarea(label: Any, help_text: Any, required_message: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required_message is not None,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": required_message} if required_message else None,
    )


class SafetyPlanForm(forms.Form):
    adopted_on = _date(_("Aftalt den"), _("Skriv datoen, hvor planen blev aftalt."))
    review_on = _date(
        _("Gennemgås senest"),
        _("Skriv datoen, hvor planen skal gennemgås."),
        _("Den dag ser vi på planen sammen igen."),
    )
    everyday_rules = _textarea(
        _("Regler i hverdagen"),
        _("Det, der skal ske hver dag, så børnene er trygge."),
        _("Skriv reglerne i hverdagen."),
    )
    network_roles = _textarea(
        _("Hvem i netværket gør hvad"),
        _("Navn og opgave for hver person, der hjælper."),
        _("Skriv, hvem i netværket der gør hvad."),
    )
    professional_checks = _textarea(
        _("Sådan tjekker fagpersonerne"),
        _("Hvem kommer, hvor tit, og hvad ser de efter."),
        _("Skriv, hvordan fagpersonerne tjekker planen."),
    )
    if_broken = _textarea(
        _("Hvis planen ikke holdes"),
        _("Hvad sker der, og hvem gør hvad."),
        _("Skriv, hvad der sker, hvis planen ikke holdes."),
    )
    family_perspective = _textarea(
        _("Familiens egne ord"), _("Familiens egne ord om planen, gerne som de selv siger det.")
    )

    def __init__(self, *args: Any, initial_from: SafetyPlan | None = None, **kwargs: Any) -> None:
        self.prefilled = initial_from is not None
        today = timezone.localdate()
        prefill: dict[str, Any] = (
            {name: getattr(initial_from, name) for name in TEXT_FIELDS} if initial_from else {}
        )
        prefill["adopted_on"] = today
        prefill["review_on"] = today + dt.timedelta(weeks=DEFAULT_REVIEW_WEEKS)
        kwargs["initial"] = {**prefill, **(kwargs.pop("initial", None) or {})}
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form tag carries the token

    def plan_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PLAN_FIELDS}
