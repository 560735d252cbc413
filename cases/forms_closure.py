"""The forms of closing a course (issue 6, items 5 and 6): the closure form (the six criteria
each met / partly / not met with a comment, the reason and where the family goes next, each
child at home or not, a waiver reason for each final measurement not made, a summary for the
rådgiver and the family's own words), reopening by a leader, and the rådgiver's answer to a
check after closure.

The closure form only parses input: every field is optional here so that the service
(cases/closure_services.course_close) names everything missing at once, in Danish, on the
field it concerns — and nothing typed is lost."""

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.closure_services import FinalMeasure
from cases.models import (
    ClosureReason,
    Criterion,
    CriterionStatus,
    Destination,
    FamilyMember,
)

YES_NO = [("yes", _("Ja")), ("no", _("Nej"))]


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's form tag carries the token
    return helper


def _text(label: Any, max_length: int, rows: int = 0, **kw: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else None,
        **kw,
    )


def _radios(label: Any, choices: Any, *, buttons: bool = False) -> forms.ChoiceField:
    attrs = {"class": "btn-check", "autocomplete": "off"} if buttons else {}
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.RadioSelect(attrs=attrs),
        error_messages={"invalid_choice": _("Vælg et af svarene.")},
    )


class ClosureForm(forms.Form):
    closed_on = forms.DateField(
        label=_("Afsluttet den"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Skriv en gyldig dato, fx 15.03.2026.")},
    )
    reason = _radios(_("Hvorfor slutter forløbet"), ClosureReason.choices)
    reason_note = _text(_("Uddybning"), 500, help_text=_("Skal udfyldes, når du vælger 'Andet'."))
    destination = _radios(_("Hvad går familien videre til"), Destination.choices)
    summary = _text(
        _("Opsummering til rådgiveren"),
        10000,
        rows=6,
        help_text=_("Hvad er lykkedes, hvad er der stadig at arbejde med, og hvad anbefaler I?"),
    )
    family_perspective = _text(
        _("Familiens egne ord"),
        5000,
        rows=4,
        help_text=_("Det, familien selv siger om forløbet og afslutningen, med deres ord."),
    )

    def __init__(
        self,
        *args: Any,
        children: list[FamilyMember],
        finals: list[FinalMeasure],
        **kw: Any,
    ) -> None:
        kw.setdefault("initial", {"closed_on": timezone.localdate()})
        super().__init__(*args, **kw)
        self.children = children
        self.finals = finals
        for criterion in Criterion:
            self.fields[f"criterion_{criterion.value}"] = _radios(
                criterion.label, CriterionStatus.choices, buttons=True
            )
            self.fields[f"comment_{criterion.value}"] = _text(
                _("Kommentar"), 2000, rows=2, help_text=_("Hvad ser I, der viser det?")
            )
        for child in children:
            self.fields[f"child_{child.pk}"] = _radios(
                _("Bor %(name)s hjemme ved afslutningen?") % {"name": child.full_name},
                YES_NO,
                buttons=True,
            )
        for final in finals:
            if not final.done:
                self.fields[f"waiver_{final.key}"] = _text(
                    _("Eller skriv, hvorfor %(instrument)s om %(name)s ikke udføres")
                    % {"instrument": final.instrument_name, "name": final.subject.first_name},
                    300,
                )
        self.helper = _helper()
        self.final_errors: list[str] = []

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "closed_on": data["closed_on"],
            "reason": data["reason"],
            "reason_note": data["reason_note"],
            "destination": data["destination"],
            "summary": data["summary"],
            "family_perspective": data["family_perspective"],
            "criteria": {
                c.value: (data[f"criterion_{c.value}"] or None, data[f"comment_{c.value}"])
                for c in Criterion
            },
            "children": {
                child.pk: {"yes": True, "no": False}.get(data[f"child_{child.pk}"])
                for child in self.children
            },
            "waivers": {
                f.key: data[f"waiver_{f.key}"] for f in self.finals if f"waiver_{f.key}" in data
            },
        }

    def add_service_errors(self, error_dict: dict[str, list[str]]) -> None:
        """The service's refusals on the fields they name; the missing final measurements
        beside the list of final measurements."""
        for name, errors in error_dict.items():
            if name == "final_measures":
                self.final_errors.extend(str(e) for e in errors)
            else:
                self.add_error(name if name in self.fields else None, errors)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Hvorfor genåbnes forløbet"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Skriv hvorfor forløbet genåbnes.")},
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("prefix", "reopen")
        super().__init__(*args, **kw)
        self.helper = _helper()


class PostClosureCheckForm(forms.Form):
    lives_at_home = forms.ChoiceField(
        label=_("Bor barnet stadig hjemme?"),
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"class": "btn-check", "autocomplete": "off"}),
        error_messages={
            "required": _("Angiv om barnet bor hjemme."),
            "invalid_choice": _("Angiv om barnet bor hjemme."),
        },
    )
    note = forms.CharField(label=_("Bemærkning"), required=False, max_length=300)

    def __init__(self, *args: Any, check_pk: int, **kw: Any) -> None:
        kw.setdefault("prefix", f"check-{check_pk}")
        super().__init__(*args, **kw)
        self.helper = _helper()

    def answer(self) -> bool:
        return self.cleaned_data["lives_at_home"] == "yes"
