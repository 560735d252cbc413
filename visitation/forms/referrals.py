"""Forms of the rådgiver's referral screens: the referral itself and the list filter."""

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Family, FamilyMember, MemberKind
from staffing.models import Competence, CompetenceKind, Organisation
from visitation.models import (
    BorneLinealen,
    ConcernSource,
    LegalBasis,
    Referral,
    ReferralStatus,
    TargetGroup,
)
from visitation.services import REFERRAL_DATA_FIELDS, ChildInput

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _paragraph_order(basis: LegalBasis) -> tuple[int, ...]:
    """§ 5 before §§ 20-23 before § 132: by the numbers, not the text."""
    return tuple(int(n) for n in re.findall(r"\d+", basis.paragraph))


class LegalBasisChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: LegalBasis) -> str:
        names = {"paragraph": obj.paragraph, "title": obj.title, "old": obj.old_reference}
        if obj.old_reference:
            return _("%(paragraph)s – %(title)s (tidl. %(old)s)") % names
        return _("%(paragraph)s – %(title)s") % names


class ReferralForm(forms.ModelForm):
    """The whole referral on one page. Every field may be left empty in a draft; what a
    submission needs is checked by ``visitation.services.referral_missing``."""

    legal_bases = LegalBasisChoiceField(
        label=_("Lovgrundlag"),
        queryset=LegalBasis.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Barnets Lov; den tidligere paragraf i serviceloven står i parentes."),
    )

    class Meta:
        model = Referral
        fields = ["provider", "challenges", "legal_bases", *REFERRAL_DATA_FIELDS]
        widgets = {
            "concern": forms.Textarea(attrs={"rows": 5}),
            "tried_before": forms.Textarea(attrs={"rows": 4}),
            "target_group": forms.RadioSelect,
            "challenges": forms.CheckboxSelectMultiple,
            "investigation_date": _DATE,
            "child_plan_date": _DATE,
            "requested_start": _DATE,
        }
        help_texts = {
            "concern": _("Hvad er I bekymrede for, og hvad skal ændre sig?"),
            "tried_before": _("Tidligere indsatser, og hvordan de er gået."),
            "investigation_date": _("Dato for gennemført eller planlagt undersøgelse."),
        }

    def __init__(self, *args: object, family: Family, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.family = family
        chosen = self.instance.pk is not None
        # Providers serving the family's municipality; a draft keeps the one it names.
        serving = Q(is_active=True, serves=family.municipality)
        if chosen:
            serving |= Q(pk=self.instance.provider_id)
        providers = Organisation.objects.providers().filter(serving).distinct()
        self.fields["provider"].queryset = providers.order_by("name")
        self.fields["provider"].empty_label = _("Vælg udfører")
        if not chosen and len(self.fields["provider"].queryset) == 1:
            self.initial["provider"] = self.fields["provider"].queryset[0].pk
        self.fields["target_group"].choices = TargetGroup.choices
        self.fields["concern_source"].choices = [("", _("Vælg")), *ConcernSource.choices]
        kept = Q(pk__in=self.instance.legal_bases.all()) if chosen else Q(pk__in=[])
        bases = self.fields["legal_bases"]
        bases.queryset = LegalBasis.objects.filter(Q(is_active=True) | kept)
        bases.choices = [
            (b.pk, bases.label_from_instance(b))
            for b in sorted(bases.queryset, key=_paragraph_order)
        ]
        kept = Q(pk__in=self.instance.challenges.all()) if chosen else Q(pk__in=[])
        self.fields["challenges"].queryset = Competence.objects.filter(
            Q(kind=CompetenceKind.EXPERTISE, is_active=True) | kept
        )
        self.members = list(
            FamilyMember.objects.filter(family=family, kind=MemberKind.CHILD).order_by(
                "birth_date", "pk"
            )
        )
        self._add_child_fields()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = self._layout()

    def _add_child_fields(self) -> None:
        levels = {}
        if self.instance.pk is not None:
            levels = {c.member_id: c.level for c in self.instance.children.all()}
        for member in self.members:
            self.fields[f"child_{member.pk}"] = forms.BooleanField(
                label=_("Henvisningen gælder %(name)s (f. %(born)s)")
                % {"name": member.full_name, "born": member.birth_date.strftime("%d.%m.%Y")},
                required=False,
                initial=member.pk in levels,
            )
            self.fields[f"level_{member.pk}"] = forms.TypedChoiceField(
                label=_("Børnelinealen for %(name)s") % {"name": member.first_name},
                choices=[("", _("Ikke vurderet")), *BorneLinealen.choices],
                coerce=int,
                empty_value=None,
                required=False,
                initial=levels.get(member.pk),
            )

    def _layout(self) -> Layout:
        children = [
            Row(
                Column(f"child_{m.pk}", css_class="col-md-6 pt-md-4"),
                Column(f"level_{m.pk}", css_class="col-md-6"),
                css_class="referral-child",
            )
            for m in self.members
        ]
        return Layout(
            Fieldset(
                _("Bekymringen"),
                "provider",
                "concern",
                "target_group",
                Row(
                    Column("concern_source", css_class="col-md-6"),
                    Column("concern_source_note", css_class="col-md-6"),
                ),
            ),
            Fieldset(_("Børn og Børnelinealen"), *children),
            Fieldset(_("Udfordringer og tidligere indsats"), "challenges", "tried_before"),
            Fieldset(
                _("Undersøgelse, barnets plan og lovgrundlag"),
                Row(
                    Column("investigation_date", css_class="col-md-6"),
                    Column("investigation_done", css_class="col-md-6 pt-md-4"),
                ),
                Row(Column("child_plan_date", css_class="col-md-6")),
                "legal_bases",
            ),
            Fieldset(
                _("Samtykke og prioritering"),
                "consent_given",
                "child_views_heard",
                "is_acute",
                "pregnancy",
                Row(Column("requested_start", css_class="col-md-6")),
            ),
        )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        for member in self.members:
            if data.get(f"level_{member.pk}") and not data.get(f"child_{member.pk}"):
                self.add_error(
                    f"child_{member.pk}",
                    _("Markér barnet, hvis du vil angive Børnelinealen for det."),
                )
        return data

    def service_kwargs(self) -> dict[str, object]:
        """The cleaned input in the shape ``visitation.services.referral_save`` takes."""
        data = self.cleaned_data
        return {
            "provider": data["provider"],
            "data": {name: data[name] for name in REFERRAL_DATA_FIELDS},
            "children": [
                ChildInput(member=m, level=data.get(f"level_{m.pk}"))
                for m in self.members
                if data.get(f"child_{m.pk}")
            ],
            "legal_bases": list(data["legal_bases"]),
            "challenges": list(data["challenges"]),
        }


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Alle")), *ReferralStatus.choices],
        required=False,
    )
