"""Forms of the visitation committee: scheduling a meeting and recording a decision.

The forms only clean input; the rules (who decides, what a decision needs, two approvals on
the acute route) live in ``visitation.services``.
"""

import calendar
import datetime as dt
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Fieldset, Layout, Row
from django import forms
from django.db.models import QuerySet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from staffing.models import User
from visitation.models import Decision, DecisionKind, Referral, VisitationMeeting
from visitation.services import DecisionInput

FOLLOW_UP_MONTHS = 3  # the first status meeting: 3 months after start (DOMAIN.md, step 5)

# Which fields each kind of decision uses; the others are kept (hidden) but not recorded.
_GRANT = {"granted_hours", "start_date", "first_follow_up"}
_START = {"start_date", "first_follow_up"}
FIELDS_BY_KIND: dict[str, set[str]] = {
    DecisionKind.FAMILIEBEREDSKAB: _GRANT,
    DecisionKind.ORDINARY: _START,
    DecisionKind.EXTERNAL: _START,
    DecisionKind.WAITING_LIST: {"priority"},
    DecisionKind.POSTPONED: set(),
    DecisionKind.REJECTED: set(),
}
_OPTIONAL = _GRANT | {"priority"}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day (31 January → 30 April)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Dato"), widget=_DateInput())
    members = forms.ModelMultipleChoiceField(
        label=_("Deltagere"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Ledere og medarbejdere hos udføreren og myndighedens ledere i de kommuner, "
            "udføreren betjener."
        ),
    )

    def __init__(self, *args: object, candidates: QuerySet[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = candidates
        self.fields["members"].label_from_instance = lambda u: f"{u.full_name} ({u.organisation})"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Row(Column("date", css_class="col-sm-6 col-md-4")), "members")


class DecisionForm(forms.Form):
    """One decision on one referral. Signed on saving and never edited afterwards."""

    meeting = forms.ModelChoiceField(
        label=_("Visitationsmøde"), queryset=VisitationMeeting.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Afgørelse"), choices=DecisionKind.choices, widget=forms.RadioSelect
    )
    granted_hours = forms.DecimalField(
        label=_("Bevilgede timer pr. uge"),
        required=False,
        max_digits=4,
        decimal_places=1,
        max_value=Decimal(40),
        help_text=_("Højst 40 timer om ugen."),
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "max": "40"}),
    )
    start_date = forms.DateField(label=_("Startdato"), required=False, widget=_DateInput())
    first_follow_up = forms.DateField(
        label=_("Første opfølgning"),
        required=False,
        widget=_DateInput(),
        help_text=_("Udfyldes med 3 måneder efter startdatoen, hvis feltet står tomt."),
    )
    priority = forms.IntegerField(
        label=_("Prioritet på ventelisten"),
        required=False,
        min_value=1,
        max_value=99,
        help_text=_("1 er højest. Akutte, gravide og børn under 2 år går altid først."),
    )
    reason = forms.CharField(
        label=_("Begrundelse"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Skal udfyldes ved afslag."),
    )

    def __init__(
        self,
        *args: object,
        referral: Referral,
        meeting: VisitationMeeting | None,
        meetings: QuerySet[VisitationMeeting] | None = None,
        replaces: Decision | None = None,
        refresh_url: str = "",
        **kwargs: object,
    ) -> None:
        # Unique ids per referral: the agenda shows one form for each.
        kwargs.setdefault("auto_id", f"id_r{referral.pk}_%s")
        super().__init__(*args, **kwargs)
        self.referral = referral
        self.fixed_meeting = meeting
        self.replaces = replaces
        self.fields_id = f"decision-fields-{referral.pk}"
        if meeting is not None or meetings is None:
            del self.fields["meeting"]
        else:
            field = self.fields["meeting"]
            field.queryset = meetings
            field.required = not referral.is_acute
            field.empty_label = (
                _("Akut – uden møde (to ledere skal godkende)")
                if referral.is_acute
                else _("Vælg møde")
            )
        if refresh_url:
            # Progressive enhancement: choosing a kind re-renders the fields that kind uses.
            self.fields["kind"].widget.attrs.update(
                {
                    "hx-get": refresh_url,
                    "hx-trigger": "change",
                    "hx-include": f"#{self.fields_id}",
                    "hx-target": f"#{self.fields_id}",
                    "hx-select": f"#{self.fields_id}",
                    "hx-swap": "outerHTML",
                }
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = self._layout()

    def current_kind(self) -> str:
        value = (
            self.data.get(self.add_prefix("kind")) if self.is_bound else self.initial.get("kind")
        )
        return value if value in DecisionKind.values else ""

    def _layout(self) -> Layout:
        kind = self.current_kind()
        shown = FIELDS_BY_KIND[kind] if kind else _OPTIONAL  # no kind yet: show everything

        def field(name: str, css: str) -> Column | Field:
            if name in shown:
                return Column(name, css_class=css)
            return Field(name, type="hidden")  # kept, so nothing typed is lost

        grant = [
            field("granted_hours", "col-sm-4"),
            field("start_date", "col-sm-4"),
            field("first_follow_up", "col-sm-4"),
        ]
        legend = _("Bevilling") if "granted_hours" in shown else _("Start og opfølgning")
        parts: list[object] = []
        if "meeting" in self.fields:
            parts.append("meeting")
        parts += [
            "kind",
            (
                Fieldset(format_html('<span class="h6">{}</span>', legend), Row(*grant))
                if shown & _GRANT
                else Div(*grant)
            ),
            Row(field("priority", "col-sm-4")),
        ]
        if not kind:
            hint = _(
                "Timer bruges kun ved Familieberedskab, start og opfølgning ved bevillinger, "
                "prioritet ved venteliste."
            )
            parts.insert(
                parts.index("kind") + 1, HTML(format_html('<p class="form-text">{}</p>', hint))
            )
        # The reason stays outside the refreshed block: it applies to every kind, and free text
        # must never travel in the refresh's GET query string (access logs).
        return Layout(Div(*parts, css_id=self.fields_id), "reason")

    def clean(self) -> dict[str, object]:
        data = super().clean()
        kind = data.get("kind")
        if kind:
            for name in _OPTIONAL - FIELDS_BY_KIND[kind]:
                data[name] = None
        start, follow_up = data.get("start_date"), data.get("first_follow_up")
        if start and not follow_up and "first_follow_up" not in self.errors:
            data["first_follow_up"] = add_months(start, FOLLOW_UP_MONTHS)
        return data

    @property
    def chosen_meeting(self) -> VisitationMeeting | None:
        return self.fixed_meeting or self.cleaned_data.get("meeting")

    def decision_input(self) -> DecisionInput:
        data = self.cleaned_data
        return DecisionInput(
            kind=data["kind"],
            granted_hours=data.get("granted_hours"),
            start_date=data.get("start_date"),
            first_follow_up=data.get("first_follow_up"),
            priority=data.get("priority"),
            reason=data.get("reason", ""),
        )
