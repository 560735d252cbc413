"""The family's network screens, reached per course (issue 4, item 4): the network page with
the map, the list and a form to add a person; edit a person; take a person off the network;
take a dated snapshot and read it again with its map; record a network meeting. The rules
live in cases/network_services.py; access is the plan's."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import network_services as network
from cases.forms_network import NetworkMeetingForm, NetworkMemberForm, NetworkSnapshotForm
from cases.models import Course, NetworkMember
from cases.network_map import network_map_svg
from familieberedskab.audit import audit_log
from familieberedskab.models import AuditAction
from familieberedskab.permissions import Perm, has_permission


def _map(course: Course, people: list[dict], title: str, map_id: str = "network-map") -> str:
    return network_map_svg(
        people,
        title=title,
        centre_label=_("Familien"),
        labels={
            "private": _("Privat netværk"),
            "professional": _("Fagpersoner"),
            "desc": _(
                "Familien i midten. Jo tættere på midten, jo tættere er personen på familien."
            ),
        },
        map_id=map_id,
    )


def _network_page(
    request: HttpRequest,
    course: Course,
    form: NetworkMemberForm | None = None,
    snapshot_form: NetworkSnapshotForm | None = None,
    status: int = 200,
) -> HttpResponse:
    members = list(network.network_members(course))
    snapshots = list(network.snapshots_for_course(course)[:20])
    meetings = list(network.meetings_for_course(course)[:20])
    network.audit_list(request.user, course, [*members, *snapshots, *meetings])
    editable = has_permission(request.user, Perm.PLAN_EDIT)
    if editable and form is None:
        form = NetworkMemberForm(family_members=network.family_members(course))
    context = {
        "course": course,
        "family": course.family,
        "members": members,
        "snapshots": snapshots,
        "meetings": meetings,
        "network_map": _map(
            course,
            network.network_data(members),
            _("Netværkskort for %(family)s") % {"family": course.family.name},
        ),
        "form": form if editable else None,
        "snapshot_form": (snapshot_form or NetworkSnapshotForm()) if editable else None,
        "editable": editable,
    }
    return render(request, "cases/network_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def network_detail(request: HttpRequest, course_pk: int) -> HttpResponse:
    if request.method != "POST":
        return _network_page(request, network.get_course_for_user(request.user, course_pk))
    course = network.get_course_for_user(request.user, course_pk, perm=Perm.PLAN_EDIT)
    form = NetworkMemberForm(request.POST, family_members=network.family_members(course))
    if not form.is_valid():
        return _network_page(request, course, form=form, status=400)
    try:
        network.network_member_save(
            by=request.user, course=course, data=form.member_data(), relations=form.relations()
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _network_page(request, course, form=form, status=400)
    messages.success(request, _("Personen er føjet til netværket."))
    return redirect("cases:network_detail", course.pk)


@require_http_methods(["GET", "POST"])
def network_member_edit(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    course = network.get_course_for_user(request.user, course_pk, perm=Perm.PLAN_EDIT)
    member = network.get_member(course, pk)
    family_members = network.family_members(course)
    if request.method != "POST":
        audit_log(
            by=request.user,
            action=AuditAction.VIEW,
            obj=member,
            family_id=course.family_id,
            course_id=course.pk,
        )
        form = NetworkMemberForm(family_members=family_members, instance=member)
        status = 200
    else:
        form = NetworkMemberForm(request.POST, family_members=family_members, instance=member)
        status = 400
        if form.is_valid():
            try:
                network.network_member_save(
                    by=request.user,
                    course=course,
                    data=form.member_data(),
                    relations=form.relations(),
                    member=member,
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Personen er gemt."))
                return redirect("cases:network_detail", course.pk)
    context = {"course": course, "family": course.family, "member": member, "form": form}
    return render(request, "cases/network_member_form.html", context, status=status)


@require_POST
def network_member_deactivate(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    course = network.get_course_for_user(request.user, course_pk, perm=Perm.PLAN_EDIT)
    member: NetworkMember = network.get_member(course, pk)
    try:
        network.network_member_deactivate(by=request.user, course=course, member=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s er taget af netværket.") % {"name": member.name})
    return redirect("cases:network_detail", course.pk)


@require_POST
def network_snapshot_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = network.get_course_for_user(request.user, course_pk, perm=Perm.PLAN_EDIT)
    form = NetworkSnapshotForm(request.POST)
    if not form.is_valid():
        return _network_page(request, course, snapshot_form=form, status=400)
    try:
        snapshot = network.network_snapshot_take(
            by=request.user,
            course=course,
            taken_on=form.cleaned_data["taken_on"],
            note=form.cleaned_data["note"],
            family_perspective=form.cleaned_data["family_perspective"],
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _network_page(request, course, snapshot_form=form, status=400)
    messages.success(request, _("Netværkskortet er gemt."))
    return redirect("cases:network_snapshot_detail", course.pk, snapshot.pk)


@require_GET
def network_snapshot_detail(request: HttpRequest, course_pk: int, pk: int) -> HttpResponse:
    course = network.get_course_for_user(request.user, course_pk)
    snapshot = network.get_snapshot(request.user, course, pk)
    people = snapshot.data if isinstance(snapshot.data, list) else []
    context = {
        "course": course,
        "family": course.family,
        "snapshot": snapshot,
        "people": people,
        "network_map": _map(
            course,
            people,
            _("Netværkskort %(date)s") % {"date": snapshot.taken_on.strftime("%d.%m.%Y")},
            map_id="snapshot-map",
        ),
    }
    return render(request, "cases/network_snapshot_detail.html", context)


@require_http_methods(["GET", "POST"])
def network_meeting_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = network.get_course_for_user(request.user, course_pk, perm=Perm.PLAN_EDIT)
    choices = {
        "network": network.network_members(course).order_by("name", "pk"),
        "family": network.family_members(course),
        "staff": network.team_users(course),
    }
    if request.method != "POST":
        form = NetworkMeetingForm(**choices)
        status = 200
    else:
        form = NetworkMeetingForm(request.POST, **choices)
        status = 400
        if form.is_valid():
            try:
                network.network_meeting_record(
                    by=request.user, course=course, **form.meeting_data()
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Netværksmødet er gemt."))
                return redirect("cases:network_detail", course.pk)
    context = {"course": course, "family": course.family, "form": form}
    return render(request, "cases/network_meeting_form.html", context, status=status)


_NET = "forloeb/<int:course_pk>/netvaerk/"

urlpatterns: list[URLPattern] = [
    path(_NET, network_detail, name="network_detail"),
    path(_NET + "person/<int:pk>/", network_member_edit, name="network_member_edit"),
    path(
        _NET + "person/<int:pk>/fjern/",
        network_member_deactivate,
        name="network_member_deactivate",
    ),
    path(_NET + "kort/", network_snapshot_create, name="network_snapshot_create"),
    path(_NET + "kort/<int:pk>/", network_snapshot_detail, name="network_snapshot_detail"),
    path(_NET + "moede/", network_meeting_create, name="network_meeting_create"),
]
