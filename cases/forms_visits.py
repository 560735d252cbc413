"""The visit form (issue 5): the fields a practitioner fills in on a tablet — date and times,
place, who took part, what was done, which goals, the note — and the FIT section built from
the same posted data (cases/forms_visit_fit.py).

The form only parses input: every rule (times, team, family, scores) lives in
cases/visit_services.py, whose Danish messages are put back on the fields here, so nothing
typed is lost.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms_visit_fit import FitSection
from cases.models import Visit, VisitPlace
from cases.visit_services import FitEntry, VisitInput


class IdListField(forms.Field):
    """A list of ids from checkboxes. Which ids are allowed is the service's question (it
    answers in plain Danish: "Vælg kun medlemmer af denne familie.")."""

    widget = forms.SelectMultiple
    default_error_messages = {"invalid": _("Vælg kun blandt dem, der står på listen.")}

    def to_python(self, value: Any) -> list[int]:
        if value in (None, "", [], ()):
            return []
        values = value if isinstance(value, list | tuple) else [value]
        try:
            return [int(v) for v in values]
        except (TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Skriv en gyldig dato, fx 15.03.2026.")},
    )


def _time_field(label: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
        error_messages={"invalid": _("Skriv et klokkeslæt, fx 07:30.")},
    )


# Service error keys → form fields.
_SERVICE_FIELDS = {
    "starts_at": "start_time",
    "ends_at": "end_time",
    "place": "place",
    "staff_participants": "staff",
    "family_participants": "family",
    "network_participants": "network",
    "other_participants": "other_participants",
    "activities": "activities",
    "goals": "goals",
    "note": "note",
    "reason": "reason",
}


class VisitForm(forms.Form):
    day = _date_field(_("Dato"))
    start_time = _time_field(_("Start"))
    end_time = _time_field(_("Slut"))
    end_day = _date_field(_("Slutdato, hvis besøget sluttede en anden dag"))
    place = forms.ChoiceField(
        label=_("Sted"),
        choices=VisitPlace.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Vælg hvor besøget foregik.")},
    )
    staff = IdListField(label=_("Medarbejdere"), required=False)
    family = IdListField(label=_("Fra familien"), required=False)
    network = IdListField(label=_("Fra netværket"), required=False)
    other_participants = forms.CharField(
        label=_("Andre fagpersoner"),
        required=False,
        max_length=300,
        help_text=_("Fx lærer eller sundhedsplejerske: navn og rolle."),
    )
    activities = IdListField(label=_("Aktiviteter"), required=False)
    goals = IdListField(label=_("Mål, I arbejdede med"), required=False)
    note = forms.CharField(
        label=_("Journalnotat"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Skriv kort og sagligt, hvad der skete, og hvad I aftalte."),
    )

    # The fields each step of the form shows (the template's sections), for error badges.
    STEPS = {
        "time": ("day", "start_time", "end_time", "end_day", "place"),
        "who": ("staff", "family", "network", "other_participants"),
        "what": ("activities", "goals"),
        "note": ("note", "reason"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, form_field in self.fields.items():
            widget = form_field.widget
            if isinstance(widget, forms.DateInput | forms.TimeInput):
                widget.attrs["class"] = "form-control form-control-lg"
            elif isinstance(widget, forms.TextInput | forms.Textarea):
                widget.attrs["class"] = "form-control"
            if name in ("day", "start_time", "end_time", "end_day", "note", "reason"):
                widget.attrs["aria-describedby"] = f"{name}-help {name}-errors"

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        # Mark the fields with an error for the eye (Bootstrap) and the screen reader.
        names = [field] if field else []
        if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            names = list(error.error_dict)
        for name in names:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = (attrs.get("class", "") + " is-invalid").strip()
                attrs["aria-invalid"] = "true"

    def starts_at(self) -> dt.datetime | None:
        day, start = self.cleaned_data.get("day"), self.cleaned_data.get("start_time")
        if not (day and start):
            return None
        return timezone.make_aware(dt.datetime.combine(day, start))

    def ends_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("end_day") or self.cleaned_data.get("day")
        end = self.cleaned_data.get("end_time")
        if not (day and end):
            return None
        return timezone.make_aware(dt.datetime.combine(day, end))

    def visit_input(self, fit_entries: Sequence[FitEntry]) -> VisitInput:
        data = self.cleaned_data
        return VisitInput(
            starts_at=self.starts_at(),
            ends_at=self.ends_at(),
            place=data.get("place") or "",
            staff_ids=data.get("staff") or [],
            family_ids=data.get("family") or [],
            network_ids=data.get("network") or [],
            other_participants=data.get("other_participants") or "",
            activity_ids=data.get("activities") or [],
            goal_ids=data.get("goals") or [],
            note=data.get("note") or "",
            fit=list(fit_entries),
        )

    def add_service_error(self, exc: ValidationError, section: "FitSection") -> None:
        """Put the service's messages on the fields they concern; FIT messages go to the
        FIT blocks (``section``)."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, messages in exc.message_dict.items():
            if key.startswith("fit"):
                section.add_errors(key, messages)
            elif key in _SERVICE_FIELDS and _SERVICE_FIELDS[key] in self.fields:
                for message in messages:
                    self.add_error(_SERVICE_FIELDS[key], message)
            else:
                self.add_error(None, messages)

    def selected(self, name: str) -> set[str]:
        """The ids ticked in a list field, as strings (bound: as posted; else the initial)."""
        value = self[name].value()
        if value in (None, ""):
            return set()
        if not isinstance(value, list | tuple | set):
            value = [value]
        return {str(v) for v in value}

    def step_errors(self) -> set[str]:
        """The steps that hold a field with an error."""
        if not self.is_bound:
            return set()
        return {step for step, names in self.STEPS.items() if any(n in self.errors for n in names)}

    def current_day(self) -> dt.date:
        """The visit's date as the form holds it (for the FIT versions), today if unclear."""
        value = self["day"].value()
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            return timezone.localdate()


