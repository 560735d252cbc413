"""How the plan's forms work — each a small page that the plan page also loads inline, posting
plainly and going back to the plan; bad input 400, a save on an old version 409 with the
user's text kept (ADR 0005) — and the forms for the professionals in the home and the
family's own words. Goals and actions: ``goals.py``."""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cases import plan_services as plans
from cases.forms_plan import (
    DeleteForm,
    MoveForm,
    PerspectiveForm,
    PlanForm,
    ProfessionalForm,
)
from cases.models import FamilyMember, FamilyPlan, PlanVersion
from cases.views_plan.page import Conflict, plan_page, plan_url
from familieberedskab.permissions import Perm

_Save = Callable[[Any], str]  # saves the valid form; returns the plan page's anchor to go to


def _changes_since(plan: FamilyPlan, number: int) -> list[PlanVersion]:
    versions = plan.versions.filter(number__gt=number).select_related("created_by")
    return list(versions.defer("snapshot").order_by("number"))


def _current_version(plan: FamilyPlan) -> int:
    return FamilyPlan.objects.values_list("version", flat=True).get(pk=plan.pk)


def _posted_version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return 0


def _page(
    request: HttpRequest,
    plan: FamilyPlan,
    form: PlanForm,
    context: dict[str, Any],
    *,
    status: int,
    template: str = "cases/plan_form.html",
) -> HttpResponse:
    context = {
        "plan": plan,
        "course": plan.course,
        "family": plan.course.family,
        "form": form,
        "action_url": request.path,
        **context,
    }
    context.setdefault("cancel_url", plan_url(plan, context.get("anchor", "")))
    return render(request, template, context, status=status)


def form_page(
    request: HttpRequest,
    plan: FamilyPlan,
    form: PlanForm,
    save: _Save,
    *,
    done: str,
    context: dict[str, Any],
    current: list[tuple[str, str]] | None = None,
    template: str = "cases/plan_form.html",
) -> HttpResponse:
    """GET shows the form. POST saves it and goes back to the plan; bad input is 400 and a
    save on an old version 409, both re-showing everything the user typed."""
    status, conflict = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                anchor = save(form)
            except plans.PlanConflict as exc:
                changes = exc.changes
                form.take_version(changes[-1].number if changes else _current_version(plan))
                message = context.get("conflict_message") or exc.messages[0]
                status, conflict = 409, Conflict(message, changes, current or [])
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, done)
                return redirect(plan_url(plan, anchor))
    context = {**context, "conflict": conflict}
    return _page(request, plan, form, context, status=status, template=template)


def gone(
    request: HttpRequest,
    plan: FamilyPlan,
    form: PlanForm,
    *,
    message: str,
    context: dict[str, Any],
    retry_url: str | None,
) -> HttpResponse:
    """The item was deleted by someone else while the user wrote: their text is kept (409),
    and where it can be, saving adds it anew."""
    if request.method != "POST":
        raise Http404
    changes = _changes_since(plan, _posted_version(request))
    form.take_version(plan.version)
    conflict = Conflict(message, changes, can_retry=retry_url is not None)
    context = {**context, "conflict": conflict, "action_url": retry_url}
    return _page(request, plan, form, context, status=409)


def find(items: Iterable[Any], pk: int) -> Any | None:
    """The item with ``pk`` among the plan's (prefetched) items, or None."""
    return next((item for item in items if item.pk == pk), None)


def found(items: Iterable[Any], pk: int) -> Any:
    item = find(items, pk)
    if item is None:
        raise Http404
    return item


def plan_to_edit(request: HttpRequest, course_pk: int) -> FamilyPlan:
    return plans.get_plan_for_user(request.user, course_pk, perm=Perm.PLAN_EDIT)


def members_of(plan: FamilyPlan) -> list[FamilyMember]:
    return list(plan.course.family.members.all())


def field_ids(*parts: object) -> str:
    """Field ids unique on the plan page, where several forms may be open inline at once."""
    return "id_" + "_".join(str(p) for p in parts) + "_%s"


CONFIRM = "cases/plan_confirm_delete.html"
DELETE_CONFLICT = gettext_lazy(
    "Planen er blevet ændret, siden du åbnede den, så intet er slettet. Se hvad der er ændret, "
    "og bekræft igen."
)


