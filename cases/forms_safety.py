"""The Signs of Safety mapping form: the three columns, danger statement ↔ safety goal pairs
and a scaling field per person of the course (each parent and child, the rådgiver, each
practitioner on the team) plus a few other named people. The form only cleans input and
turns it into the service's data — the rules live in cases/safety_services.py."""

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Course, FamilyMember, MemberKind, SafetyMapping, ScalingRespondent
from cases.safety_services import Score, course_team, score_person_key
from staffing.models import User

TEXT_FIELDS = ("harm", "complicating_factors", "working_well", "next_steps", "family_perspective")
MIN_DANGER_SLOTS = 4  # one more than recommended, so a fourth can be written (and warned)
MIN_OTHER_SLOTS = 2


def _textarea(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _score_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 10}),
        error_messages={
            "min_value": _("Skaleringen skal være et tal fra 0 til 10."),
            "max_value": _("Skaleringen skal være et tal fra 0 til 10."),
            "invalid": _("Skaleringen skal være et tal fra 0 til 10."),
        },
    )


class SafetyMappingForm(forms.Form):
    mapped_on = forms.DateField(
        label=_("Dato for kortlægningen"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Skriv datoen for kortlægningen.")},
    )
    harm = _textarea(_("Skade: hvad er sket"))
    complicating_factors = _textarea(_("Komplicerende faktorer"))
    working_well = _textarea(
        _("Det der fungerer godt"), _("Styrker og sikkerhed, der allerede er der.")
    )
    next_steps = _textarea(_("Næste skridt"))
    family_perspective = _textarea(_("Familiens egne ord"))

    def __init__(
        self, *args: Any, course: Course, initial_from: SafetyMapping | None = None, **kwargs: Any
    ) -> None:
        self.course = course
        self.prefilled = initial_from is not None
        self.members: list[FamilyMember] = list(course.family.members.all())
        self.radgiver: User | None = course.family.caseworker
        self.team: list[User] = [
            u for u in course_team(course) if self.radgiver is None or u.pk != self.radgiver.pk
        ]
        initial = dict(kwargs.pop("initial", None) or {})
        prefill = mapping_initial(initial_from) if initial_from is not None else {}
        prefill.setdefault("mapped_on", timezone.localdate())
        kwargs["initial"] = {**prefill, **initial}
        super().__init__(*args, **kwargs)
        data = self.data if self.is_bound else {}
        self.danger_slots = max(
            MIN_DANGER_SLOTS,
            len(prefill.get("_pairs", [])) + 1,
            *(int(k.split("_")[1]) + 1 for k in data if _slot_key(k, "danger")),
        )
        self.other_slots = max(
            MIN_OTHER_SLOTS,
            len(prefill.get("_others", [])),
            *(int(k.split("_")[2]) + 1 for k in data if _slot_key(k, "other_label")),
        )
        self.danger_slots = min(self.danger_slots, 10)
        self.other_slots = min(self.other_slots, 10)
        for i in range(self.danger_slots):
            self.fields[f"danger_{i}"] = forms.CharField(
                label=_("Farevurdering %(n)s") % {"n": i + 1},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"goal_{i}"] = forms.CharField(
                label=_("Sikkerhedsmål %(n)s") % {"n": i + 1},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        for member in self.members:
            self.fields[f"score_member_{member.pk}"] = _score_field(str(member))
        if self.radgiver is not None:
            self.fields[f"score_user_{self.radgiver.pk}"] = _score_field(
                _("%(name)s (rådgiver)") % {"name": _user_name(self.radgiver)}
            )
        for user in self.team:
            self.fields[f"score_user_{user.pk}"] = _score_field(_user_name(user))
        for i in range(self.other_slots):
            self.fields[f"other_label_{i}"] = forms.CharField(
                label=_("Anden person %(n)s: navn") % {"n": i + 1}, required=False, max_length=200
            )
            self.fields[f"other_score_{i}"] = _score_field(_("Skalering"))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form tag carries the token

    # The template's groups ------------------------------------------------------------------

    def pair_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"danger_{i}"], self[f"goal_{i}"]) for i in range(self.danger_slots)]

    def person_score_fields(self) -> list[forms.BoundField]:
        names = [f"score_member_{m.pk}" for m in self.members]
        if self.radgiver is not None:
            names.append(f"score_user_{self.radgiver.pk}")
        names += [f"score_user_{u.pk}" for u in self.team]
        return [self[n] for n in names]

    def other_score_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"other_label_{i}"], self[f"other_score_{i}"]) for i in range(self.other_slots)
        ]

    # The service's data ---------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for i in range(self.other_slots):
            label = (cleaned.get(f"other_label_{i}") or "").strip()
            score = cleaned.get(f"other_score_{i}")
            if label and score is None and f"other_score_{i}" not in self.errors:
                self.add_error(
                    f"other_score_{i}", _("Skriv skaleringen for %(name)s.") % {"name": label}
                )
            elif score is not None and not label:
                self.add_error(f"other_label_{i}", _("Skriv navnet på den, der skalerer."))
        return cleaned

    def mapping_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("mapped_on", *TEXT_FIELDS)}

    def danger_pairs(self) -> list[tuple[str, str]]:
        return [
            (self.cleaned_data.get(f"danger_{i}", ""), self.cleaned_data.get(f"goal_{i}", ""))
            for i in range(self.danger_slots)
        ]

    def scores(self) -> list[Score]:
        found = []
        for member in self.members:
            value = self.cleaned_data.get(f"score_member_{member.pk}")
            if value is not None:
                kind = (
                    ScalingRespondent.CHILD
                    if member.kind == MemberKind.CHILD
                    else ScalingRespondent.PARENT
                )
                found.append(Score(kind, value, member=member))
        users = [(self.radgiver, ScalingRespondent.RADGIVER)] if self.radgiver else []
        users += [(u, ScalingRespondent.PRACTITIONER) for u in self.team]
        for user, kind in users:
            value = self.cleaned_data.get(f"score_user_{user.pk}")
            if value is not None:
                found.append(Score(kind, value, user=user))
        for i in range(self.other_slots):
            label = (self.cleaned_data.get(f"other_label_{i}") or "").strip()
            value = self.cleaned_data.get(f"other_score_{i}")
            if label and value is not None:
                found.append(Score(ScalingRespondent.OTHER, value, label=label))
        return found


def _slot_key(key: str, prefix: str) -> bool:
    rest = key.removeprefix(prefix + "_")
    return rest != key and rest.isdigit() and int(rest) < 10


def _user_name(user: User) -> str:
    return user.get_full_name() or str(user)


def mapping_initial(mapping: SafetyMapping) -> dict[str, Any]:
    """A mapping's content as the form's initial data (to revisit it quickly)."""
    initial: dict[str, Any] = {name: getattr(mapping, name) for name in TEXT_FIELDS}
    pairs = [
        (d.text, goal.text if (goal := getattr(d, "safety_goal", None)) else "")
        for d in mapping.danger_statements.all()
    ]
    initial["_pairs"] = pairs
    for i, (danger, goal) in enumerate(pairs):
        initial[f"danger_{i}"], initial[f"goal_{i}"] = danger, goal
    others = [s for s in mapping.scores.all() if s.respondent == ScalingRespondent.OTHER]
    initial["_others"] = others
    for score in mapping.scores.all():
        key = score_person_key(score)
        if key.startswith(("member-", "user-")):
            kind, pk = key.split("-")
            initial[f"score_{kind}_{pk}"] = score.score
    for i, score in enumerate(others):
        initial[f"other_label_{i}"], initial[f"other_score_{i}"] = score.label, score.score
    return initial
