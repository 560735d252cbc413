"""The forms of the stories of change and of the children's school and daycare attachment
(issue 6, items 3 and 4): a story in the teller's words, a school/daycare/SFO with its contact
person, a contact or bridge-building activity, and the attendance of a period. The forms only
clean input (required fields carry the service's own Danish messages, so every missing field
is named at once) — the rules live in cases/outcome_services.py."""

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import (
    AttendanceUnit,
    ChangeDomain,
    ChangeStory,
    ContactKind,
    FamilyMember,
    Institution,
    InstitutionKind,
)

INVALID_DATE = _("Skriv en gyldig dato, fx 15.03.2026.")
WHOLE_NUMBER = {
    "invalid": _("Skriv et helt tal."),
    "min_value": _("Skriv et tal på 0 eller derover."),
}


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's form tag carries the token
    return helper


def _date(label: Any, required_message: Any = None) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required_message is not None,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": required_message, "invalid": INVALID_DATE},
    )


def _text(label: Any, required_message: Any = None, *, rows: int = 0, **kw: Any) -> forms.Field:
    return forms.CharField(
        label=label,
        required=required_message is not None,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else None,
        error_messages={"required": required_message} if required_message else None,
        **kw,
    )


def _choice(label: Any, choices: Any, message: Any, widget: Any = None) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=widget,
        error_messages={"required": message, "invalid_choice": message},
    )


def _member_field(label: Any, empty: Any, message: Any, *, required: bool) -> forms.Field:
    """A choice of family members by id (the choices are set from a list already fetched,
    so the form costs no query); ``cleaned_data`` holds the id, ``member()`` the person."""
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        required=required,
        empty_value=None,
        error_messages={"required": message, "invalid_choice": message},
        choices=[("", empty)],
    )


