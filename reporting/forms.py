"""The forms of the report screens: ordering a run (kind, period with presets, municipalities)
and a schedule. They only clean input; who may order what, and for which municipalities, is
decided by reporting/services.py (which also refuses a municipality the user may not use)."""

import datetime as dt
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familieberedskab.permissions import Perm, permissions_of
from reporting.models import Cadence, ReportKind
from reporting.services import municipalities_for, previous_period
from staffing.models import User


class Preset:
    LAST_QUARTER = "last_quarter"
    LAST_YEAR = "last_year"
    CUSTOM = "custom"


PRESET_CHOICES = [
    (Preset.LAST_QUARTER, _("Sidste kvartal")),
    (Preset.LAST_YEAR, _("Sidste år")),
    (Preset.CUSTOM, _("Vælg selv")),
]


def kind_choices(user: User) -> list[tuple[str, Any]]:
    """The report kinds ``user`` may order: the dataset only with Perm.REPORT_DATASET."""
    may_dataset = Perm.REPORT_DATASET in permissions_of(user)
    return [(k, label) for k, label in ReportKind.choices if k != ReportKind.DATASET or may_dataset]


def preset_period(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The last whole quarter or year before ``today``."""
    cadence = Cadence.YEARLY if preset == Preset.LAST_YEAR else Cadence.QUARTERLY
    return previous_period(cadence, today)


def _date(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class _ReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Rapport"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg en rapport.")},
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Kommuner"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Vælg mindst én kommune.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices(user)
        choices = municipalities_for(user)
        self.fields["municipalities"].queryset = choices
        if not self.is_bound and "municipalities" not in self.initial:
            self.initial["municipalities"] = list(choices)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form tag carries the token


class RunRequestForm(_ReportForm):
    """Order a report for a period: a preset (last quarter, last year) or dates of one's own."""

    preset = forms.ChoiceField(
        label=_("Periode"),
        choices=PRESET_CHOICES,
        initial=Preset.LAST_QUARTER,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg en periode.")},
    )
    period_start = _date(_("Fra"))
    period_end = _date(_("Til"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.initial.setdefault("kind", ReportKind.EVALUATION)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        preset = data.get("preset")
        if preset and preset != Preset.CUSTOM:
            data["period_start"], data["period_end"] = preset_period(preset, timezone.localdate())
        elif preset == Preset.CUSTOM:
            if not data.get("period_start"):
                self.add_error("period_start", _("Skriv periodens første dag."))
            if not data.get("period_end"):
                self.add_error("period_end", _("Skriv periodens sidste dag."))
        return data


class ScheduleForm(_ReportForm):
    """A report made by itself every quarter or year, for the period just ended."""

    name = forms.CharField(
        label=_("Navn"),
        max_length=200,
        help_text=_("Fx »Kvartalsrapport til Socialstyrelsen«."),
        error_messages={"required": _("Giv den faste rapport et navn.")},
    )
    cadence = forms.ChoiceField(
        label=_("Hvor tit"),
        choices=Cadence.choices,
        initial=Cadence.QUARTERLY,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg hvor tit rapporten skal laves.")},
    )

    field_order = ["name", "kind", "cadence", "municipalities"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.initial.setdefault("kind", ReportKind.EVALUATION)
