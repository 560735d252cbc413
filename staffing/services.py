"""Writes about people: sign-in events, one-time-code devices, roles, the staff roster."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from familieberedskab.audit import audit_log, changed_fields
from familieberedskab.models import AuditAction
from familieberedskab.permissions import Perm, permissions_of
from staffing.models import (
    PRACTITIONER_ROLES,
    Competence,
    Organisation,
    StaffCompetence,
    StaffProfile,
    User,
    UserRole,
)


@transaction.atomic
def otp_device_confirm(*, by: User, device: TOTPDevice) -> TOTPDevice:
    """Enrolment ends when the user has proved the device with a valid code."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.devices_for_user(by).exclude(pk=device.pk).delete()
    audit_log(by=by, action=AuditAction.OTP_ENROL, obj=by)
    return device


@transaction.atomic
def otp_reset(*, by: User, user: User) -> int:
    """An administrator removes a user's code devices; the user enrols anew at next sign-in."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    audit_log(by=by, action=AuditAction.OTP_RESET, obj=user)
    return deleted


@transaction.atomic
def user_roles_set(*, by: User, user: User, roles: set[str]) -> None:
    """Replace a user's roles with ``roles`` (administrators only, through the admin)."""
    current = set(user.role_assignments.values_list("role", flat=True))
    UserRole.objects.filter(user=user, role__in=current - roles).delete()
    UserRole.objects.bulk_create(UserRole(user=user, role=r) for r in sorted(roles - current))
    if current != roles:
        audit_log(
            by=by,
            action=AuditAction.UPDATE,
            obj=user,
            fields=["roles"],
            values={"roles_before": sorted(current), "roles_after": sorted(roles)},
        )
    user.__dict__.pop("roles", None)


def login_record(*, user: User) -> None:
    audit_log(by=user, action=AuditAction.LOGIN, obj=user)


def logout_record(*, user: User) -> None:
    audit_log(by=user, action=AuditAction.LOGOUT, obj=user)


# Roster: practitioners' hours and competences ---------------------------------------------

_PROFILE_FIELDS = ("contracted_hours", "flexible_share")


@dataclass(frozen=True)
class CompetenceRow:
    """One competence a practitioner holds, as entered."""

    competence: Competence
    certified_on: dt.date | None = None
    expires_on: dt.date | None = None


def roster(organisation: Organisation) -> QuerySet[User]:
    """The organisation's active practitioners with profile, roles and competences, annotated
    with the hours they carry on current courses (``assigned_hours``) and what is left of their
    contracted hours (``free_hours``, None without a profile)."""
    current = (
        apps.get_model("cases", "TeamAssignment")
        .objects.current()
        .filter(user=OuterRef("pk"))
        .values("user")
        .annotate(total=Sum("hours_per_week"))
        .values("total")
    )
    hours = DecimalField(max_digits=6, decimal_places=1)
    practitioners = UserRole.objects.filter(role__in=PRACTITIONER_ROLES).values("user_id")
    return (
        User.objects.filter(organisation=organisation, is_active=True, pk__in=practitioners)
        .select_related("profile")
        .prefetch_related(
            "role_assignments",
            Prefetch("competences", queryset=StaffCompetence.objects.select_related("competence")),
        )
        .annotate(assigned_hours=Coalesce(Subquery(current), Value(Decimal(0)), output_field=hours))
        .annotate(
            free_hours=ExpressionWrapper(
                F("profile__contracted_hours") - F("assigned_hours"), output_field=hours
            )
        )
        .order_by("full_name", "pk")
    )


def manages_roster_of(by: User, user: User) -> bool:
    """A leader or administrator manages the roster entries of their own organisation."""
    return Perm.ROSTER_MANAGE in permissions_of(by) and by.organisation_id == user.organisation_id