class _MemberChoice:
    """Mixin: fill a member field's choices from a list and give back the chosen person."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def _members(self, name: str, members: list[FamilyMember]) -> None:
        self._by_pk = {m.pk: m for m in members}
        field = self.fields[name]
        field.choices = [field.choices[0], *((m.pk, m.full_name) for m in members)]

    def member(self, name: str) -> FamilyMember | None:
        pk = self.cleaned_data.get(name)
        return None if pk is None else self._by_pk[pk]


class ChangeStoryForm(_MemberChoice, forms.Form):
    teller_member = _member_field(
        _("Hvem fortalte"),
        _("Vælg et familiemedlem"),
        _("Vælg et medlem af denne familie."),
        required=False,
    )
    teller_description = _text(
        _("Eller skriv, hvem der fortalte"),
        max_length=100,
        help_text=_("Fx mormor eller klasselæreren."),
    )
    told_on = _date(_("Dato"), _("Skriv datoen."))
    domain = _choice(
        _("Hvad handler forandringen om"),
        [("", _("Vælg et område")), *ChangeDomain.choices],
        _("Vælg hvilket område forandringen handler om."),
    )
    title = _text(_("Overskrift"), _("Giv fortællingen en overskrift."), max_length=200)
    story = _text(
        _("Fortællingen med fortællerens egne ord"),
        _("Skriv fortællingen med fortællerens ord."),
        rows=6,
        max_length=10000,
        help_text=_("Skriv det, som fortælleren sagde det. Ret ikke i ordene."),
    )
    why_significant = _text(
        _("Hvorfor betyder det noget for fortælleren"),
        _("Skriv hvorfor forandringen betyder noget for fortælleren."),
        rows=3,
        max_length=5000,
    )
    consent_to_use = _choice(
        _("Må bruges anonymiseret i rapporter"),
        [("yes", _("Ja")), ("no", _("Nej"))],
        _("Svar på, om fortællingen må bruges anonymiseret i rapporter."),
        widget=forms.RadioSelect,
    )

    def __init__(
        self, *args: Any, members: list[FamilyMember], story: ChangeStory | None = None, **kw: Any
    ) -> None:
        if story is not None:
            kw.setdefault(
                "initial",
                {
                    "teller_member": story.teller_member_id,
                    "teller_description": story.teller_description,
                    "told_on": story.told_on,
                    "domain": story.domain,
                    "title": story.title,
                    "story": story.story,
                    "why_significant": story.why_significant,
                    "consent_to_use": "yes" if story.consent_to_use else "no",
                },
            )
        else:
            kw.setdefault("initial", {"told_on": timezone.localdate()})
        super().__init__(*args, **kw)
        self._members("teller_member", members)
        self.helper = _helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            "teller_member" not in self.errors
            and data.get("teller_member") is None
            and not (data.get("teller_description") or "").strip()
        ):
            self.add_error("teller_member", _("Vælg hvem der fortalte, eller skriv det."))
        return data

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["teller_member"] = self.member("teller_member")
        data["consent_to_use"] = data["consent_to_use"] == "yes"
        return data


class InstitutionForm(_MemberChoice, forms.Form):
    child = _member_field(
        _("Barn"), _("Vælg et barn"), _("Vælg et af familiens børn."), required=True
    )
    kind = _choice(
        _("Type"),
        [("", _("Vælg type")), *InstitutionKind.choices],
        _("Vælg om det er skole, dagtilbud eller SFO."),
    )
    name = _text(_("Navn"), _("Skriv institutionens navn."), max_length=200)
    contact_person = _text(
        _("Kontaktperson"), max_length=200, help_text=_("Fx klasselærer eller primærpædagog.")
    )
    contact_details = _text(
        _("Kontaktoplysninger"), max_length=200, help_text=_("Telefon eller mail.")
    )
    starts_on = _date(_("Startede"))
    ends_on = _date(_("Sluttede"))

    def __init__(
        self,
        *args: Any,
        children: list[FamilyMember],
        institution: Institution | None = None,
        **kw: Any,
    ) -> None:
        if institution is not None:
            kw.setdefault(
                "initial",
                {
                    name: getattr(institution, name)
                    for name in ("kind", "name", "contact_person", "contact_details")
                }
                | {
                    "child": institution.child_id,
                    "starts_on": institution.starts_on,
                    "ends_on": institution.ends_on,
                },
            )
        super().__init__(*args, **kw)
        self._members("child", children)
        self.helper = _helper()

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data) | {"child": self.member("child")}


class InstitutionContactForm(forms.Form):
    contacted_on = _date(_("Dato"), _("Skriv en dato, der ikke ligger i fremtiden."))
    kind = _choice(
        _("Hvad var det"),
        ContactKind.choices,
        _("Vælg om det var et møde, en opringning eller brobygning."),
        widget=forms.RadioSelect,
    )
    note = _text(
        _("Notat"),
        rows=3,
        max_length=2000,
        help_text=_("Hvad skete der, og hvad blev aftalt?"),
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("initial", {"contacted_on": timezone.localdate()})
        super().__init__(*args, **kw)
        self.helper = _helper()


class AttendancePeriodForm(forms.Form):
    period_start = _date(_("Fra"))
    period_end = _date(_("Til"))
    unit = _choice(
        _("Tælles i"),
        AttendanceUnit.choices,
        _("Vælg om fraværet tælles i dage eller lektioner."),
        widget=forms.RadioSelect,
    )
    possible = forms.IntegerField(
        label=_("Mulige dage eller lektioner i perioden"),
        required=False,
        min_value=0,
        error_messages=WHOLE_NUMBER,
    )
    absent = forms.IntegerField(
        label=_("Fravær i alt"), required=False, min_value=0, error_messages=WHOLE_NUMBER
    )
    unlawful = forms.IntegerField(
        label=_("Heraf ulovligt fravær"),
        required=False,
        min_value=0,
        error_messages=WHOLE_NUMBER,
        help_text=_("Fravær uden lovlig grund (ikke sygdom eller aftalt fri)."),
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("initial", {"unit": AttendanceUnit.DAYS})
        super().__init__(*args, **kw)
        self.helper = _helper()
