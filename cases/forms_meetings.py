"""The forms of the start and follow-up meetings: record a meeting as held (or correct it),
move an open meeting, and change how often the follow-ups are held. The forms only clean
input — the rules live in cases/meeting_services.py."""

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import FamilyMember, Goal, PlanMeeting
from staffing.models import User


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's form tag carries the token
    return helper


def _date(label: Any, required_message: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": required_message,
            "invalid": _("Skriv en gyldig dato, fx 15.03.2026."),
        },
    )


def _textarea(label: Any, help_text: Any = "", max_length: int = 5000) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _checkboxes(label: Any) -> forms.TypedMultipleChoiceField:
    return forms.TypedMultipleChoiceField(
        label=label,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Vælg kun blandt dem, der står på listen.")},
    )


def goal_label(goal: Goal) -> str:
    whose = goal.member.first_name if goal.member_id else _("Hele familien")
    return f"{whose}: {goal.text[:120]}"


class MeetingRecordForm(forms.Form):
    held_on = _date(_("Holdt den"), _("Skriv datoen, hvor mødet blev holdt."))
    staff_participants = _checkboxes(_("Medarbejdere"))
    family_participants = _checkboxes(_("Fra familien"))
    other_participants = forms.CharField(
        label=_("Andre deltagere"),
        required=False,
        max_length=500,
        help_text=_("Fx lærer, sundhedsplejerske eller jobcenter: navn og rolle."),
    )
    agreed = _textarea(_("Hvad blev aftalt"), _("Skriv det, så familien kan forstå det."))
    revised_goals = _checkboxes(_("Mål, der blev ændret"))
    revision_note = _textarea(
        _("Hvordan målene blev ændret"),
        _("Fx et nyt mål, en ny dato eller et mål, der er nået."),
        max_length=2000,
    )
    family_perspective = _textarea(
        _("Familiens egne ord"), _("Det, familien selv siger om mødet, gerne med deres ord.")
    )

    def __init__(
        self,
        *args: Any,
        staff: list[tuple[User, str]],
        family: list[FamilyMember],
        goals: list[Goal],
        meeting: PlanMeeting | None = None,
        **kwargs: Any,
    ) -> None:
        initial: dict[str, Any] = {"held_on": timezone.localdate()}
        if meeting is not None and meeting.held_on is not None:  # a correction
            initial = {
                "held_on": meeting.held_on,
                "other_participants": meeting.other_participants,
                "agreed": meeting.agreed,
                "revision_note": meeting.revision_note,
                "family_perspective": meeting.family_perspective,
                "staff_participants": [u.pk for u in meeting.staff_participants.all()],
                "family_participants": [m.pk for m in meeting.family_participants.all()],
                "revised_goals": [g.pk for g in meeting.revised_goals.all()],
            }
        kwargs["initial"] = {**initial, **(kwargs.pop("initial", None) or {})}
        super().__init__(*args, **kwargs)
        self.fields["staff_participants"].choices = [
            (user.pk, f"{user} ({role})" if role else str(user)) for user, role in staff
        ]
        self.fields["family_participants"].choices = [
            (m.pk, f"{m.full_name} ({m.relation or m.get_kind_display()})") for m in family
        ]
        self.fields["revised_goals"].choices = [(g.pk, goal_label(g)) for g in goals]
        self.helper = _helper()

    def meeting_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class MeetingRescheduleForm(forms.Form):
    due_on = _date(
        _("Ny dato"),
        _("Skriv den nye dato."),
        _("Mødet skal holdes senest denne dag."),
    )
    reschedule_reason = forms.CharField(
        label=_("Hvorfor flyttes mødet"),
        max_length=300,
        help_text=_("Fx sygdom, ferie eller et ønske fra familien."),
        error_messages={"required": _("Skriv hvorfor mødet flyttes.")},
    )

    def __init__(self, *args: Any, meeting: PlanMeeting, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"due_on": meeting.due_on})
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class CadenceForm(forms.Form):
    follow_up_months = forms.TypedChoiceField(
        label=_("Opfølgningsmøde hver"),
        coerce=int,
        error_messages={
            "required": _("Vælg mellem 1 og 12 måneder."),
            "invalid_choice": _("Vælg mellem 1 og 12 måneder."),
        },
    )

    def __init__(self, *args: Any, months: int, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"follow_up_months": months})
        super().__init__(*args, **kwargs)
        self.fields["follow_up_months"].choices = [(1, gettext("måned"))] + [
            (n, gettext("%(n)s. måned") % {"n": n}) for n in range(2, 13)
        ]
        self.helper = _helper()


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's errors on the fields they name, and the rest above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