def get_staff_for_user(by: User, pk: int) -> User:
    """A practitioner whose roster entry ``by`` may manage: 403 without the function, 404 for
    anyone outside ``by``'s organisation. Writes the read to the audit trail."""
    if Perm.ROSTER_MANAGE not in permissions_of(by):
        raise PermissionDenied
    try:
        user = roster(by.organisation).get(pk=pk)
    except User.DoesNotExist:
        raise Http404 from None
    audit_log(by=by, action=AuditAction.VIEW, obj=user)
    return user


def _require_profile_access(by: User, user: User) -> bool:
    """Raise unless ``by`` may edit ``user``'s profile; True when ``by`` manages the roster."""
    manages = manages_roster_of(by, user) and bool(user.roles & PRACTITIONER_ROLES)
    own = by.pk == user.pk and Perm.PROFILE_EDIT_OWN in permissions_of(by)
    if not (manages or own):
        raise PermissionDenied
    return manages


@transaction.atomic
def staff_profile_update(*, by: User, user: User, data: dict[str, object]) -> StaffProfile:
    """A practitioner's weekly hours and flexible share, which matching relies on. The
    practitioner keeps their own flexible share; contracted hours are the organisation's to
    set (a leader or administrator of the same organisation)."""
    manages = _require_profile_access(by, user)
    unknown = set(data) - set(_PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    profile = StaffProfile.objects.select_for_update().filter(user=user).first()
    is_new = profile is None
    profile = profile or StaffProfile(user=user)
    before = {name: getattr(profile, name) for name in _PROFILE_FIELDS} if not is_new else {}
    if (
        not manages
        and "contracted_hours" in data
        and data["contracted_hours"] != (before.get("contracted_hours", profile.contracted_hours))
    ):
        raise ValidationError(
            {"contracted_hours": [_("Dine kontraktuelle timer ændres af din leder.")]}
        )
    for name, value in data.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    changed = changed_fields(profile, before, _PROFILE_FIELDS) if not is_new else _PROFILE_FIELDS
    if changed:
        audit_log(
            by=by,
            action=AuditAction.CREATE if is_new else AuditAction.UPDATE,
            obj=profile,
            fields=changed,
            values={name: str(getattr(profile, name)) for name in changed},
        )
    return profile


@transaction.atomic
def staff_competences_set(*, by: User, user: User, rows: list[CompetenceRow]) -> None:
    """Replace a practitioner's competences with ``rows`` (the practitioner, or a leader or
    administrator of the same organisation). A certification cannot expire before it began."""
    _require_profile_access(by, user)
    ids = [row.competence.pk for row in rows]
    if len(ids) != len(set(ids)):
        raise ValidationError(_("Den samme kompetence står flere gange."))
    held = {sc.competence_id: sc for sc in StaffCompetence.objects.filter(user=user)}
    if any(not row.competence.is_active and row.competence.pk not in held for row in rows):
        raise ValidationError(_("Kompetencen er ikke længere i brug og kan ikke tilføjes."))
    removed = sorted(set(held) - set(ids))
    StaffCompetence.objects.filter(user=user, competence_id__in=removed).delete()
    added, changed = [], []
    for row in rows:
        held_row = held.get(row.competence.pk)
        if held_row and (held_row.certified_on, held_row.expires_on) == (
            row.certified_on,
            row.expires_on,
        ):
            continue
        staff_competence = held_row or StaffCompetence(user=user, competence=row.competence)
        staff_competence.certified_on = row.certified_on
        staff_competence.expires_on = row.expires_on
        try:
            staff_competence.full_clean(exclude=["user", "competence"], validate_unique=False)
        except ValidationError:
            raise ValidationError(
                _("%(competence)s: udløbsdatoen ligger før certificeringen.")
                % {"competence": row.competence}
            ) from None
        staff_competence.save()
        (changed if held_row else added).append(row.competence.pk)
    if added or changed or removed:
        audit_log(
            by=by,
            action=AuditAction.UPDATE,
            obj=user,
            fields=["competences"],
            values={"added": added, "changed": changed, "removed": removed},
        )