class VisitCorrectForm(VisitForm):
    reason = forms.CharField(
        label=_("Hvorfor rettes besøget?"),
        max_length=300,
        error_messages={"required": _("Skriv hvorfor besøget rettes.")},
        help_text=_("Fx: forkert sluttidspunkt, glemt at krydse en aktivitet af."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def take_version(self, version: int) -> None:
        """After a conflict: the next save is made on top of the version now stored."""
        data = self.data.copy()
        data["version"] = str(version)
        self.data = data


def visit_defaults(now: dt.datetime | None = None) -> dict[str, Any]:
    """A new visit ends now and began an hour ago (both on a five-minute mark), at home."""
    now = timezone.localtime(now)
    end = now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0)
    start = end - dt.timedelta(hours=1)
    initial = {
        "day": start.date(),
        "start_time": start.time(),
        "end_time": end.time(),
        "place": VisitPlace.HOME,
    }
    if end.date() != start.date():
        initial["end_day"] = end.date()
    return initial


def visit_initial(visit: Visit) -> dict[str, Any]:
    """The form's values for a stored visit (with prefetched relations)."""
    start, end = timezone.localtime(visit.starts_at), timezone.localtime(visit.ends_at)
    return {
        "day": start.date(),
        "start_time": start.time().replace(second=0, microsecond=0),
        "end_time": end.time().replace(second=0, microsecond=0),
        "end_day": end.date() if end.date() != start.date() else None,
        "place": visit.place,
        "staff": [u.pk for u in visit.staff_participants.all()],
        "family": [m.pk for m in visit.family_participants.all()],
        "network": [m.pk for m in visit.network_participants.all()],
        "other_participants": visit.other_participants,
        "activities": [a.pk for a in visit.activities.all()],
        "goals": [g.pk for g in visit.goals.all()],
        "note": visit.note,
        "version": visit.version,
    }


def draft_fields(data: Mapping[str, Any], form_class: type[VisitForm]) -> dict[str, Any]:
    """A stored draft as the form's initial values (lists stay lists)."""
    initial: dict[str, Any] = {}
    for name, form_field in form_class.base_fields.items():
        if name not in data:
            continue
        value = data[name]
        if isinstance(form_field, IdListField):
            initial[name] = value if isinstance(value, list) else [value]
        else:
            initial[name] = value[-1] if isinstance(value, list) and value else value
    return initial


def draft_data(post: Any) -> dict[str, Any]:
    """The posted form as the draft service keeps it: one string per field, a list where
    the field may hold several values."""
    out: dict[str, Any] = {}
    for key in post:
        values = post.getlist(key)
        out[key] = (
            values if len(values) > 1 or key in _LIST_FIELDS else (values[0] if values else "")
        )
    return out


_LIST_FIELDS = {"staff", "family", "network", "activities", "goals"}
