"""The network forms: a network person with a relation field per family member, a snapshot
of the network, and a network meeting. The forms only clean input — the rules live in
cases/network_services.py."""

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import FamilyMember, NetworkKind, NetworkMember
from cases.network_services import MEMBER_FIELDS

RELATION_PREFIX = "relation_"
FAMILY_WORDS_CLASS = "family-words-field"  # static/css/app.css marks the family's words


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's form tag carries the token
    return helper


def _family_words(label: Any) -> forms.CharField:
    """The family's own words, typed with them at the kitchen table."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Skriv det, familien siger – med deres ord."),
    )


def _date(label: Any, required_message: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": required_message},
    )


class NetworkMemberForm(forms.Form):
    name = forms.CharField(
        label=_("Navn"),
        max_length=200,
        error_messages={"required": _("Skriv personens navn.")},
    )
    kind = forms.ChoiceField(label=_("Hvem er det"), choices=NetworkKind.choices)
    closeness = forms.TypedChoiceField(
        label=_("Hvor tæt på familien"),
        coerce=int,
        initial=3,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        help_text=_("5 = meget tæt på familien, 1 = langt fra."),
    )
    support_given = forms.CharField(
        label=_("Støtte i dag"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    support_possible = forms.CharField(
        label=_("Mulig støtte"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        family_members: QuerySet[FamilyMember] | list[FamilyMember],
        instance: NetworkMember | None = None,
        **kwargs: Any,
    ) -> None:
        initial: dict[str, Any] = {}
        if instance is not None:
            initial = {name: getattr(instance, name) for name in MEMBER_FIELDS}
            for relation in instance.relations.all():
                initial[f"{RELATION_PREFIX}{relation.family_member_id}"] = relation.description
        kwargs["initial"] = {**initial, **(kwargs.pop("initial", None) or {})}
        super().__init__(*args, **kwargs)
        self.family_members = list(family_members)
        for person in self.family_members:
            self.fields[f"{RELATION_PREFIX}{person.pk}"] = forms.CharField(
                label=_("Relation til %(name)s") % {"name": person.full_name},
                required=False,
                max_length=200,
                help_text=_("Fx mormor, træner, nabo. Tom = ingen relation."),
            )
        self.helper = _helper()

    def member_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in MEMBER_FIELDS}

    def relations(self) -> dict[int, str]:
        return {
            person.pk: self.cleaned_data.get(f"{RELATION_PREFIX}{person.pk}") or ""
            for person in self.family_members
        }


class NetworkSnapshotForm(forms.Form):
    taken_on = _date(_("Dato"), _("Skriv datoen for netværkskortet."))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    family_perspective = _family_words(_("Familiens egne ord om netværket"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"taken_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class NetworkMeetingForm(forms.Form):
    held_on = _date(_("Mødedato"), _("Skriv datoen for mødet."))
    network_participants = forms.ModelMultipleChoiceField(
        label=_("Fra netværket"),
        queryset=NetworkMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    family_participants = forms.ModelMultipleChoiceField(
        label=_("Fra familien"),
        queryset=FamilyMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    staff_participants = forms.ModelMultipleChoiceField(
        label=_("Medarbejdere"),
        queryset=FamilyMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Hvad blev aftalt"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    family_perspective = _family_words(_("Familiens egne ord om mødet"))

    def __init__(
        self,
        *args: Any,
        network: QuerySet,
        family: QuerySet,
        staff: QuerySet,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {"held_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["network_participants"].queryset = network
        self.fields["family_participants"].queryset = family
        self.fields["staff_participants"].queryset = staff
        self.helper = _helper()
        self.helper.layout = Layout(
            "held_on",
            "network_participants",
            "family_participants",
            "staff_participants",
            "notes",
            Field("family_perspective", wrapper_class=FAMILY_WORDS_CLASS),
        )

    def meeting_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "held_on": data["held_on"],
            "notes": data["notes"],
            "family_perspective": data["family_perspective"],
            "network_ids": [m.pk for m in data["network_participants"]],
            "family_ids": [m.pk for m in data["family_participants"]],
            "staff_ids": [u.pk for u in data["staff_participants"]],
        }
