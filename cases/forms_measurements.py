"""The forms of the measurement screens (issue 6): entering a completed instrument by item
number — who it is about, when in the course, the date, who filled it in, and one answer per
item with an explicit "ikke besvaret" — and waiving a planned measurement with a reason.

The form only cleans input: each item accepts the answers the instrument's definition allows
(or none), so a forged value is refused on its own row with the other answers kept. Ages,
informants and dates are the service's rules (cases/outcome_services.measurement_record),
whose messages come back to the fields they name."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import instruments
from cases.models import FamilyMember, Informant, Instrument, MemberKind, Occasion

NOT_ANSWERED = ""
TOGGLE = {"class": "btn-check", "autocomplete": "off"}


def _or_list(values: list[int]) -> str:
    words = [str(v) for v in values]
    if len(words) < 2:
        return "".join(words)
    return _("%(first)s eller %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def member_label(member: FamilyMember, day: dt.date) -> str:
    age = member.age_on(day) if member.birth_date <= day else None
    if age is None:
        return member.full_name
    return _("%(name)s (%(age)s år)") % {"name": member.full_name, "age": age}


class _MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: FamilyMember) -> str:
        return member_label(obj, timezone.localdate())


@dataclass(frozen=True)
class ItemRow:
    number: int
    label: str
    field: forms.BoundField
    is_impact: bool
    is_first_impact: bool


class MeasurementForm(forms.Form):
    """One completed ``instrument`` for a member of the family (``members``)."""

    subject = _MemberChoice(
        label=gettext_lazy("Hvem handler målingen om?"),
        queryset=FamilyMember.objects.none(),
        widget=forms.RadioSelect(attrs=TOGGLE),
        error_messages={
            "required": gettext_lazy("Vælg hvem målingen handler om."),
            "invalid_choice": gettext_lazy("Vælg et medlem af familien."),
        },
    )
    occasion = forms.ChoiceField(
        label=gettext_lazy("Hvornår i forløbet?"),
        choices=Occasion.choices,
        widget=forms.RadioSelect(attrs=TOGGLE),
        error_messages={
            "required": gettext_lazy("Vælg hvornår i forløbet målingen hører til."),
            "invalid_choice": gettext_lazy("Vælg hvornår i forløbet målingen hører til."),
        },
    )
    measured_on = forms.DateField(
        label=gettext_lazy("Dato for besvarelsen"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Skriv datoen for målingen."),
            "invalid": gettext_lazy("Skriv datoen som dd-mm-åååå."),
        },
    )
    informant_member = _MemberChoice(
        label=gettext_lazy("Udfyldt af"),
        queryset=FamilyMember.objects.none(),
        required=False,
        widget=forms.RadioSelect(attrs=TOGGLE),
        error_messages={"invalid_choice": gettext_lazy("Vælg en af familiens forældre.")},
    )
    informant_description = forms.CharField(
        label=gettext_lazy("Udfyldt af"),
        help_text=gettext_lazy("Fx klasselærer eller pædagog i børnehaven. Skriv ikke navnet."),
        required=False,
        max_length=100,
        error_messages={"max_length": gettext_lazy("Skriv højst 100 tegn.")},
    )

    def __init__(
        self,
        data: Any = None,
        *,
        instrument: Instrument,
        members: list[FamilyMember],
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.instrument = instrument
        pks = [m.pk for m in members]
        self.fields["subject"].queryset = FamilyMember.objects.filter(pk__in=pks).order_by(
            "kind", "birth_date", "pk"
        )
        caregivers = [m.pk for m in members if m.kind == MemberKind.CAREGIVER]
        self.fields["informant_member"].queryset = FamilyMember.objects.filter(
            pk__in=caregivers
        ).order_by("birth_date", "pk")
        if instrument.informant != Informant.PARENT:
            del self.fields["informant_member"]
        if instrument.informant != Informant.TEACHER:
            del self.fields["informant_description"]
        definition = instrument.definition
        self.item_numbers = instruments.items_of(definition)
        impact = definition.get("impact") or {}
        self.impact_items = (
            {int(impact["gate"]), *(int(i) for i in impact["items"])} if impact else set()
        )
        for number in self.item_numbers:
            allowed = sorted(instruments.allowed_answers(definition, number))
            self.fields[self.item_name(number)] = forms.ChoiceField(
                label=_("Punkt %(n)s") % {"n": number},
                choices=[(str(v), str(v)) for v in allowed] + [(NOT_ANSWERED, _("Ikke besvaret"))],
                required=False,
                initial=NOT_ANSWERED,
                widget=forms.RadioSelect(attrs=TOGGLE),
                error_messages={
                    "invalid_choice": _("Vælg %(answers)s – eller «Ikke besvaret».")
                    % {"answers": _or_list(allowed)}
                },
            )

    @staticmethod
    def item_name(number: int) -> str:
        return f"item_{number}"

    def item_rows(self) -> list[ItemRow]:
        labels = self.instrument.item_labels or {}
        rows, seen_impact = [], False
        for number in self.item_numbers:
            is_impact = number in self.impact_items
            rows.append(
                ItemRow(
                    number=number,
                    label=str(labels.get(str(number), "")),
                    field=self[self.item_name(number)],
                    is_impact=is_impact,
                    is_first_impact=is_impact and not seen_impact,
                )
            )
            seen_impact = seen_impact or is_impact
        return rows

    def _raw_answer(self, number: int) -> str:
        bound = self[self.item_name(number)]
        value = bound.data if self.is_bound else bound.initial
        return str(value or "")

    @property
    def answered_count(self) -> int:
        """Answered items as typed (also on a form with errors, so the count never lies)."""
        return sum(1 for n in self.item_numbers if self._raw_answer(n) != NOT_ANSWERED)

    @property
    def item_count(self) -> int:
        return len(self.item_numbers)

    @property
    def bad_items(self) -> list[int]:
        return [n for n in self.item_numbers if self.item_name(n) in self.errors]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.bad_items:
            raise forms.ValidationError(
                _("Ugyldige svar ved punkt %(items)s. Vælg et af de tilladte svar.")
                % {"items": ", ".join(str(i) for i in self.bad_items)},
                code="answers",
            )
        return cleaned

    def answers(self) -> dict[str, int | None]:
        out: dict[str, int | None] = {}
        for number in self.item_numbers:
            value = self.cleaned_data.get(self.item_name(number), NOT_ANSWERED)
            out[str(number)] = None if value in (None, NOT_ANSWERED) else int(value)
        return out

    def record_kwargs(self) -> dict[str, Any]:
        """The service's keyword arguments, from the cleaned data."""
        return {
            "subject": self.cleaned_data["subject"],
            "occasion": self.cleaned_data["occasion"],
            "measured_on": self.cleaned_data["measured_on"],
            "answers": self.answers(),
            "informant_member": self.cleaned_data.get("informant_member"),
            "informant_description": self.cleaned_data.get("informant_description", ""),
        }


class WaiveForm(forms.Form):
    waived_reason = forms.CharField(
        label=gettext_lazy("Hvorfor udføres målingen ikke?"),
        help_text=gettext_lazy("Fx: mor ønskede ikke at svare, eller barnet er flyttet."),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": gettext_lazy("Skriv hvorfor målingen ikke udføres."),
            "max_length": gettext_lazy("Skriv højst 300 tegn."),
        },
    )


def add_service_errors(form: forms.Form, exc: Any) -> None:
    """Put a service's errors on the fields they name, and the rest above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)
