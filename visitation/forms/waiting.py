"""Forms for the waiting list, the programme's capacity and matching a family with a team."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.services import TeamMember
from staffing.models import Competence, Role
from visitation.services import MATCH_ROLES, Suggestion

_OPTIONAL_ROLES = {Role.PSYKOLOG}


class WaitingRankForm(forms.Form):
    """A leader's manual placement of one family on the waiting list (1 = first)."""

    rank = forms.IntegerField(
        label=_("Placering"),
        min_value=1,
        max_value=999,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason = forms.CharField(label=_("Begrundelse"), max_length=300, required=False)
    clear = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("clear"):
            data["rank"], data["reason"] = None, ""
        elif data.get("rank") is None and "rank" not in self.errors:
            self.add_error("rank", _("Angiv en placering (1 er først) – eller fjern placeringen."))
        return data


class CapacityForm(forms.Form):
    families = forms.IntegerField(
        label=_("Antal familier ad gangen"),
        help_text=_("Hvor mange familier Familieberedskabet kan have i forløb på samme tid."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


@dataclass(frozen=True)
class Option:
    """One radio button: a suggested person, their competences (matched ones first)."""

    suggestion: Suggestion
    checked: bool
    competences: list[tuple[Competence, bool, bool]]  # competence, matched, expired


@dataclass(frozen=True)
class RoleSection:
    role: str
    label: str
    field: forms.BoundField
    hours: forms.BoundField
    options: list[Option]
    optional: bool


def _half(hours: Decimal) -> Decimal:
    return (hours * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2


class MatchForm(forms.Form):
    """One person per role (the psykolog optional), hours per week each, the start meeting
    and the reason. Which combinations are allowed is the service's rule (match_assign)."""

    start_meeting_date = forms.DateField(
        label=_("Opstartsmøde"),
        required=False,
        help_text=_("Mødet med familien, rådgiveren og de to medarbejdere."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Begrundelse for matchningen"),
        required=False,
        max_length=3000,
        help_text=_("Hvorfor netop disse medarbejdere passer til familiens udfordringer."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: object,
        suggestions: dict[str, list[Suggestion]],
        granted_hours: Decimal | None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.suggestions = suggestions
        self.users = {s.user.pk: s.user for role in MATCH_ROLES for s in suggestions[role]}
        split = _half(granted_hours / 2) if granted_hours else None
        for role in MATCH_ROLES:
            choices = [(s.user.pk, s.user.full_name) for s in suggestions[role]]
            if role in _OPTIONAL_ROLES:
                choices = [("", _("Ingen psykolog")), *choices]
            self.fields[role] = forms.TypedChoiceField(
                label=Role(role).label,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"{role}_hours"] = forms.DecimalField(
                label=_("Timer pr. uge"),
                max_digits=4,
                decimal_places=1,
                required=False,
                initial=None if role in _OPTIONAL_ROLES else split,
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("start_meeting_date", css_class="col-md-4")), "reason"
        )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        for role in MATCH_ROLES:
            if data.get(role) and data.get(f"{role}_hours") is None:
                self.add_error(f"{role}_hours", _("Angiv timer pr. uge."))
        return data

    def team(self) -> list[TeamMember]:
        return [
            TeamMember(self.users[pk], role, self.cleaned_data[f"{role}_hours"])
            for role in MATCH_ROLES
            if (pk := self.cleaned_data.get(role))
        ]

    def sections(self) -> list[RoleSection]:
        """What the template draws per role: the ranked people with their competences."""
        today = timezone.localdate()
        sections = []
        for role in MATCH_ROLES:
            chosen = str(self[role].value() or "")
            options = []
            for suggestion in self.suggestions[role]:
                matched = {c.pk for c in suggestion.matched}
                held = sorted(
                    (
                        (
                            sc.competence,
                            sc.competence_id in matched,
                            bool(sc.expires_on and sc.expires_on < today),
                        )
                        for sc in suggestion.user.competences.all()
                    ),
                    key=lambda item: (not item[1], item[0].name),
                )
                options.append(Option(suggestion, chosen == str(suggestion.user.pk), held))
            sections.append(
                RoleSection(
                    role=role,
                    label=str(Role(role).label),
                    field=self[role],
                    hours=self[f"{role}_hours"],
                    options=options,
                    optional=role in _OPTIONAL_ROLES,
                )
            )
        return sections
