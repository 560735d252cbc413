import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import cpr
from cases.models import Family, FamilyMember, MemberKind
from familieberedskab import crypto
from staffing.models import Organisation


class FamilyForm(forms.ModelForm):
    class Meta:
        model = Family
        fields = ["name", "municipality", "street_address", "postal_code", "city"]

    def __init__(self, *args: object, own_municipality: Organisation, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.own_municipality = own_municipality
        self.fields["municipality"].queryset = Organisation.objects.municipalities().active()
        if not self.instance.pk and not self.initial.get("municipality"):
            # Not field.initial: the empty instance's municipality=None in self.initial wins.
            self.initial["municipality"] = own_municipality.pk
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("name", css_class="col-md-6"), Column("municipality", css_class="col-md-6")),
            Row(
                Column("street_address", css_class="col-md-6"),
                Column("postal_code", css_class="col-md-2"),
                Column("city", css_class="col-md-4"),
            ),
        )

    def clean_municipality(self) -> Organisation:
        municipality = self.cleaned_data["municipality"]
        if municipality != self.own_municipality:
            raise forms.ValidationError(
                _("Du kan kun registrere familier i din egen kommune (%(own)s)."),
                params={"own": self.own_municipality},
                code="wrong_municipality",
            )
        return municipality


UNBORN_MAX_DAYS = 305  # about ten months


class FamilyMemberForm(forms.ModelForm):
    cpr_number = forms.CharField(
        label=_("CPR-nummer"),
        required=False,
        max_length=11,
        help_text=_("DDMMÅÅ-XXXX. Kan udelades, fx for et ufødt barn."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    class Meta:
        model = FamilyMember
        fields = [
            "kind",
            "first_name",
            "last_name",
            "cpr_number",
            "birth_date",
            "relation",
            "language",
            "interpreter_needed",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["birth_date"].required = False
        self.fields["birth_date"].help_text = _(
            "Udfyldes automatisk ud fra CPR-nummeret. For et ufødt barn: terminsdatoen."
        )
        if self.instance.pk and self.instance.has_cpr:
            self.fields["cpr_number"].help_text = _(
                "Registreret: %(masked)s. Udfyld kun for at rette det."
            ) % {"masked": self.instance.cpr_masked}

    def clean_cpr_number(self) -> str:
        raw = self.cleaned_data.get("cpr_number", "")
        if not raw.strip():
            return ""
        digits = cpr.normalise(raw)
        clash = FamilyMember.objects.filter(cpr_hash=crypto.keyed_hash(digits))
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _(
                    "Der er allerede registreret en person med dette CPR-nummer. "
                    "Kontakt en leder, hvis familien skal flyttes."
                ),
                code="cpr_duplicate",
            )
        return digits

    def clean(self) -> dict[str, object]:
        data = super().clean()
        digits, born = data.get("cpr_number"), data.get("birth_date")
        if born and born > timezone.localdate():
            # An unborn child (no CPR number yet) is registered with the expected birth date,
            # so that a pregnancy can be referred and counts as "a child under 2".
            unborn = data.get("kind") == MemberKind.CHILD and not digits
            if not unborn:
                self.add_error(
                    "birth_date",
                    forms.ValidationError(
                        _("Fødselsdatoen kan ikke ligge i fremtiden."), code="future"
                    ),
                )
            elif born > timezone.localdate() + dt.timedelta(days=UNBORN_MAX_DAYS):
                self.add_error(
                    "birth_date",
                    forms.ValidationError(
                        _("Terminsdatoen for et ufødt barn kan højst ligge 10 måneder frem."),
                        code="future",
                    ),
                )
        if digits:
            from_cpr = cpr.birth_date(digits)
            if born and born != from_cpr:
                self.add_error("birth_date", _("Fødselsdatoen passer ikke med CPR-nummeret."))
            else:
                data["birth_date"] = from_cpr
        elif (
            not born
            and not (self.instance.pk and self.instance.has_cpr)
            and "birth_date" not in self.errors
            and "cpr_number" not in self.errors
        ):
            self.add_error("birth_date", _("Angiv fødselsdato eller CPR-nummer."))
        return data


class BaseMemberFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [f for f in self.forms if f.has_changed() or f.instance.pk]
        kept = [f for f in kept if not (self.can_delete and self._should_delete_form(f))]
        numbers = [f.cleaned_data.get("cpr_number") for f in kept if hasattr(f, "cleaned_data")]
        numbers = [n for n in numbers if n]
        if len(numbers) != len(set(numbers)):
            raise forms.ValidationError(
                _("Det samme CPR-nummer står ved to personer."), code="cpr_twice"
            )
        if not any(
            f.cleaned_data.get("kind") == "child" for f in kept if hasattr(f, "cleaned_data")
        ):
            raise forms.ValidationError(_("Familien skal have mindst ét barn."), code="no_child")


MemberFormSet = inlineformset_factory(
    Family,
    FamilyMember,
    form=FamilyMemberForm,
    formset=BaseMemberFormSet,
    extra=2,
    can_delete=True,
    max_num=20,
    validate_max=True,
)


class FamilySearchForm(forms.Form):
    """Search by name or by exact CPR number. Posted, so a CPR number never enters a URL."""

    q = forms.CharField(label=_("Navn eller CPR-nummer"), required=False, max_length=100)

    def clean_q(self) -> str:
        return self.cleaned_data["q"].strip()
