"""Forms for the staff roster and the practitioner's own profile: hours and competences."""

import datetime as dt
from collections.abc import Sequence

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from staffing.models import Competence, CompetenceKind, StaffProfile
from staffing.services import CompetenceRow

_DATE = {"type": "date"}


class StaffProfileForm(forms.ModelForm):
    """Contracted hours only where the user manages the roster; the flexible share always."""

    class Meta:
        model = StaffProfile
        fields = ["contracted_hours", "flexible_share"]
        widgets = {
            "contracted_hours": forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            "flexible_share": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args: object, hours_editable: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # The table's check constraints, as field validators: a Danish message per field.
        self.fields["contracted_hours"].validators += [MinValueValidator(0), MaxValueValidator(60)]
        self.fields["flexible_share"].validators.append(MaxValueValidator(100))
        if not hours_editable:
            del self.fields["contracted_hours"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(*(Column(name, css_class="col-sm-6") for name in self.fields)),
        )


class CompetenceRowForm(forms.Form):
    """One held competence. The choices come from the formset, read once for all rows."""

    competence = forms.TypedChoiceField(label=_("Kompetence"), coerce=int, empty_value=None)
    certified_on = forms.DateField(
        label=_("Certificeret"),
        required=False,
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
    )
    expires_on = forms.DateField(
        label=_("Udløber"),
        required=False,
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
    )

    def __init__(self, *args: object, competences: Sequence[Competence], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.by_pk = {c.pk: c for c in competences}
        groups: list[tuple[str, list[tuple[int, str]]]] = []
        for kind, label in CompetenceKind.choices:
            options = [(c.pk, c.name) for c in competences if c.kind == kind]
            if options:
                groups.append((str(label), options))
        self.fields["competence"].choices = [("", "—"), *groups]

    def clean(self) -> dict[str, object]:
        data = super().clean()
        certified: dt.date | None = data.get("certified_on")
        expires: dt.date | None = data.get("expires_on")
        if certified and expires and expires < certified:
            self.add_error("expires_on", _("Udløbsdatoen kan ikke ligge før certificeringen."))
        return data

    @property
    def row(self) -> CompetenceRow:
        return CompetenceRow(
            competence=self.by_pk[self.cleaned_data["competence"]],
            certified_on=self.cleaned_data.get("certified_on"),
            expires_on=self.cleaned_data.get("expires_on"),
        )


class BaseCompetenceFormSet(forms.BaseFormSet):
    def _kept(self) -> list[CompetenceRowForm]:
        return [
            form
            for form in self.forms
            if form.cleaned_data.get("competence") and not self._should_delete_form(form)
        ]

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        chosen = [form.cleaned_data["competence"] for form in self._kept()]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(
                _("Den samme kompetence står flere gange."), code="duplicate"
            )

    def rows(self) -> list[CompetenceRow]:
        return [form.row for form in self._kept()]


CompetenceFormSet = forms.formset_factory(
    CompetenceRowForm,
    formset=BaseCompetenceFormSet,
    extra=1,
    can_delete=True,
    max_num=40,
    validate_max=True,
)


def competence_choices(held_ids: set[int]) -> list[Competence]:
    """Active competences, plus any inactive one the practitioner still holds."""
    return [
        c for c in Competence.objects.order_by("kind", "name") if c.is_active or c.pk in held_ids
    ]
