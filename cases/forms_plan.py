"""Forms of the shared family plan. Each carries the plan version the page showed, which the
service checks (optimistic locking, ADR 0005); the forms only clean input and turn the
choices into the services' data — the rules live in cases/plan_services.py."""

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.models import (
    Action,
    ActionResponsible,
    FamilyMember,
    FamilyPlan,
    Goal,
    GoalOwner,
    LifeArea,
    MemberKind,
    PlanProfessional,
    TeamAssignment,
)
from staffing.models import User

FAMILY = "family"
OTHER = "other"


def _helper(*fields: Any) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's form tag carries the token
    helper.layout = Layout("version", *fields)
    return helper


class PlanForm(forms.Form):
    """The plan version the user started from, and service errors shown on the right field."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # A service's error key → the form field that shows it.
    service_fields: dict[str, str] = {}

    def expected_version(self) -> int:
        return self.cleaned_data["version"]

    def take_version(self, number: int) -> None:
        """After a conflict: save again on top of ``number``, keeping everything typed."""
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(number)

    def add_service_error(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for key, errors in exc.error_dict.items():
            name = self.service_fields.get(key, key)
            self.add_error(name if name in self.fields else None, errors)


def _member_choices(members: list[FamilyMember]) -> list[tuple[str, Any]]:
    parents = [(f"member-{m.pk}", str(m)) for m in members if m.kind == MemberKind.CAREGIVER]
    children = [(f"member-{m.pk}", str(m)) for m in members if m.kind == MemberKind.CHILD]
    groups: list[tuple[str, Any]] = []
    if parents:
        groups.append((_("Forældre"), parents))
    if children:
        groups.append((_("Børn"), children))
    return groups


def _member_of(value: str, members: list[FamilyMember]) -> FamilyMember | None:
    pk = int(value.removeprefix("member-"))
    return next((m for m in members if m.pk == pk), None)


class GoalForm(PlanForm):
    """A goal in the family's own words: whose it is (a parent, a child or the whole family),
    the life area, and where it comes from if it is part of another plan."""

    whose = forms.ChoiceField(label=_("Hvis mål er det?"))
    service_fields = {"member": "whose", "owner": "whose"}

    def __init__(
        self, *args: Any, members: list[FamilyMember], goal: Goal | None = None, **kwargs: Any
    ) -> None:
        if goal is not None:
            kwargs.setdefault("initial", {}).update(
                whose=f"member-{goal.member_id}" if goal.member_id else FAMILY,
                **{name: getattr(goal, name) for name in self.goal_fields(editing=True)},
            )
        super().__init__(*args, **kwargs)
        self.members = members
        self.fields["whose"].choices = [
            ("", _("Vælg …")),
            *_member_choices(members),
            (FAMILY, _("Hele familien")),
        ]
        for name in self.goal_fields(editing=goal is not None):
            self.fields[name] = Goal._meta.get_field(name).formfield()
        self.fields["life_area"].choices = [("", _("Vælg …")), *LifeArea.choices]
        text = self.fields["text"]
        text.widget.attrs["rows"] = 3  # the model's Textarea keeps its maxlength
        text.help_text = _("Skriv målet, som familien selv siger det.")
        self.fields["family_comment"].widget.attrs["rows"] = 2
        self.fields["source_note"].help_text = _("Fx »barnets plan af 3.2.2026«.")
        text.widget.attrs["autofocus"] = True  # whose it is comes preselected from the page
        self.helper = _helper(
            "whose",
            "text",
            Row(Column("life_area", css_class="col-md-6"), Column("source", css_class="col-md-6")),
            "source_note",
            *(["status"] if goal is not None else []),
            "family_comment",
        )

    @staticmethod
    def goal_fields(*, editing: bool) -> list[str]:
        names = ["text", "life_area", "source", "source_note", "family_comment"]
        return [*names, "status"] if editing else names

    def service_data(self) -> dict[str, Any]:
        data = {k: self.cleaned_data[k] for k in self.goal_fields(editing="status" in self.fields)}
        whose = self.cleaned_data["whose"]
        member = None if whose == FAMILY else _member_of(whose, self.members)
        if member is None:
            data.update(owner=GoalOwner.FAMILY, member=None)
        else:
            owner = GoalOwner.CHILD if member.kind == MemberKind.CHILD else GoalOwner.PARENT
            data.update(owner=owner, member=member)
        return data


def staff_for(plan: FamilyPlan) -> list[tuple[User, str]]:
    """Who on the staff side can hold an action: the course's team now, and the family's
    rådgiver — each with the role they have here."""
    team = (
        TeamAssignment.objects.current()
        .filter(course_id=plan.course_id)
        .select_related("user")
        .order_by("role", "user__full_name", "pk")
    )
    staff: dict[int, tuple[User, str]] = {}
    for assignment in team:
        staff.setdefault(assignment.user_id, (assignment.user, assignment.get_role_display()))
    caseworker = plan.course.family.caseworker
    staff.setdefault(caseworker.pk, (caseworker, str(_("Familierådgiver"))))
    return list(staff.values())


class ActionForm(PlanForm):
    """A concrete step: what, who (a staff member, someone in the family, or another person
    named), by when — and, when editing, when it was done."""

    what = forms.CharField(label=_("Hvad skal der ske?"), max_length=500)
    who = forms.ChoiceField(label=_("Hvem gør det?"))
    responsible_name = forms.CharField(
        label=_("Navn, hvis det er en anden"),
        required=False,
        max_length=200,
        help_text=_("Fx »mormor«, »fodboldtræneren« eller »sundhedsplejersken«."),
    )
    due_on = forms.DateField(
        label=_("Senest"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    service_fields = {"responsible_user": "who", "responsible_member": "who"}

    def __init__(
        self,
        *args: Any,
        members: list[FamilyMember],
        staff: list[tuple[User, str]],
        action: Action | None = None,
        **kwargs: Any,
    ) -> None:
        if action is not None:
            kwargs.setdefault("initial", {}).update(
                what=action.what,
                who=self._who_of(action),
                responsible_name=action.responsible_name,
                due_on=action.due_on,
                done_on=action.done_on,
            )
            if action.responsible_user_id and all(
                u.pk != action.responsible_user_id for u, _role in staff
            ):  # no longer on the team: still shown as it is
                staff = [*staff, (action.responsible_user, "")]
        super().__init__(*args, **kwargs)
        self.members, self.staff = members, staff
        people = [(f"user-{u.pk}", f"{u} – {role}" if role else str(u)) for u, role in staff]
        family = [(f"member-{m.pk}", str(m)) for m in members]
        self.fields["who"].choices = [
            ("", _("Vælg …")),
            (_("Medarbejdere"), people),
            (_("Familien"), family),
            (OTHER, _("En anden (netværk eller fagperson) – skriv navnet")),
        ]
        self.fields["what"].widget.attrs["autofocus"] = True
        names = ["what", "who", "responsible_name", "due_on"]
        if action is not None:
            self.fields["done_on"] = forms.DateField(
                label=_("Gjort den"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
            names.append("done_on")
        self.helper = _helper(
            "what",
            "who",
            "responsible_name",
            Row(*(Column(n, css_class="col-md-6") for n in names[3:])),
        )

    @staticmethod
    def _who_of(action: Action) -> str:
        if action.responsible_kind == ActionResponsible.PROFESSIONAL:
            return f"user-{action.responsible_user_id}"
        if action.responsible_kind == ActionResponsible.FAMILY:
            return f"member-{action.responsible_member_id}"
        return OTHER

    def service_data(self) -> dict[str, Any]:
        data = {
            "what": self.cleaned_data["what"],
            "due_on": self.cleaned_data["due_on"],
            "responsible_user": None,
            "responsible_member": None,
            "responsible_name": "",
        }
        if "done_on" in self.fields:
            data["done_on"] = self.cleaned_data["done_on"]
        who = self.cleaned_data["who"]
        if who.startswith("user-"):
            pk = int(who.removeprefix("user-"))
            user = next(u for u, _role in self.staff if u.pk == pk)
            data.update(responsible_kind=ActionResponsible.PROFESSIONAL, responsible_user=user)
        elif who.startswith("member-"):
            member = _member_of(who, self.members)
            data.update(responsible_kind=ActionResponsible.FAMILY, responsible_member=member)
        else:
            data.update(
                responsible_kind=ActionResponsible.OTHER,
                responsible_name=self.cleaned_data["responsible_name"],
            )
        return data


class ProfessionalForm(PlanForm):
    """Who comes to the home, in which role, and why — written for the family to read."""

    def __init__(
        self, *args: Any, professional: PlanProfessional | None = None, **kwargs: Any
    ) -> None:
        if professional is not None:
            kwargs.setdefault("initial", {}).update(
                {n: getattr(professional, n) for n in ("name", "role", "why")}
            )
        super().__init__(*args, **kwargs)
        for name in ("name", "role", "why"):
            self.fields[name] = PlanProfessional._meta.get_field(name).formfield()
        self.fields["name"].widget.attrs["autofocus"] = True
        self.fields["role"].help_text = _("Fx »sundhedsplejerske, Ishøj Kommune«.")
        self.fields["why"].help_text = _("Skriv det, så familien kan forstå det.")
        self.helper = _helper(
            Row(Column("name", css_class="col-md-6"), Column("role", css_class="col-md-6")),
            "why",
        )

    def service_data(self) -> dict[str, Any]:
        return {n: self.cleaned_data[n] for n in ("name", "role", "why")}


class PerspectiveForm(PlanForm):
    """The family's own words about the plan as a whole, entered with them."""

    family_perspective = forms.CharField(
        label=_("Familiens egne ord om planen"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Skriv det, familien siger – med deres ord."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["family_perspective"].widget.attrs["autofocus"] = True
        self.helper = _helper("family_perspective")


class MoveForm(PlanForm):
    """One step up (−1) or down (+1)."""

    step = forms.TypedChoiceField(coerce=int, choices=[("-1", "-1"), ("1", "1")])


class DeleteForm(PlanForm):
    """Deleting names the version too: what was deleted is what the user saw."""


class GoalReviewForm(PlanForm):
    """A goal scaled 0–10 at a review, with a short comment. The score can be typed or set on
    the slider (large to touch); app.js keeps the two in step, and without it a typed number
    wins over the slider."""

    reviewed_on = forms.DateField(
        label=_("Dato"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    score = forms.IntegerField(
        label=_("Hvor langt er I nået? (0–10)"),
        required=False,
        min_value=0,
        max_value=10,
        help_text=_("0 er det værste, det har været, 10 er at målet er nået."),
    )
    score_slider = forms.IntegerField(
        label=_("Skala 0–10 (skyder)"),
        required=False,
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(attrs={"type": "range", "step": 1}),
    )
    comment = forms.CharField(
        label=_("Kort kommentar"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Fx hvad familien selv siger om, hvor de er."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = self.auto_id if isinstance(self.auto_id, str) else "id_%s"
        number, slider = ids % "score", ids % "score_slider"
        self.fields["score"].widget.attrs.update(
            {"inputmode": "numeric", "data-sync": slider, "autofocus": True}
        )
        self.fields["score_slider"].widget.attrs.update(
            {"class": "form-range score-range", "data-sync": number, "min": 0, "max": 10}
        )
        self.helper = _helper(
            Row(
                Column("reviewed_on", css_class="col-sm-6"),
                Column("score", css_class="col-sm-6"),
            ),
            Field("score_slider", template="cases/_partials/plan_range_field.html"),
            "comment",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        score = cleaned.get("score")
        if score is None and "score" not in self.errors:
            score = cleaned.get("score_slider")
        if score is None and "score" not in self.errors:
            self.add_error("score", _("Vælg et tal fra 0 til 10."))
        cleaned["score"] = score
        return cleaned

    def service_data(self) -> dict[str, Any]:
        return {
            "reviewed_on": self.cleaned_data["reviewed_on"],
            "score": self.cleaned_data["score"],
            "comment": self.cleaned_data["comment"],
        }