def move_page(
    request: HttpRequest, plan: FamilyPlan, move: Callable[[int, int], None], *, anchor: str
) -> HttpResponse:
    """Up or down: on the plan page itself, so a refusal re-shows the plan."""
    form = MoveForm(request.POST)
    if not form.is_valid():
        return plan_page(request, plan, errors=[_("Flytningen kunne ikke forstås.")], status=400)
    try:
        move(form.expected_version(), form.cleaned_data["step"])
    except plans.PlanConflict as exc:
        message = _(
            "Planen er blevet ændret, siden du åbnede den, så flytningen er ikke gemt. Se hvad "
            "der er ændret, og flyt igen."
        )
        conflict = Conflict(message, exc.changes, can_retry=False)
        return plan_page(request, plan, conflict=conflict, status=409)
    except ValidationError as exc:
        return plan_page(request, plan, errors=exc.messages, status=400)
    return redirect(plan_url(plan, anchor))


# Professionals in the home and the family's own words


@require_http_methods(["GET", "POST"])
def professional_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    plan = plan_to_edit(request, course_pk)
    form = ProfessionalForm(
        request.POST or None, initial={"version": plan.version}, auto_id=field_ids("professional")
    )

    def save(f: ProfessionalForm) -> str:
        data, version = f.service_data(), f.expected_version()
        plans.professional_save(by=request.user, plan=plan, expected_version=version, data=data)
        return "professionals"

    context = {"title": _("Ny fagperson i hjemmet"), "anchor": "professionals"}
    return form_page(request, plan, form, save, done=_("Fagpersonen er gemt."), context=context)


@require_http_methods(["GET", "POST"])
def professional_edit(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    plan = plan_to_edit(request, course_pk)
    professional = find(plan.professionals.all(), pk)
    if professional is None:
        message = _(
            "Fagpersonen er fjernet af en anden, mens du skrev. Din tekst står herunder: gem for "
            "at tilføje fagpersonen igen."
        )
        form = ProfessionalForm(request.POST or None, auto_id=field_ids("professional", pk))
        retry = reverse("cases:plan_professional_create", args=[course_pk])
        context = {"title": _("Ny fagperson i hjemmet"), "anchor": "professionals"}
        return gone(request, plan, form, message=message, context=context, retry_url=retry)
    initial = {"version": plan.version}
    form = ProfessionalForm(
        request.POST or None,
        initial=initial,
        professional=professional,
        auto_id=field_ids("professional", pk),
    )

    def save(f: ProfessionalForm) -> str:
        data, version = f.service_data(), f.expected_version()
        plans.professional_save(
            by=request.user,
            plan=plan,
            expected_version=version,
            data=data,
            professional=professional,
        )
        return "professionals"

    current = [(_("Fagpersonen"), f"{professional.name} – {professional.role}: {professional.why}")]
    context = {
        "title": _("Ret fagperson i hjemmet"),
        "anchor": "professionals",
        "delete_url": reverse("cases:plan_professional_delete", args=[course_pk, pk]),
        "delete_label": _("Fjern fagpersonen"),
    }
    done = _("Fagpersonen er gemt.")
    return form_page(request, plan, form, save, done=done, context=context, current=current)


@require_http_methods(["GET", "POST"])
def professional_delete(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    plan = plan_to_edit(request, course_pk)
    professional = found(plan.professionals.all(), pk)
    form = DeleteForm(request.POST or None, initial={"version": plan.version})

    def save(f: DeleteForm) -> str:
        plans.professional_delete(
            by=request.user,
            plan=plan,
            expected_version=f.expected_version(),
            professional=professional,
        )
        return "professionals"

    context = {
        "title": _("Fjern fagperson"),
        "question": _("Vil du fjerne denne fagperson fra planen?"),
        "conflict_message": str(DELETE_CONFLICT),
        "item": f"{professional.name} – {professional.role}",
        "anchor": "professionals",
    }
    done = _("Fagpersonen er fjernet.")
    return form_page(request, plan, form, save, done=done, context=context, template=CONFIRM)


@require_http_methods(["GET", "POST"])
def perspective_edit(request: HttpRequest, course_pk: int) -> HttpResponse:
    plan = plan_to_edit(request, course_pk)
    initial = {"version": plan.version, "family_perspective": plan.family_perspective}
    form = PerspectiveForm(request.POST or None, initial=initial, auto_id=field_ids("words"))

    def save(f: PerspectiveForm) -> str:
        text, version = f.cleaned_data["family_perspective"], f.expected_version()
        plans.plan_perspective_save(by=request.user, plan=plan, expected_version=version, text=text)
        return "family-words"

    current = [(_("Familiens egne ord"), plan.family_perspective)]
    context = {"title": _("Familiens egne ord om planen"), "anchor": "family-words"}
    done = _("Familiens ord er gemt.")
    return form_page(request, plan, form, save, done=done, context=context, current=current)
